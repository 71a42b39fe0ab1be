"""Additional duties of a set of measures on every row of a trade table, vectorised.

The same combination rules as :func:`tradepivot.tariffs.measures.stack` (a test checks that
both agree row by row), applied to whole arrays so a market's 80,000 supplier x product rows
take milliseconds: ``add`` layers sum, ``replaces`` displaces the named measures, a ``floor``
adds what lifts the base to the floor, and a ``replace`` measure (the latest in force) sets the
additional duty outright. Exemption lists count in proportion to the national lines of a code
they cover.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from tradepivot.tariffs.measures import ExemptLookup, Measure, exempt_share

__all__ = ["additional_duties"]

FloatArray = npt.NDArray[np.float64]


def additional_duties(
    measures: Iterable[Measure],
    day: dt.date,
    *,
    market: str,
    exporters: pa.Array | pa.ChunkedArray | list[str],
    codes: pa.Array | pa.ChunkedArray | list[str],
    base_pct: FloatArray,
    exempt_lists: ExemptLookup | None = None,
    lines: Callable[[str], list[str]] | None = None,
) -> FloatArray:
    """Percentage points each row pays on top of ``base_pct`` on ``day``.

    ``exporters`` and ``codes`` (HS codes of any length) are per row; ``lines`` gives the
    national lines under a code, for exemption lists (default: the code itself).
    """
    exempt_lists = exempt_lists or {}
    exp_values, exp_index = _encode(exporters)
    code_values, code_index = _encode(codes)
    base = np.asarray(base_pct, dtype=np.float64)
    n = len(base)
    active_in_force = sorted(
        (m for m in measures if m.market == market and m.in_force(day)),
        key=lambda m: (m.start, m.id),
    )
    shares: dict[tuple[str, str], float] = {}  # (list, code) -> share of lines not exempt

    def not_exempt(name: str, code: str) -> float:
        key = (name, code)
        if key not in shares:
            listed = exempt_lists.get(name, frozenset())
            shares[key] = 1.0 - exempt_share(code, listed, lines(code) if lines else [code])
        return shares[key]

    contributions: dict[str, FloatArray] = {}
    covered: dict[str, npt.NDArray[np.bool_]] = {}
    for m in active_in_force:
        by_exporter = np.array([m.covers_exporter(str(e)) for e in exp_values], dtype=bool)
        rows = by_exporter[exp_index]
        if not rows.any():  # most country rates reach none of the rows
            covered[m.id] = rows
            contributions[m.id] = np.zeros(n)
            continue
        # Products and exemptions only for the codes this measure's exporters trade.
        present = np.zeros(len(code_values), dtype=bool)
        present[code_index[rows]] = True
        by_code = np.zeros(len(code_values), dtype=bool)
        share = np.zeros(len(code_values))
        for k in np.flatnonzero(present):
            code = str(code_values[k])
            if m.covers_product(code):
                by_code[k] = True
                share[k] = not_exempt(m.exempt_list, code) if m.exempt_list else 1.0
        active = rows & by_code[code_index]
        rate: FloatArray | float = m.rate_pct
        if m.mode == "floor":
            rate = np.maximum(0.0, m.rate_pct - base)
        covered[m.id] = active  # displacement and replacement ignore exemptions, as stack()
        contributions[m.id] = np.where(active, rate * share[code_index], 0.0)
    displaced = {m.id: np.zeros(n, dtype=bool) for m in active_in_force}
    for m in active_in_force:
        for target in m.replaces:
            if target in displaced:
                displaced[target] |= covered[m.id]
    total = np.zeros(n)
    for m in active_in_force:
        if m.mode != "replace":
            total += np.where(displaced[m.id], 0.0, contributions[m.id])
    for m in active_in_force:  # later replacements win, as in stack()
        if m.mode == "replace":
            total = np.where(covered[m.id], m.rate_pct, total)
    return total


def _encode(
    values: pa.Array | pa.ChunkedArray | list[str],
) -> tuple[list[str], npt.NDArray[np.intp]]:
    """Distinct values and each row's index into them (Arrow's hash encoding: np.unique on
    strings sorts, 20x slower on a market's 200,000 rows)."""
    array = (
        values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values, pa.string())
    )
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = array.dictionary_encode()
    return encoded.dictionary.to_pylist(), encoded.indices.to_numpy(zero_copy_only=False).astype(
        np.intp
    )
