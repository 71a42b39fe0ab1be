"""JSON input files: bounded nesting, finite numbers, errors with their line."""

from __future__ import annotations

import json
import math
from typing import Any

from tradepivot.errors import InputLimitError, SourceFileError
from tradepivot.inputs._files import Limits

__all__ = ["JSON_LIMITS", "finite_decoder", "load_json"]

# API answers (Comtrade, Census) are read whole: a year of one reporter is tens of MB.
JSON_LIMITS = Limits(max_bytes=512 << 20)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(text)
    return value


def _integer(text: str) -> int:
    """An integer; one too large to become a float (400 digits) is not finite either."""
    value = int(text)
    if len(text) > 300:
        try:
            float(value)
        except OverflowError:
            raise _NotFinite(text) from None
    return value


def _constant(text: str) -> Any:
    raise _NotFinite(text)


def finite_decoder() -> json.JSONDecoder:
    """A decoder for piecewise reading (``raw_decode``) with the same number rules:
    ``NaN``, ``Infinity`` and overflowing numbers raise ``ValueError``."""
    return json.JSONDecoder(parse_float=_finite, parse_int=_integer, parse_constant=_constant)


class _NotFinite(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def load_json(text: str, path: str) -> Any:
    """Parse a JSON document; ``NaN``, ``Infinity`` and numbers that overflow (``1e400``)
    are errors, as are integers longer than Python converts and nesting deeper than the
    interpreter can follow (a JSON array nested 100,000 deep).

    >>> load_json('{"a": [1, 2.5]}', "x.json")
    {'a': [1, 2.5]}
    """
    try:
        return json.loads(text, parse_float=_finite, parse_int=_integer, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        cut = " (truncated?)" if not text.rstrip().endswith(("}", "]")) else ""
        raise SourceFileError(
            path, f"is not valid JSON{cut}: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except _NotFinite as exc:
        line = text.count("\n", 0, max(text.find(exc.text), 0)) + 1
        raise SourceFileError(
            path, f"number {exc.text[:40]!r} is not finite", line=line, expected="a finite number"
        ) from None
    except RecursionError:
        raise InputLimitError(
            path, "nests arrays or objects too deeply to read", limit="depth"
        ) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise SourceFileError(path, f"has a number that is too long: {exc}") from None
