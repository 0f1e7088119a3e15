// Copy buttons next to calendar addresses (progressive enhancement: the field stays selectable).
// Each says "Copied" in a live region made at load (a screen reader hears a region that was
// there before it changed): a silent button left readers unsure whether anything was copied.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var id = button.getAttribute("data-copy");
  var status = document.createElement("span");
  status.setAttribute("role", "status");
  status.setAttribute("data-copied-for", id);
  button.after(status);
  button.hidden = false;
  function copied() { status.textContent = button.getAttribute("data-copied"); }
  function byCommand() {
    try { if (document.execCommand("copy")) { copied(); } } catch (error) { /* left selected */ }
  }
  button.addEventListener("click", function () {
    var field = document.getElementById(id);
    status.textContent = "";
    field.focus();
    field.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(copied, byCommand);
    } else {
      byCommand();
    }
  });
});
