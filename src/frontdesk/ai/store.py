"""Where trained artefacts live, and the trust boundary around loading them.

An artefact is a joblib (pickle) file, and unpickling runs code, so we only ever load files
this instance wrote itself: the file name comes from our own `TriageModel` row (a fixed
pattern, never a path, never user input), the file must sit directly in the models folder
(`FRONTDESK_DATA_DIR/ai/`, or `settings.AI_MODELS_DIR`), and its SHA-256 must equal the one
recorded in the row when it was written. A file that fails any check is refused and
logged. Nothing uploaded, downloaded or typed by a user is ever passed to `joblib.load`.
Whoever can write both that folder and the database can already run code as Frontdesk, so
the boundary adds no new trust.
"""

import hashlib
import logging
import os
import re
import secrets
import threading
from pathlib import Path
from typing import Any

import joblib
from django.conf import settings

log = logging.getLogger(__name__)
_NAME = re.compile(r"triage-v\d+-[0-9a-f]{16}\.joblib")
_lock = threading.Lock()
_cache: dict[tuple[int, str], Any] = {}


class ArtefactRefused(Exception):
    """The file is missing, misnamed, outside the folder, or not the one we wrote."""


def models_dir() -> Path:
    folder = Path(getattr(settings, "AI_MODELS_DIR", settings.DATA_DIR / "ai"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save(version: int, bundle: Any) -> tuple[str, str]:
    """Write `bundle` for model `version`; return (file name, sha256). Written to a
    temporary name, synced and renamed, so a crash never leaves half a file under the
    final name."""
    name = f"triage-v{version}-{secrets.token_hex(8)}.joblib"
    folder = models_dir()
    temporary = folder / f".{name}.tmp"
    joblib.dump(bundle, temporary, compress=3)
    with temporary.open("rb") as f:
        os.fsync(f.fileno())
    temporary.replace(folder / name)
    return name, _sha256(folder / name)


def load(version: int, name: str, sha256: str) -> Any:
    """The artefact of model `version`, checked as the module docstring says; cached."""
    key = (version, sha256)
    with _lock:
        if key in _cache:
            return _cache[key]
    if not _NAME.fullmatch(name) or not name.startswith(f"triage-v{version}-"):
        raise ArtefactRefused(f"unexpected artefact name {name!r}")
    folder = models_dir().resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        raise ArtefactRefused(f"artefact {name!r} is missing")
    if not sha256 or _sha256(path) != sha256:
        log.error("AI artefact %s does not match its recorded checksum; refused", name)
        raise ArtefactRefused(f"artefact {name!r} does not match its checksum")
    bundle = joblib.load(path)  # our own file, checked above
    with _lock:
        _cache.clear()  # keep one model in memory
        _cache[key] = bundle
    return bundle


def remove_except(keep: set[str]) -> None:
    """Delete artefacts of older versions (the newest few are kept by the caller)."""
    for path in models_dir().glob("triage-v*.joblib"):
        if path.name not in keep:
            path.unlink(missing_ok=True)
