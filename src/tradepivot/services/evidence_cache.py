"""The market evidence of an event, built once per scope and kept in the process.

Building :class:`~tradepivot.matchmaking.evidence.MarketEvidence` for the 500-participant
example takes 5-10 s (three scans of the world matrix and an export-potential computation).
It depends only on the dataset and on the event's scope, :func:`event_markets` (country pairs
and HS codes), which most edits leave as they are (languages, availability, cooperation, a
product someone else already offers). The last few scopes' evidence is kept here, so a
re-score after such an edit (:mod:`tradepivot.services.rescoring`) starts at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from tradepivot.matchmaking.evidence import MarketEvidence, event_markets

if TYPE_CHECKING:
    from tradepivot.data.warehouse import Warehouse
    from tradepivot.matchmaking.model import Event

__all__ = ["event_evidence", "kept_evidence", "scope_of"]

KEEP = 4  # scopes kept (an event's current scope and the one before an edit, a few events)
_Scope = tuple[str, str | None, frozenset[tuple[str, str]], frozenset[str]]
_kept: OrderedDict[_Scope, MarketEvidence] = OrderedDict()
_lock = threading.Lock()


def scope_of(wh: Warehouse, event: Event) -> _Scope:
    """What the event's evidence depends on: the dataset (id, checksum) and the scope."""
    world = wh.dataset()
    pairs, codes = event_markets(event)
    return (world.id, world.checksum_sha256, frozenset(pairs), frozenset(codes))


def kept_evidence(wh: Warehouse, event: Event) -> MarketEvidence | None:
    """The evidence for ``event``'s scope if this process has it, else None (never builds)."""
    scope = scope_of(wh, event)
    with _lock:
        found = _kept.get(scope)
        if found is not None:
            _kept.move_to_end(scope)
        return found


def event_evidence(wh: Warehouse, event: Event) -> MarketEvidence:
    """``MarketEvidence.for_event(wh, event)``, built once per scope."""
    found = kept_evidence(wh, event)
    if found is not None:
        return found
    scope = scope_of(wh, event)
    built = MarketEvidence.build(wh, scope[2], scope[3])
    with _lock:
        _kept[scope] = built
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return built
