"""Outgoing mail: the one smtplib module; one result per message, never an exception per message.

Why results instead of exceptions: a digest goes to thousands of addresses and one refused
recipient must neither stop the others nor hide which ones were served. Each message gets a
:class:`Delivery` whose ``outcome`` follows the SMTP reply class (RFC 5321 §4.2.1): 2xx sent,
4xx ``transient`` (greylisting, full mailbox, rate limit: try again later), 5xx ``permanent``
(unknown user, rejected: count a hard bounce). A dropped connection is transient and the next
message reconnects once; an unreachable server makes every remaining message transient, with
``relay_down`` set: the message never left, and no recipient is to blame. A 5xx
that refuses us rather than the recipient (our sender at MAIL FROM, "530 authentication
required", "relay access denied") is ``transient`` with ``our_setup`` set: the operator's
settings are wrong, no recipient's address, and every further message would meet it; so is
a login the server refuses (535) and a TLS mode it does not speak, found on connecting. A
5xx after DATA is permanent, but a hard bounce (``bounce``) only when it names the address or
mailbox (RFC 3463 5.1.x, 5.2.x): a relay refusing the message itself refused it to everyone.

Settings are read structurally (anything with ``.smtp`` holding host, port, user, password,
security none/starttls/tls and mail_from), so this edge imports no other edge.
"""

from __future__ import annotations

import queue
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, replace
from email.message import EmailMessage, Message
from email.utils import formatdate, make_msgid, parseaddr
from typing import Literal, Protocol

from .errors import MailError, one_line
from .contacts import OutgoingMail

Outcome = Literal["sent", "transient", "permanent"]
RELAY_REFUSED = ("relay access denied", "relaying denied", "relay not permitted")
"""How Postfix, Sendmail and Exim refuse a recipient because we may not send through them."""
ADDRESS_STATUS = re.compile(r"^\d{3} 5\.[12]\.\d{1,3}\b")
"""RFC 3463's codes of a refusal about the address (5.1.x) or the mailbox (5.2.x); a relay
refusing a message after DATA otherwise refuses its content or our account (Amazon SES'
"554 Message rejected", a filter's "554 5.7.1 spam"), no subscriber's address."""
TIMEOUT = 30.0
"""Seconds for connect and each SMTP reply: RFC 5321 §4.5.3.2 allows minutes, but a stalled
relay should not hold a digest run; a timeout is transient, the message is retried later."""


class SmtpLike(Protocol):
    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def user(self) -> str | None: ...
    @property
    def password(self) -> str | None: ...
    @property
    def security(self) -> str: ...
    @property
    def mail_from(self) -> str: ...


class HasSmtp(Protocol):
    @property
    def smtp(self) -> SmtpLike: ...


@dataclass(frozen=True, slots=True)
class Delivery:
    """What happened to one message: ``reason`` is one line, empty when sent.

    ``our_setup``: the relay refused us (our login, our sender address), not this recipient;
    ``reason`` then says which setting to fix. A digest run stops there and counts it
    against nobody: a 530 was each subscriber's hard bounce, three Mondays suspended all."""

    recipient: str
    outcome: Outcome
    code: int | None = None
    reason: str = ""
    message_id: str = ""
    our_setup: bool = False
    relay_down: bool = False
    """The relay could not be reached (refused, timed out, no route): this message never
    left and the next would meet the same. A digest run stops there and counts it against
    nobody: each hourly retry used an attempt, and 7.5 hours down lost the week for all."""
    bounce: bool = True
    """For a permanent refusal: whether it is the recipient's address (a hard bounce), not
    our message (a relay's content or account policy answering DATA with 5.7.x, 554...)."""

    @property
    def sent(self) -> bool:
        return self.outcome == "sent"


def send_one(settings: HasSmtp, message: Message) -> str | None:
    """Send one message now; returns a one-line problem, or None when the server took it."""
    [delivery] = send_messages(settings, [message])
    if delivery.sent:
        return None
    return f"mail to {delivery.recipient} not sent: {delivery.reason}"


def notify_contact(settings: HasSmtp, to: str, language: str,
                   templates: dict[str, tuple[str, str]], fields: dict[str, object],
                   reply_to: str | None = None) -> str | None:
    """Send a plain-text notice (registration decided, feed failing...) to an organisation's
    contact, in its language (French when missing); a one-line problem, or None when sent.
    ``reply_to``: who a reply reaches (the operator), when not the sender."""
    subject, body = templates.get(language, templates["fr"])
    message = EmailMessage()
    message["From"] = settings.smtp.mail_from
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject.format(**fields)
    message.set_content(body.format(**fields))
    return send_one(settings, message)


def send_messages(
    settings: HasSmtp, messages: Iterable[Message | OutgoingMail], *, per_minute: int = 0,
) -> list[Delivery]:
    """Send every message over one connection; one Delivery each, in order."""
    return list(iter_send(settings, messages, per_minute=per_minute))


def iter_send(
    settings: HasSmtp, messages: Iterable[Message | OutgoingMail], *, per_minute: int = 0,
    connections: int = 1, sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Delivery]:
    """Send messages and yield each Delivery as soon as it is known, so the caller records
    it before more go out: a crash loses the record of at most ``connections`` messages.

    ``messages`` is consumed lazily, one more only when a connection is free. With one
    connection, Deliveries come in order; with several (each its own SMTP session, in a
    thread), in completion order. ``per_minute`` > 0 spaces messages evenly (providers
    throttle bulk senders; 0 = no pause).
    """
    interval = 60.0 / per_minute if per_minute > 0 else 0.0
    next_at = time.monotonic()

    def pace() -> None:
        nonlocal next_at
        if interval:
            pause = next_at - time.monotonic()
            if pause > 0:
                sleep(pause)
            next_at = max(next_at, time.monotonic()) + interval

    senders = [_Sender(settings.smtp) for _ in range(max(1, connections))]
    try:
        if len(senders) == 1:
            for message in messages:
                pace()
                yield senders[0].send(message)
            return
        free: queue.SimpleQueue[_Sender] = queue.SimpleQueue()
        for sender in senders:
            free.put(sender)

        def work(message: Message | OutgoingMail) -> Delivery:
            sender = free.get()
            try:
                return sender.send(message)
            finally:
                free.put(sender)

        with ThreadPoolExecutor(len(senders), thread_name_prefix="smtp") as pool:
            pending: set[Future[Delivery]] = set()
            for message in messages:
                pace()
                pending.add(pool.submit(work, message))
                if len(pending) >= len(senders):
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield future.result()
            for future in as_completed(pending):
                yield future.result()
    finally:
        for sender in senders:
            sender.close()


class _Sender:
    """One SMTP session, opened on first use and again after a dropped connection; once the
    server proved unreachable, or refused us, every further message is transient without a
    new attempt."""

    def __init__(self, smtp: SmtpLike) -> None:
        self.smtp = smtp
        self.connection: smtplib.SMTP | None = None
        self.unreachable: str | None = None
        self.refused: Delivery | None = None

    def send(self, message: Message | OutgoingMail) -> Delivery:
        if isinstance(message, Message):
            _complete(message, self.smtp.mail_from)
        recipient = _recipient(message)
        if self.refused is not None:
            return Delivery(recipient, "transient", self.refused.code, self.refused.reason,
                            our_setup=True)
        if self.unreachable is not None:
            return Delivery(recipient, "transient", None, self.unreachable, relay_down=True)
        if self.connection is None:
            try:
                self.connection = connect(self.smtp)
            except MailError as error:
                if error.our_setup:  # a wrong password is nobody's bounce, nor a retry's
                    self.refused = Delivery(recipient, "transient", None, error.message,
                                            our_setup=True)
                    return self.refused
                self.unreachable = error.message
                return Delivery(recipient, "transient", None, self.unreachable, relay_down=True)
        delivery, alive = _deliver(self.connection, message, recipient)
        if delivery.our_setup:
            delivery = replace(delivery, reason=_what_to_fix(self.smtp, delivery))
            self.refused = delivery
        if not alive:
            self.close()
        return delivery

    def close(self) -> None:
        _close(self.connection)
        self.connection = None


def connect(smtp: SmtpLike) -> smtplib.SMTP:
    """Open, secure and log in a connection as the settings say.

    Raises:
        MailError: unreachable, TLS failure or login refused; says which server, and, when
            our settings are what it refused (``our_setup``), which setting to change.
    """
    where = f"SMTP server {smtp.host}:{smtp.port}"
    connection: smtplib.SMTP | None = None
    try:
        context = ssl.create_default_context()
        if smtp.security == "tls":
            connection = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=TIMEOUT, context=context)
        else:
            connection = smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT)
            if smtp.security == "starttls":
                connection.starttls(context=context)
        if smtp.user:
            connection.login(smtp.user, smtp.password or "")
        return connection
    except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
        _close(connection)
        setup = _setup_refused(smtp, error)
        if setup:
            raise MailError(f"{where} {setup}", our_setup=True) from None
        raise MailError(f"{where} unreachable: {one_line(str(error)) or type(error).__name__}") from None


def _setup_refused(smtp: SmtpLike, error: Exception) -> str:
    """What the server refused of our settings while connecting, and the setting to change;
    empty when it is the network (refused, timed out), which a later try may pass. A wrong
    password or TLS mode was each subscriber's "unreachable" retry, until the week was lost."""
    text = one_line(str(error)) or type(error).__name__
    if isinstance(error, smtplib.SMTPAuthenticationError):
        answer = error.smtp_error.decode("utf-8", "replace") if isinstance(
            error.smtp_error, bytes) else str(error.smtp_error)
        return (f"refused the login of {smtp.user}: {error.smtp_code} {one_line(answer)}: "
                "check AGGREGATOR_SMTP_USER and AGGREGATOR_SMTP_PASSWORD")
    if isinstance(error, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(error):
        return (f"does not offer STARTTLS ({text}): set AGGREGATOR_SMTP_SECURITY to tls if "
                "this port speaks TLS from the start (465), or to none for a relay without TLS")
    if isinstance(error, smtplib.SMTPNotSupportedError):  # no AUTH offered
        return (f"offers no login ({text}): set AGGREGATOR_SMTP_SECURITY to starttls (port "
                "587) or tls (465), as most relays offer it only over TLS, or leave "
                "AGGREGATOR_SMTP_USER unset for a relay that needs none")
    if isinstance(error, ssl.SSLCertVerificationError):
        return (f"has a certificate we cannot trust ({text}): set AGGREGATOR_SMTP_HOST to "
                "the name its certificate holds, have that certificate renewed, or, for a "
                "relay with an authority of its own, set SSL_CERT_FILE to that authority's "
                "certificate")
    if isinstance(error, ssl.SSLError) and "WRONG_VERSION_NUMBER" in text.upper():
        return (f"does not speak TLS from the start ({text}): AGGREGATOR_SMTP_SECURITY=tls "
                "is for port 465; set it to starttls for port 587 or 25")
    return ""


def _what_to_fix(smtp: SmtpLike, refused: Delivery) -> str:
    """The one line an operator needs: which server refused what, and which setting to set."""
    where = f"SMTP server {smtp.host}:{smtp.port}"
    login = ("set AGGREGATOR_SMTP_USER and AGGREGATOR_SMTP_PASSWORD" if not smtp.user else
             f"check AGGREGATOR_SMTP_USER ({smtp.user}) and AGGREGATOR_SMTP_PASSWORD")
    if refused.code == 530 or "authentication" in refused.reason.lower():
        return f"{where} wants a login before it takes our mail: {refused.reason}: {login}"
    if any(words in refused.reason.lower() for words in RELAY_REFUSED):
        return (f"{where} does not relay our mail: {refused.reason}: {login}, or use a relay "
                "that accepts this machine (AGGREGATOR_SMTP_HOST)")
    sender = parseaddr(smtp.mail_from)[1] or smtp.mail_from
    return (f"{where} refused our sender {sender}: {refused.reason}: set AGGREGATOR_MAIL_FROM "
            f"to an address it sends for{'' if smtp.user else f', or {login}'}")


def classify(code: int | None) -> Outcome:
    """4xx (and no code: network trouble) is transient, 5xx permanent (RFC 5321 §4.2.1)."""
    return "permanent" if code is not None and 500 <= code < 600 else "transient"


def _deliver(
    connection: smtplib.SMTP, message: Message | OutgoingMail, recipient: str
) -> tuple[Delivery, bool]:
    """Send one message; returns its Delivery and whether the connection is still usable
    (smtplib closes it itself on a 421, and the next message then needs a new session)."""
    if isinstance(message, OutgoingMail):
        message_id = message.message_id
    else:
        message_id = str(message["Message-ID"] or "")
    try:
        if isinstance(message, OutgoingMail):
            options = ["BODY=8BITMIME"] if message.eight_bit and _has_8bitmime(connection) else []
            refused = connection.sendmail(message.sender, [recipient], message.data, options)
        else:
            refused = connection.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()), (None, b""))
        return _failed(recipient, code, text, message_id), _open(connection)
    except smtplib.SMTPServerDisconnected as error:
        return Delivery(recipient, "transient", None, f"connection lost: {error}", message_id), False
    except smtplib.SMTPSenderRefused as error:  # MAIL FROM: our address, not theirs
        return _failed(recipient, error.smtp_code, error.smtp_error, message_id,
                       ours=True), _open(connection)
    except smtplib.SMTPDataError as error:  # the recipient was accepted: the message refused
        delivery = _failed(recipient, error.smtp_code, error.smtp_error, message_id)
        if delivery.outcome == "permanent" and not ADDRESS_STATUS.search(delivery.reason):
            delivery = replace(delivery, bounce=False)
        return delivery, _open(connection)
    except smtplib.SMTPResponseException as error:
        return _failed(recipient, error.smtp_code, error.smtp_error, message_id), _open(connection)
    except (smtplib.SMTPException, OSError) as error:
        reason = one_line(str(error)) or type(error).__name__
        return Delivery(recipient, "transient", None, reason, message_id), False
    if refused:  # several recipients and some refused: report the first refusal
        code, text = next(iter(refused.values()))
        return _failed(recipient, code, text, message_id), _open(connection)
    return Delivery(recipient, "sent", 250, "", message_id), True


def _open(connection: smtplib.SMTP) -> bool:
    """Whether smtplib left the session open (it closes it after a 421 "closing channel")."""
    return connection.sock is not None


def _has_8bitmime(connection: smtplib.SMTP) -> bool:
    """Whether the relay takes 8bit bodies (RFC 6152); a relay that does not (none of the
    common ones) still gets the message as is rather than nothing."""
    connection.ehlo_or_helo_if_needed()
    return bool(connection.has_extn("8bitmime"))


def _failed(recipient: str, code: int | None, text: bytes | str, message_id: str, *,
            ours: bool = False) -> Delivery:
    """A refusal; ``ours`` (MAIL FROM), a 530 or a relay denial at any step, if permanent, is
    a refusal of our settings: transient for the message, with ``our_setup`` set."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    line = one_line(f"{code} {text}")
    outcome = classify(code)
    if outcome == "permanent" and (ours or code == 530 or any(
            words in line.lower() for words in RELAY_REFUSED)):
        return Delivery(recipient, "transient", code, line, message_id, our_setup=True)
    return Delivery(recipient, outcome, code, line, message_id)


def _complete(message: Message, mail_from: str) -> None:
    """Every message gets From, Date and Message-ID (spam filters penalise their absence)."""
    if message["From"] is None:
        message["From"] = mail_from
    if message["Date"] is None:
        message["Date"] = formatdate(localtime=False, usegmt=True)
    if message["Message-ID"] is None:
        domain = parseaddr(mail_from)[1].rpartition("@")[2] or socket.getfqdn()
        message["Message-ID"] = make_msgid(domain=domain)


def _recipient(message: Message | OutgoingMail) -> str:
    if isinstance(message, OutgoingMail):
        return message.recipient
    return parseaddr(str(message["To"] or ""))[1]


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is None:
        return
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()
