"""Phone numbers and call durations as typed by people (pure).

Numbers are kept as a leading `+` (when given) and the digits, so `+44 (20) 7946-0018`
and `+442079460018` are the same caller. No country inference: a number typed without
its country code is matched only as typed.
"""

import re

MIN_DIGITS, MAX_DIGITS = 3, 20
MAX_DURATION = 24 * 3600
_ALLOWED = re.compile(r"^\+?[\d\s().\-/]+$")


def normalize_number(raw: str) -> str:
    text = raw.strip()
    if not text or not _ALLOWED.match(text):
        raise ValueError("Enter a phone number: digits, spaces, + ( ) - . /")
    digits = re.sub(r"\D", "", text)
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise ValueError(f"A phone number has {MIN_DIGITS} to {MAX_DIGITS} digits.")
    return ("+" if text.startswith("+") else "") + digits


def parse_duration(raw: str) -> int:
    """Seconds from `75`, `1:15`, `01:01:15` (h:mm:ss) or `4m 5s`."""
    text = raw.strip().lower()
    if not text:
        return 0
    if re.fullmatch(r"\d{1,5}", text):
        seconds = int(text)
    elif re.fullmatch(r"\d{1,3}(:\d{1,2}){1,2}", text):
        seconds = 0
        for part in text.split(":"):
            seconds = seconds * 60 + int(part)
    elif match := re.fullmatch(r"(?:(\d{1,2})h)?\s*(?:(\d{1,4})m)?\s*(?:(\d{1,5})s)?", text):
        hours, minutes, secs = (int(g or 0) for g in match.groups())
        seconds = hours * 3600 + minutes * 60 + secs
    else:
        raise ValueError("Enter the duration as seconds, m:ss or h:mm:ss.")
    if seconds > MAX_DURATION:
        raise ValueError("A call lasts at most 24 hours.")
    return seconds


def format_duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
