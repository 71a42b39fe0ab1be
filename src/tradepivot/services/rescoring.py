"""Re-score after an edit only the pairs of the participants who changed.

A participant who edits their profile (products, languages, availability, cooperation) or
sets a preference changes the scores of their own pairs only, as long as nothing the other
pairs' scores depend on has changed with it: the event's other tables and weights, the
participants and their order, every description (the text similarity is fitted on all of
them), and the market figures those pairs look up. When that holds, the pairs that touch a
changed participant are scored again on the edited event and replace theirs in the store
(:meth:`~tradepivot.events.store.EventStore.update_scores`) under the edited event's score
key, so the next agenda or suggestions request reads them. The result equals a full
re-score (tests/services/test_rescoring.py: the same sentences and facts, points within
1e-9 relative, the float noise of market figures summed in another order); when it could not, nothing is written
and the next read re-scores the whole event, as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tradepivot.events.store import EventStore, LoadedEvent
from tradepivot.matchmaking.evidence import MarketEvidence, event_markets
from tradepivot.matchmaking.scoring import Score, candidate_pairs, score_pairs
from tradepivot.services.evidence_cache import event_evidence, kept_evidence
from tradepivot.services.matchmaking import score_key

if TYPE_CHECKING:
    from tradepivot.data.reference import Reference
    from tradepivot.data.warehouse import Warehouse
    from tradepivot.matchmaking.model import Event

__all__ = ["Rescored", "changed_participants", "rescore_after_edit", "rescore_pairs"]


@dataclass(frozen=True)
class Rescored:
    """What :func:`rescore_after_edit` did: the participants and pairs scored again (none
    when ``incremental`` is false: then ``why`` says why the whole event will be)."""

    incremental: bool
    participants: tuple[str, ...] = ()
    pairs: int = 0
    why: str = ""


def changed_participants(before: Event, after: Event) -> frozenset[str] | None:
    """The participants whose pairs' scores an edit from ``before`` to ``after`` may change,
    or None when it may change other pairs too (then only a full re-score is exact).

    A participant changed when their registration differs, or a preference of theirs (as
    source or target) was added or removed. Anything else that differs (slots, tables,
    interpreters, weights, pair scores, sessions, who takes part, a description: the text
    similarity is fitted on every description) makes it None.
    """
    if replace(before, participants={}, preferences=(), meetings=()) != replace(
        after, participants={}, preferences=(), meetings=()
    ):
        return None
    if list(before.participants) != list(after.participants):
        return None
    if any(
        before.participants[pid].description != p.description
        for pid, p in after.participants.items()
    ):
        return None
    changed = {pid for pid, p in after.participants.items() if before.participants[pid] != p}
    for pref in set(before.preferences) ^ set(after.preferences):
        changed.update((pref.source, pref.target))
    return frozenset(changed & set(after.participants))


def rescore_pairs(
    event: Event,
    participants: frozenset[str],
    evidence: MarketEvidence,
    *,
    reference: Reference | None = None,
) -> dict[tuple[str, str], Score]:
    """The scores of ``event``'s candidate pairs that touch ``participants``."""
    pairs = {p for p in candidate_pairs(event) if p[0] in participants or p[1] in participants}
    return score_pairs(event, evidence, reference=reference, pairs=pairs)


def _evidence(wh: Warehouse, before: Event, after: Event) -> MarketEvidence | None:
    """Evidence for ``after`` under which the kept scores of ``before``'s other pairs still
    hold: the same scope's (kept or built), or a new scope's that gives every figure of the
    old scope as the old evidence did; None when that cannot be shown."""
    if event_markets(before) == event_markets(after):
        return event_evidence(wh, after)
    old = kept_evidence(wh, before)
    if old is None:
        return None
    new = event_evidence(wh, after)
    return new if new.same_figures(old, old.codes) else None


def rescore_after_edit(
    wh: Warehouse,
    store: EventStore,
    before: LoadedEvent,
    after: LoadedEvent,
    *,
    market: bool = True,
) -> Rescored:
    """After an edit turned ``before`` into ``after`` (as saved), re-score only the changed
    participants' pairs and keep them with the others' kept scores, when that is exact."""
    base_key, key = score_key(wh, before.event, market), score_key(wh, after.event, market)
    if base_key == key:
        return Rescored(True, why="Nothing the scores depend on changed.")
    changed = changed_participants(before.event, after.event)
    if changed is None:
        return Rescored(False, why="The edit changes more than its participants' pairs.")
    evidence = _evidence(wh, before.event, after.event) if market else MarketEvidence.empty()
    if evidence is None:
        return Rescored(False, why="The market figures of the other pairs may have changed.")
    scores = rescore_pairs(after.event, changed, evidence, reference=wh.reference)
    if not store.update_scores(
        after.id, base_key=base_key, key=key, participants=changed, scores=scores
    ):
        return Rescored(False, why="No scores were kept for the event as it was before.")
    return Rescored(True, tuple(sorted(changed)), len(scores))
