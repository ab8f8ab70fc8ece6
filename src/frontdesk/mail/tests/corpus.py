# ruff: noqa: E501 - fixture messages are long literal lines
"""Our own fixture corpus: 44 messages in the shapes real clients and robots send, each
with the outcome and threading expected. Processed in order; `thread` names the case whose
ticket a message must land on. Huge attachments are generated at run time."""

import base64
from dataclasses import dataclass

from frontdesk.mail.tests.conftest import SUPPORT


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    state: str  # processed, ignored, quarantined
    reason: str = ""
    thread: str = ""  # the case whose ticket this lands on ("" = a new ticket when processed)
    signal: str = ""
    kind: str = "reply"  # the conversation message's kind when processed


def mail(headers: dict[str, str], body: str | bytes, *, crlf: bool = True) -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in headers.items())
    data = head.encode("utf-8") + b"\n" + (body.encode("utf-8") if isinstance(body, str) else body)
    return data.replace(b"\n", b"\r\n") if crlf else data


def std(
    mid: str, sender: str = "Bob <bob@example.com>", subject: str = "Help", **extra: str
) -> dict[str, str]:
    headers = {
        "From": sender,
        "To": SUPPORT,
        "Subject": subject,
        "Date": "Mon, 23 Nov 2026 09:00:00 +0000",
        "Message-ID": f"<{mid}>",
        "MIME-Version": "1.0",
    }
    headers.update({k.replace("_", "-"): v for k, v in extra.items()})
    return headers


TEXT = {"Content-Type": "text/plain; charset=utf-8", "Content-Transfer-Encoding": "8bit"}


def gmail_alternative(mid: str, text: str, html: str, **extra: str) -> bytes:
    headers = std(mid, **extra) | {"Content-Type": 'multipart/alternative; boundary="g1"'}
    body = (
        "--g1\nContent-Type: text/plain; charset=UTF-8\n\n" + text + "\n"
        "--g1\nContent-Type: text/html; charset=UTF-8\n\n" + html + "\n--g1--\n"
    )
    return mail(headers, body)


def corpus(huge_bytes: int = 20 * 2**20) -> list[Case]:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 64).decode()
    big = base64.encodebytes(b"A" * huge_bytes).decode()
    cases = [
        Case(
            "gmail-new",
            gmail_alternative(
                "g1@mail.gmail.com",
                "My printer smokes.\n\n-- \nBob",
                '<div dir="ltr">My printer smokes.</div>',
                subject="Printer smokes",
            ),
            "processed",
        ),
        Case(
            "gmail-reply",
            gmail_alternative(
                "g2@mail.gmail.com",
                "Still smoking.\n\nOn Mon, Nov 23, 2026 at 10:00 AM Support wrote:\n> Did you unplug it?",
                '<div dir="ltr">Still smoking.</div><div class="gmail_quote"><div>On Mon wrote:</div><blockquote>Did you unplug it?</blockquote></div>',
                subject="Re: Printer smokes",
                In_Reply_To="<g1@mail.gmail.com>",
                References="<g1@mail.gmail.com>",
            ),
            "processed",
            thread="gmail-new",
            signal="in_reply_to",
        ),
        Case(
            "outlook-new",
            mail(
                std(
                    "AM0PR01@outlook.com",
                    sender="Gil <gil@example.com>",
                    subject="VPN down",
                    Thread_Index="AQHZ1234",
                ),
                "The VPN is down.\r\n",
            ),
            "processed",
        ),
        Case(
            "outlook-reply-in-reply-to-only",
            mail(
                std(
                    "AM0PR02@outlook.com",
                    sender="Gil <gil@example.com>",
                    subject="RE: VPN down",
                    In_Reply_To="<AM0PR01@outlook.com>",
                ),
                "Works again.\n\n________________________________\nFrom: Support\nSent: Monday\nSubject: VPN down\n\nOld text",
            ),
            "processed",
            thread="outlook-new",
            signal="in_reply_to",
        ),
        Case(
            "outlook-reply-references-only",
            mail(
                std(
                    "AM0PR03@outlook.com",
                    sender="Gil <gil@example.com>",
                    subject="RE: VPN down",
                    References="<unknown@elsewhere> <AM0PR01@outlook.com>",
                ),
                "Thanks!",
            ),
            "processed",
            thread="outlook-new",
            signal="references",
        ),
        Case(
            "apple-new",
            mail(
                std(
                    "apple1@icloud.com",
                    sender="Erin <erin@example.com>",
                    subject="Laptop",
                    X_Mailer="Apple Mail (2.3731)",
                )
                | {"Content-Type": 'multipart/alternative; boundary="Apple-Mail=_1"'},
                "--Apple-Mail=_1\nContent-Type: text/plain; charset=us-ascii\n\nScreen flickers.\n"
                "--Apple-Mail=_1\nContent-Type: text/html; charset=us-ascii\n\n<html><body>Screen flickers.</body></html>\n--Apple-Mail=_1--\n",
            ),
            "processed",
        ),
        Case(
            "apple-reply-quoted",
            mail(
                std(
                    "apple2@icloud.com",
                    sender="Erin <erin@example.com>",
                    subject="Re: Laptop",
                    In_Reply_To="<apple1@icloud.com>",
                    References="<apple1@icloud.com>",
                )
                | {"Content-Type": "text/html; charset=utf-8"},
                '<div>Fixed now.</div><blockquote type="cite">Screen flickers.</blockquote>',
            ),
            "processed",
            thread="apple-new",
            signal="in_reply_to",
        ),
        Case(
            "forwarded-inline",
            mail(
                std(
                    "fwd1@example.com",
                    sender="Bea <bea@example.com>",
                    subject="Fwd: invoice question",
                ),
                "See below.\n\n---------- Forwarded message ---------\nFrom: Someone <s@x.example>\nSubject: invoice\n\nWhy so high?",
            ),
            "processed",
        ),
        Case(
            "forwarded-attached",
            mail(
                std("fwd2@example.com", sender="Bea <bea@example.com>", subject="Fwd: attached")
                | {"Content-Type": 'multipart/mixed; boundary="f"'},
                "--f\nContent-Type: text/plain\n\nForwarding this.\n--f\nContent-Type: message/rfc822\n\n"
                "From: x@y.example\nSubject: inner\nMessage-ID: <inner@y>\n\ninner body\n--f--\n",
            ),
            "processed",
        ),
        Case(
            "forward-with-our-old-id-is-new",
            mail(
                std(
                    "fwd3@example.com",
                    sender="Bea <bea@example.com>",
                    subject="Fwd: Printer smokes",
                ),
                "Forwarding Bob's issue, new request.",
            ),
            "processed",
        ),
        Case(
            "auto-submitted-oof",
            mail(
                std(
                    "oof1@example.com",
                    subject="Out of Office: Printer smokes",
                    Auto_Submitted="auto-replied",
                    In_Reply_To="<g1@mail.gmail.com>",
                ),
                "I am away.",
            ),
            "processed",
            reason="auto_reply",
            thread="gmail-new",
            signal="in_reply_to",
            kind="note",
        ),
        Case(
            "oof-without-auto-submitted",
            mail(
                std(
                    "oof2@example.com",
                    subject="Automatic reply: VPN down",
                    sender="Gil <gil@example.com>",
                    In_Reply_To="<AM0PR01@outlook.com>",
                ),
                "Away until Monday.",
            ),
            "processed",
            reason="auto_reply",
            thread="outlook-new",
            signal="in_reply_to",
            kind="note",
        ),
        Case(
            "oof-unthreaded",
            mail(std("oof3@example.com", subject="Abwesenheitsnotiz: Hallo"), "Ich bin nicht da."),
            "ignored",
            reason="auto_reply",
        ),
        Case(
            "x-autoreply",
            mail(std("oof4@example.com", subject="Re: hi", X_Autoreply="yes"), "away"),
            "ignored",
            reason="auto_reply",
        ),
        Case(
            "x-autorespond",
            mail(std("oof5@example.com", subject="Re: hi", X_Autorespond="yes"), "away"),
            "ignored",
            reason="auto_reply",
        ),
        Case(
            "precedence-auto-reply",
            mail(std("oof6@example.com", subject="hello", Precedence="auto_reply"), "away"),
            "ignored",
            reason="auto_reply",
        ),
        Case(
            "precedence-bulk",
            mail(std("bulk1@example.com", subject="Newsletter", Precedence="bulk"), "news"),
            "ignored",
            reason="bulk",
        ),
        Case(
            "precedence-junk",
            mail(std("junk1@example.com", subject="Offer", Precedence="junk"), "buy"),
            "ignored",
            reason="bulk",
        ),
        Case(
            "exchange-generated",
            mail(
                std(
                    "ex1@example.com",
                    subject="Delivery receipt",
                    X_MS_Exchange_Generated_Message_Source="Mailbox Rules Agent",
                ),
                "x",
            ),
            "ignored",
            reason="auto_reply",
        ),
        Case(
            "mailing-list-new",
            mail(
                std(
                    "list1@example.com",
                    subject="[users] question",
                    List_Id="<users.lists.example.com>",
                    List_Unsubscribe="<mailto:u@lists.example.com>",
                    sender="Lisa <lisa@lists-member.example>",
                ),
                "A list question.",
            ),
            "processed",
        ),
        Case(
            "bounce-dsn",
            mail(
                {
                    "From": "Mail Delivery System <MAILER-DAEMON@mx.example.com>",
                    "To": SUPPORT,
                    "Subject": "Undelivered Mail Returned to Sender",
                    "Message-ID": "<dsn1@mx.example.com>",
                    "MIME-Version": "1.0",
                    "Content-Type": 'multipart/report; report-type=delivery-status; boundary="d"',
                },
                "--d\nContent-Type: text/plain\n\nCould not deliver.\n--d\nContent-Type: message/delivery-status\n\n"
                "Reporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; nobody@example.com\nAction: failed\nStatus: 5.1.1\n--d--\n",
            ),
            "ignored",
            reason="bounce",
        ),
        Case(
            "bounce-on-ticket",
            mail(
                {
                    "From": "postmaster@mx.example.com",
                    "To": SUPPORT,
                    "Subject": "failure notice",
                    "Message-ID": "<dsn2@mx.example.com>",
                    "In-Reply-To": "<g1@mail.gmail.com>",
                },
                "Sorry, I could not deliver.",
            ),
            "processed",
            reason="bounce",
            thread="gmail-new",
            signal="in_reply_to",
            kind="note",
        ),
        Case(
            "from-our-own-address",
            mail(std("loop1@desk.example", sender=f"Support <{SUPPORT}>"), "hello me"),
            "ignored",
            reason="loop",
        ),
        Case(
            "latin1-body",
            mail(
                std("l1@example.com", subject="=?iso-8859-1?q?Gr=FC=DFe?=")
                | {"Content-Type": "text/plain; charset=iso-8859-1"},
                "Sch\xf6ne Gr\xfc\xdfe".encode("latin-1"),
            ),
            "processed",
        ),
        Case(
            "unknown-charset",
            mail(
                std("cs1@example.com", subject="charset")
                | {"Content-Type": "text/plain; charset=x-unknown-foo"},
                b"caf\xe9 ok",
            ),
            "processed",
        ),
        Case(
            "invalid-utf8",
            mail(std("cs2@example.com", subject="bad utf8") | TEXT, b"bad \xff\xfe bytes"),
            "processed",
        ),
        Case(
            "8bit-raw-subject",
            mail(
                {"From": "bob@example.com", "To": SUPPORT, "Message-ID": "<cs3@example.com>"}, b""
            ).replace(b"\r\n\r\n", b"\r\nSubject: Gr\xfc\xdfe aus K\xf6ln\r\n\r\nbody\r\n"),
            "processed",
        ),
        Case(
            "encoded-word-garbage",
            mail(std("ew1@example.com", subject="=?utf-8?b?!!!not-base64?= =?x-bad?q?zz?="), "hi"),
            "processed",
        ),
        Case(
            "broken-base64",
            mail(
                std("b64@example.com", subject="broken attachment")
                | {"Content-Type": 'multipart/mixed; boundary="b"'},
                "--b\nContent-Type: text/plain\n\nsee file\n--b\nContent-Type: application/pdf; name=x.pdf\n"
                "Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=x.pdf\n\nJVBERi0xLj!!!\n--b--\n",
            ),
            "processed",
        ),
        Case(
            "path-traversal-filename",
            mail(
                std("pt@example.com", subject="names")
                | {"Content-Type": 'multipart/mixed; boundary="p"'},
                "--p\nContent-Type: text/plain\n\nfiles\n--p\nContent-Type: text/plain\n"
                'Content-Disposition: attachment; filename="../../etc/passwd"\n\nroot:x\n'
                "--p\nContent-Type: text/plain\nContent-Disposition: attachment; filename*=utf-8''a%0D%0ABcc%3A%20x.txt\n\nx\n--p--\n",
            ),
            "processed",
        ),
        Case(
            "no-message-id",
            mail({"From": "bob@example.com", "To": SUPPORT, "Subject": "no id"}, "body"),
            "processed",
        ),
        Case(
            "no-from",
            mail({"To": SUPPORT, "Subject": "anonymous", "Message-ID": "<nf@x>"}, "who?"),
            "quarantined",
            reason="no_sender",
        ),
        Case(
            "garbage-from",
            mail(
                {
                    "From": "not an address at all",
                    "To": SUPPORT,
                    "Subject": "x",
                    "Message-ID": "<gf@x>",
                },
                "who?",
            ),
            "quarantined",
            reason="no_sender",
        ),
        Case("empty-body", mail(std("eb@example.com", subject="empty"), ""), "processed"),
        Case(
            "empty-subject", mail(std("es@example.com", subject=""), "no subject here"), "processed"
        ),
        Case(
            "nul-bytes",
            mail(std("nul@example.com", subject="nul\x00here") | TEXT, b"a\x00b"),
            "processed",
        ),
        Case(
            "broken-mime-no-boundary",
            mail(
                std("bm@example.com", subject="broken mime") | {"Content-Type": "multipart/mixed"},
                "no boundary at all",
            ),
            "processed",
        ),
        Case(
            "deep-nesting",
            mail(
                std("deep@example.com", subject="deep")
                | {"Content-Type": 'multipart/mixed; boundary="n0"'},
                "".join(
                    f'--n{i}\nContent-Type: multipart/mixed; boundary="n{i + 1}"\n\n'
                    for i in range(25)
                )
                + "--n25\nContent-Type: text/plain\n\ndeep\n",
            ),
            "quarantined",
            reason="too_deep",
        ),
        Case(
            "hostile-html",
            mail(
                std("xss@example.com", subject="hostile") | {"Content-Type": "text/html"},
                '<p onclick="x()">Hi</p><script>alert(1)</script><img src="https://tracker.example/p.gif" alt="logo">'
                '<a href="javascript:alert(2)">x</a><iframe src="https://evil.example"></iframe><style>*{}</style>',
            ),
            "processed",
        ),
        Case(
            "inline-cid-image",
            mail(
                std("cid@example.com", subject="screenshot")
                | {"Content-Type": 'multipart/related; boundary="r"'},
                '--r\nContent-Type: text/html\n\n<p>See:</p><img src="cid:shot1@x">\n'
                f"--r\nContent-Type: image/png\nContent-ID: <shot1@x>\nContent-Transfer-Encoding: base64\n\n{png}\n--r--\n",
            ),
            "processed",
        ),
        Case(
            "huge-attachment",
            mail(
                std("huge@example.com", subject="big logs")
                | {"Content-Type": 'multipart/mixed; boundary="h"'},
                f"--h\nContent-Type: text/plain\n\nlogs attached\n--h\nContent-Type: application/octet-stream\n"
                f"Content-Disposition: attachment; filename=big.bin\nContent-Transfer-Encoding: base64\n\n{big}--h--\n",
            ),
            "processed",
        ),
        Case(
            "stranger-subject-tag",
            mail(
                std(
                    "spoof@evil.example",
                    sender="mallory@evil.example",
                    subject="Re: [#1001] Printer smokes",
                ),
                "let me in",
            ),
            "processed",
        ),
        Case(
            "cc-reply-by-participant-token",
            b"",
            "processed",
            thread="gmail-new",
            signal="reply_token",
        ),
        Case(
            "duplicate-message-id",
            gmail_alternative(
                "g1@mail.gmail.com",
                "My printer smokes.",
                "<div>My printer smokes.</div>",
                subject="Printer smokes",
                Received="by relay",
            ),
            "ignored",
            reason="duplicate",
        ),
        Case(
            "two-message-ids",
            mail(
                std("first-id@example.com", subject="two ids")
                | {"Message-ID": "<first-id@example.com>"},
                "x",
            ).replace(
                b"Message-ID: <first-id@example.com>\r\n",
                b"Message-ID: <first-id@example.com>\r\nMessage-ID: <second-id@example.com>\r\n",
                1,
            ),
            "processed",
        ),
    ]
    return cases
