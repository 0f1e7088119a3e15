// Copy buttons next to calendar addresses (progressive enhancement: the field stays selectable).
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    var field = document.getElementById(button.getAttribute("data-copy"));
    field.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(field.value); }
  });
});
