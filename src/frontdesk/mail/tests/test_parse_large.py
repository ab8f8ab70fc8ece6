"""Large base64 parts are decoded a slice at a time, to the same bytes as the stdlib's
decoder; anything unusual goes to the stdlib (and its corruption flags)."""

import base64
import os

from frontdesk.mail.parse import BIG_PART, parse


def message(payload: str) -> bytes:
    return (
        "From: a@example.com\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        "Content-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n"
        "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="data.bin"\r\n\r\n'
        f"{payload}\r\n--b--\r\n"
    ).encode()


def test_a_large_attachment_decodes_to_its_bytes() -> None:
    data = os.urandom(3 * BIG_PART + 12_345)
    encoded = base64.encodebytes(data).decode().replace("\n", "\r\n")
    mail = parse(message(encoded))
    assert [(p.file_name, p.data == data, p.corrupt) for p in mail.parts] == [
        ("data.bin", True, False)
    ]


def test_a_damaged_large_attachment_falls_back_to_the_stdlib() -> None:
    data = os.urandom(2 * BIG_PART)
    encoded = base64.encodebytes(data).decode().replace("\n", "\r\n")
    broken = encoded[:1000] + "!!" + encoded[1000:-10]  # a stray character, cut short
    (part,) = parse(message(broken)).parts
    assert part.corrupt or part.data != data
    assert len(part.data) > len(data) // 2
