"""Uploaded files held between an import's two steps (upload, then map the columns).

Kept on disk under the app's cache folder, so every worker of the server finds them, for an
hour. The folder is named by a random token of the server's making and each file by its
position: nothing the visitor sends becomes part of a path (the token is checked against
its pattern before use, and the original file names live only inside the manifest). A
staged upload belongs to one organiser and one event; anyone else asking gets nothing.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

__all__ = ["UploadStaging"]

TOKEN = re.compile(r"^[0-9a-f]{32}$")
MANIFEST = "manifest.json"


class UploadStaging:
    """Files parked for ``ttl`` seconds under ``root`` (see the module docstring)."""

    def __init__(self, root: Path, *, ttl: float = 3600.0) -> None:
        self.root = root
        self.ttl = ttl

    def put(self, owner: str, files: Mapping[str, bytes]) -> str:
        """Park ``files`` (name -> bytes) for ``owner``; returns the token that finds them."""
        self._sweep()
        token = secrets.token_hex(16)
        folder = self.root / token
        folder.mkdir(parents=True, mode=0o700)
        names = []
        for index, (name, data) in enumerate(files.items()):
            (folder / f"{index}.bin").write_bytes(data)
            names.append(name)
        manifest = {"owner": owner, "created": time.time(), "names": names}
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        return token

    def get(self, owner: str, token: str) -> dict[str, bytes] | None:
        """The files parked under ``token`` for ``owner``; None when the token is not one of
        ours, has expired, or belongs to someone else."""
        folder = self._folder(token)
        if folder is None:
            return None
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if manifest["owner"] != owner or time.time() - manifest["created"] > self.ttl:
                return None
            return {
                str(name): (folder / f"{index}.bin").read_bytes()
                for index, name in enumerate(manifest["names"])
            }
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def drop(self, token: str) -> None:
        """Forget an upload (after it was imported)."""
        folder = self._folder(token)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def _folder(self, token: str) -> Path | None:
        if not TOKEN.fullmatch(token):
            return None
        folder = self.root / token
        return folder if folder.is_dir() else None

    def _sweep(self) -> None:
        """Remove uploads older than the time they are kept."""
        if not self.root.is_dir():
            return
        cutoff = time.time() - self.ttl
        for folder in self.root.iterdir():
            try:
                if TOKEN.fullmatch(folder.name) and folder.stat().st_mtime < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue
