"""HS codes as users write them, normalised by one rule everywhere.

Accepted: 2 to 10 digits, with dots and spaces as separators (``4202.21``, ``4202 21``);
integers from a spreadsheet or YAML. An odd number of plain digits lost its leading zero to a
spreadsheet (``401`` is 0401, ``10121`` is 010121; ``4202.2`` is a typo, not 042022); 8- and 10-digit national lines (India's
ITC-HS, the EAEU's TN VED, the US HTS) are cut to their HS6 subheading. Each adjustment comes
with a note to show the user. Anything else (an empty code, a sign, letters, a dash) is an
error: ``-4202`` is not silently 4202.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["HS_EXPECTED", "HsCodeError", "NormalisedHs", "normalise_hs"]

HS_EXPECTED = (
    "an HS chapter, heading or subheading: 2, 4 or 6 digits (dots allowed, e.g. 4202.21); "
    "8/10-digit national lines are cut to HS6"
)
_SEPARATORS = re.compile(r"[.\s]")


class HsCodeError(ValueError):
    """An HS code that cannot be read; ``str()`` is the problem, for a message or pydantic.

    ``written`` is the code as given, ``reason`` what is wrong with it ("has 5 digits").
    """

    def __init__(self, written: object, reason: str) -> None:
        self.written = written
        self.reason = reason
        super().__init__(f"HS code {written!r} {reason}")


@dataclass(frozen=True)
class NormalisedHs:
    """The code (2, 4 or 6 digits) and, when it was adjusted, a note saying how."""

    code: str
    note: str | None = None


def normalise_hs(raw: object, *, national: bool = True) -> NormalisedHs:
    """One HS code as written by a user, normalised (see the module docstring).

    ``national=False`` keeps 8- and 10-digit lines whole (tariff measures name them).

    >>> normalise_hs("4202.21")
    NormalisedHs(code='420221', note=None)
    >>> normalise_hs(401).code
    '0401'
    >>> normalise_hs("64039990").code
    '640399'
    >>> normalise_hs("-4202")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    tradepivot.inputs._hs.HsCodeError: HS code '-4202' has characters other than digits
    """
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise HsCodeError(raw, "is not a code")
    written = str(raw).strip()
    if not written:
        raise HsCodeError(written, "is empty")
    digits = _SEPARATORS.sub("", written)
    if not digits.isascii() or not digits.isdigit():
        raise HsCodeError(written, "has characters other than digits")
    if len(digits) < 2 or len(digits) > 10:
        raise HsCodeError(written, f"has {len(digits)} digit{'s' if len(digits) != 1 else ''}")
    notes = []
    code = digits
    if len(code) % 2 and digits != written:
        raise HsCodeError(written, f"has {len(digits)} digits, an odd number")
    if len(code) % 2:
        code = "0" + code
        notes.append(f"{written} read as {code} (leading zero restored)")
    if national and len(code) > 6:
        notes.append(f"{written} is a national {len(code)}-digit line: using HS6 {code[:6]}")
        code = code[:6]
    return NormalisedHs(code, "; ".join(notes) + "." if notes else None)
