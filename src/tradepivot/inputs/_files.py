"""Reading a whole input file: a regular file, within a size limit, as UTF-8 text."""

from __future__ import annotations

import gzip
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

from tradepivot.boundary import edge
from tradepivot.errors import InputLimitError, SourceFileError

__all__ = ["DEFAULT_LIMITS", "Limits", "check_input_file", "decode_text", "read_bytes", "read_text"]

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """How much an input file may ask of tradepivot.

    ``max_bytes`` bounds what is read into memory (``/dev/zero`` never ends); ``max_depth``
    the nesting of YAML/JSON collections; ``max_aliases`` the YAML aliases (``*name``) and
    ``max_nodes`` the values a document holds once its aliases are expanded (a "billion
    laughs" file of 3 KB expands to 10^9).
    """

    max_bytes: int = 16 * MiB
    max_depth: int = 64
    max_aliases: int = 1_000
    max_nodes: int = 1_000_000


DEFAULT_LIMITS = Limits()


def check_input_file(path: Path, what: str) -> None:
    """Fail unless ``path`` is a regular file (or a pipe a user redirected): a folder, a
    device or a socket is named as such instead of being read forever or not at all."""
    with edge(f"read the {what}", path, "input"):
        info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise SourceFileError(str(path), "is a folder, not a file", hint=f"Give the {what} itself.")
    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) or stat.S_ISSOCK(info.st_mode):
        raise SourceFileError(
            str(path), "is a device or socket, not a file", hint=f"Give the {what} itself."
        )


def read_bytes(path: Path, what: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The whole file, refusing one larger than ``limits.max_bytes`` (a ``.gz`` file is
    decompressed, and the limit applies to what it expands to: no gzip bombs)."""
    path = Path(path)
    check_input_file(path, what)
    with edge(f"read the {what}", path, "input"), path.open("rb") as raw:
        if path.suffix.lower() == ".gz":
            try:
                with gzip.GzipFile(fileobj=raw) as unpacked:
                    data = unpacked.read(limits.max_bytes + 1)
            except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
                raise SourceFileError(
                    str(path), f"is not a complete gzip file ({exc})", hint="Download it again."
                ) from None
        else:
            data = raw.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise InputLimitError(
            str(path),
            f"is larger than {limits.max_bytes // MiB} MiB, the most a {what} may be",
            limit="size",
            hint=f"Is this really a {what}? Split it if it is.",
        )
    return data


def decode_text(data: bytes, path: str) -> str:
    """UTF-8 text (one byte-order mark dropped); bad bytes and NUL characters name their line."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        raise SourceFileError(
            path, "is UTF-16 text", line=1, hint="Save it as UTF-8 (in Excel: 'CSV UTF-8')."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFileError(
            path,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x})",
            line=data[: exc.start].count(b"\n") + 1,
            hint="Save it as UTF-8 (in Excel: 'CSV UTF-8').",
        ) from None
    text = text.removeprefix("\ufeff")
    if text.startswith("\ufeff"):
        raise SourceFileError(
            path, "starts with two byte-order marks", line=1, hint="Save it again as UTF-8."
        )
    nul = text.find("\x00")
    if nul >= 0:
        raise SourceFileError(
            path,
            "contains a NUL character (a binary file?)",
            line=text.count("\n", 0, nul) + 1,
            hint="Give a text file.",
        )
    return text


def read_text(path: Path, what: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """A whole UTF-8 text input file: regular, within ``limits``, without NUL characters.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = p.write_bytes("\\ufeffname: x\\n".encode())
    >>> read_text(p, "scenario file")
    'name: x\\n'
    """
    return decode_text(read_bytes(path, what, limits), str(path))
