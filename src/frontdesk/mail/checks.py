"""'Test connection' for a mailbox's saved IMAP and SMTP settings: connect, verify TLS,
sign in, and report what happened in words that never carry a secret."""

import smtplib
import socket
import ssl

from frontdesk.mail import imap
from frontdesk.mail.models import Mailbox, Security

TIMEOUT_SECONDS = 15


class CheckFailed(Exception):
    """`str(exc)` is safe to show: no password, no server text that could echo one."""


def check_imap(mailbox: Mailbox) -> str:
    if not mailbox.imap_host:
        raise CheckFailed("No IMAP server is set.")
    try:
        with imap.connect(mailbox) as client:
            client.login(mailbox.imap_username, mailbox.imap_password)
            folder = client.select_folder(mailbox.imap_folder, readonly=True)
            client.logout()
    except Exception as exc:
        raise CheckFailed(_capitalised(imap.describe(exc))) from None
    count = int(folder.get(b"EXISTS", 0))
    return f"Signed in to {mailbox.imap_host}; {mailbox.imap_folder} holds {count} messages."


def check_smtp(mailbox: Mailbox) -> str:
    if not mailbox.smtp_host:
        raise CheckFailed("No SMTP server is set.")
    try:
        if mailbox.smtp_security == Security.NONE and not imap.is_loopback(mailbox.smtp_host):
            raise PermissionError("plain SMTP is allowed to loopback hosts only")
        context = imap.tls_context(mailbox.smtp_ca_cert)
        smtp: smtplib.SMTP
        if mailbox.smtp_security == Security.TLS:
            smtp = smtplib.SMTP_SSL(
                mailbox.smtp_host, mailbox.smtp_port, timeout=TIMEOUT_SECONDS, context=context
            )
        else:
            smtp = smtplib.SMTP(mailbox.smtp_host, mailbox.smtp_port, timeout=TIMEOUT_SECONDS)
        with smtp:
            smtp.ehlo()
            if mailbox.smtp_security == Security.STARTTLS:
                smtp.starttls(context=context)
                smtp.ehlo()
            if mailbox.smtp_username:
                smtp.login(mailbox.smtp_username, mailbox.smtp_password)
            smtp.noop()
    except Exception as exc:
        raise CheckFailed(_capitalised(describe_smtp(exc))) from None
    signed_in = " and signed in" if mailbox.smtp_username else ""
    return f"Connected to {mailbox.smtp_host}:{mailbox.smtp_port}{signed_in}."


def describe_smtp(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "login failed: check the username and password"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "the server does not offer STARTTLS (or login)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "the server's TLS certificate could not be verified"
    if isinstance(exc, ssl.SSLError):
        return "TLS error"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server answered {exc.smtp_code}"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(exc, PermissionError):
        return str(exc)
    if isinstance(exc, (ConnectionError, socket.gaierror, OSError, smtplib.SMTPException)):
        return f"could not connect ({type(exc).__name__})"
    return f"unexpected error ({type(exc).__name__})"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
