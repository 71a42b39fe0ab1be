"""Static assets served from memory: the package's files, read once, looked up by name.

No request path ever reaches the file system: the files of ``web/static`` (and the vendored
Vega builds of ``reports/static``) are listed and read when the app starts, and a request
for ``/static/NAME`` is a dictionary look-up. Each URL carries the file's content hash
(``?v=``), so browsers may cache it for a year and still never see a stale file.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

__all__ = ["Asset", "Assets", "load_assets"]

# (package, folder) searched in order; a name found earlier wins.
SOURCES: tuple[tuple[str, str], ...] = (
    ("tradepivot.web", "static"),
    ("tradepivot.reports", "static"),
)
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
SERVED = frozenset(TYPES) | {".LICENSE"}


@dataclass(frozen=True)
class Asset:
    """One file: its bytes, media type and content hash (the ETag and the ``?v=``)."""

    name: str
    content: bytes
    media_type: str
    digest: str


class Assets:
    """The served files by name (``vendor/htmx.min.js``)."""

    def __init__(self, files: dict[str, Asset]) -> None:
        self._files = files

    def get(self, name: str) -> Asset | None:
        return self._files.get(name)

    def url(self, name: str) -> str:
        """``/static/NAME?v=HASH``; an unknown name is a programming mistake (KeyError)."""
        return f"/static/{name}?v={self._files[name].digest}"

    def names(self) -> list[str]:
        return sorted(self._files)


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            found += _walk(entry, f"{name}/")
        elif any(name.endswith(suffix) for suffix in SERVED):
            found.append((name, entry))
    return found


def load_assets() -> Assets:
    """Read every servable file of the package's static folders."""
    files: dict[str, Asset] = {}
    for package, folder in SOURCES:
        for name, entry in _walk(resources.files(package).joinpath(folder)):
            if name in files:
                continue
            content = entry.read_bytes()
            suffix = "." + name.rsplit(".", 1)[-1]
            media = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "text/plain"
            if suffix == ".LICENSE":
                media = "text/plain; charset=utf-8"
            digest = hashlib.sha256(content).hexdigest()[:16]
            files[name] = Asset(name, content, media, digest)
    return Assets(files)
