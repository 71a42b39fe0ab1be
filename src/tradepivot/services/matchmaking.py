"""Matchmaking use cases: suggest partners, schedule, reschedule, agendas.

Every interface (the CLI, the organiser portal) calls these with an event store and an event
id (:mod:`tradepivot.events`): a folder of files or a database, the same code. The event's
published schedule is its current version: locked meetings never move, published ones stay
unless a change forces them or the organiser asks. A schedule is kept as the event's draft,
or published as a new version (atomically; refused when someone published meanwhile).
Services return data; rendering it (HTML, PDF, ICS, XLSX) is the interfaces' work. Candidate
scores are kept in the store, so an agenda request reads them instead of re-scoring.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pyarrow as pa

from tradepivot import __version__
from tradepivot.data.warehouse import Warehouse
from tradepivot.errors import InputError
from tradepivot.events.store import EventStore, LoadedEvent, ScoreSet
from tradepivot.i18n import negotiate, require_language
from tradepivot.matchmaking import agenda as agendas
from tradepivot.matchmaking.evidence import MarketEvidence
from tradepivot.matchmaking.model import Event, Meeting, Schedule
from tradepivot.matchmaking.relaxation import Relaxation, help_sentences, time_indexed_lp
from tradepivot.matchmaking.reschedule import Changes, reschedule
from tradepivot.matchmaking.schedule import Instance, ScheduleOptions, build_instance, solve
from tradepivot.matchmaking.scoring import SCORE_FORMAT, Score, explain, score_pairs
from tradepivot.matchmaking.unmet import unmet
from tradepivot.services.evidence_cache import event_evidence
from tradepivot.services.report import Provenance, Report

__all__ = [
    "AgendaRequest",
    "Changes",
    "ScheduleRun",
    "event_scores",
    "match_agenda",
    "match_agendas",
    "match_grid",
    "match_reschedule",
    "match_schedule",
    "match_suggest",
    "score_key",
]

SYNTHETIC_NOTE = "This event is labelled synthetic: its participants are invented."


def _canonical(value: object) -> object:
    """``value`` as JSON-ready data in one order (sets sorted), for fingerprints."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return sorted(([_canonical(k), _canonical(v)] for k, v in value.items()), key=repr)
    if isinstance(value, set | frozenset):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


# score_key of the events hashed last, by the event object (kept here, so its id is not
# reused): a store that caches events hands out the same object until the event changes,
# and an agenda page would otherwise hash 500 participants on every view
_KEYS: OrderedDict[tuple[int, bool, str], tuple[Event, str]] = OrderedDict()
_KEYS_LOCK = threading.Lock()


def score_key(wh: Warehouse, event: Event, market: bool) -> str:
    """What the scores depend on, hashed: the event without its schedule, the market data
    used (dataset and checksum), tradepivot's version (scoring rules, reference tables)."""
    world = wh.dataset() if market else None
    memo = (id(event), market, f"{world.id}:{world.checksum_sha256}" if world else "")
    with _KEYS_LOCK:
        found = _KEYS.get(memo)
        if found is not None and found[0] is event:
            _KEYS.move_to_end(memo)
            return found[1]
    key = _score_key(event, world)
    with _KEYS_LOCK:
        _KEYS[memo] = (event, key)
        while len(_KEYS) > 8:
            _KEYS.popitem(last=False)
    return key


def _score_key(event: Event, world: Any) -> str:
    inputs = {
        "event": _canonical(replace(event, meetings=())),
        "format": SCORE_FORMAT,
        "market": [world.id, world.checksum_sha256] if world is not None else None,
        "tradepivot": __version__,
    }
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def event_scores(
    wh: Warehouse,
    store: EventStore,
    loaded: LoadedEvent,
    *,
    market: bool = True,
    provenance: Provenance | None = None,
    participant: str | None = None,
) -> dict[tuple[str, str], Score]:
    """The candidate scores of an event: read from the store when they were computed from
    the same inputs, else computed (with the warehouse's market evidence unless ``market``
    is off) and kept. ``participant`` limits a stored read to that participant's pairs."""
    provenance = provenance if provenance is not None else Provenance()
    event = loaded.event
    key = score_key(wh, event, market)
    if market:
        provenance.use(wh.dataset(), all_importers=True)
    else:
        provenance.note("Scored without market evidence (--no-market).")
    kept = store.load_scores(loaded.id, key, participant=participant)
    if kept is not None:
        return dict(kept.scores)
    evidence = event_evidence(wh, event) if market else MarketEvidence.empty()
    provenance.note(*evidence.notes)
    scores = score_pairs(event, evidence, reference=wh.reference)
    try:
        store.save_scores(loaded.id, ScoreSet(key, scores))
    except InputError as exc:  # a read-only folder still gets its answer, just not cached
        provenance.note(f"Scores not kept for next time: {exc.message}")
    if participant is not None:
        return {pair: s for pair, s in scores.items() if participant in pair}
    return scores


def _participant(event: Event, query: str) -> str:
    """A participant id from an id or an exact organisation name; close matches if neither."""
    if query in event.participants:
        return query
    by_name = [p.id for p in event.participants.values() if p.organisation.lower() == query.lower()]
    if len(by_name) == 1:
        return by_name[0]
    names = {p.id: f"{p.id} ({p.organisation})" for p in event.participants.values()}
    # "IN001" for "IN0001": compare ids with the zeros that pad numbers taken out.
    unpadded = re.sub(r"0+(?=\d)", "", query.upper())
    close = [pid for pid in names if re.sub(r"0+(?=\d)", "", pid.upper()) == unpadded]
    close += difflib.get_close_matches(query, list(names), n=3, cutoff=0.5)
    close += [
        pid for pid, p in event.participants.items() if query.lower() in p.organisation.lower()
    ][:3]
    raise InputError(
        f"No participant {query!r} in {event.name}.",
        hint=("Did you mean: " + ", ".join(names[c] for c in list(dict.fromkeys(close))[:4]) + "?")
        if close
        else "List participants in participants.csv of the event folder.",
    )


# ---------------------------------------------------------------------------- suggest
def match_suggest(
    wh: Warehouse,
    store: EventStore,
    event_id: str,
    participant: str,
    *,
    top: int = 10,
    market: bool = True,
    language: str | None = None,
) -> Report:
    """The best counterparts for one participant, each with why (vetoed pairs left out), in
    ``language`` (default: the participant's first language the catalogs have)."""
    loaded = store.load(event_id)
    event = loaded.event
    provenance = Provenance()
    provenance.note(*loaded.notes)
    pid = _participant(event, participant)
    chosen = (
        require_language(language)
        if language is not None
        else negotiate(event.participants[pid].languages)
    )
    scores = event_scores(wh, store, loaded, market=market, provenance=provenance, participant=pid)
    mine = [s for s in scores.values() if pid in s.pair and not s.veto]
    mine.sort(key=lambda s: (-s.total, s.pair))
    rows = []
    for rank, s in enumerate(mine[:top], start=1):
        other = event.participants[s.b if s.a == pid else s.a]
        rows.append(
            {
                "rank": rank,
                "id": other.id,
                "organisation": other.organisation,
                "country": other.country,
                "side": other.side,
                "delegation": other.delegation,
                "score": round(s.total, 1),
                "why": explain(s, pid, event, chosen),
                "interpreter_needed": s.interpreter_needed,
                "must": s.must,
            }
        )
    me = event.participants[pid]
    vetoed = sum(1 for s in scores.values() if pid in s.pair and s.veto)
    if vetoed:
        provenance.note(f"{vetoed} pair(s) with {pid} are vetoed (a 'no' preference) and left out.")
    if event.synthetic:
        provenance.note(SYNTHETIC_NOTE)
    return Report(
        title=f"Suggested meetings for {me.organisation} ({pid}), {event.name}",
        rows=pa.Table.from_pylist(rows) if rows else pa.table({"rank": pa.array([], pa.int64())}),
        query={"event": event_id, "participant": pid, "top": top, "market": market},
        provenance=provenance,
        totals={"candidates": len(mine)},
        kind="match-suggest",
    )


# ---------------------------------------------------------------------------- schedule
@dataclass
class ScheduleRun:
    """A solved schedule with its event, scores and statistics (what the CLI prints), and
    where it went: ``version`` the published version it became, else kept as the draft."""

    event: Event
    schedule: Schedule
    scores: dict[tuple[str, str], Score]
    statistics: dict[str, Any]
    report: Report
    version: int | None = None


def _statistics_report(
    title: str,
    event: Event,
    schedule: Schedule,
    statistics: Mapping[str, Any],
    query: dict[str, Any],
    provenance: Provenance,
    extra: Mapping[str, Any] | None = None,
) -> Report:
    rows = []
    for name, figures in sorted(statistics["by_delegation"].items()):
        rows.append({"group": f"delegation: {name}", **_figures(figures)})
    for name, figures in sorted(statistics["by_side"].items()):
        rows.append({"group": f"side: {name}", **_figures(figures)})
    rows.append({"group": "everyone", **_figures(statistics["overall"])})
    tables_used = [s["used"] for s in statistics["tables_per_slot"]]
    tables_free = [s["available"] for s in statistics["tables_per_slot"]]
    interp_used = [s["busy"] for s in statistics["interpreters_per_slot"]]
    interp_free = [s["available"] for s in statistics["interpreters_per_slot"]]
    must = statistics["must_meets"]
    totals: dict[str, Any] = {
        "meetings": statistics["meetings"],
        "interpreted": statistics["interpreted_meetings"],
        "participants": statistics["participants"],
        "without_meetings": len(statistics["zero_meetings"]),
        "must_meets": f"{must['satisfied']}/{must['requested']}",
        "must_met_pct": 100 * must["share"] if must["share"] is not None else None,
        "table_use_pct": 100 * sum(tables_used) / sum(tables_free) if sum(tables_free) else None,
        "interpreter_use_pct": 100 * sum(interp_used) / sum(interp_free)
        if sum(interp_free)
        else None,
        "with_candidates": schedule.eligible,
        "with_meetings": schedule.reached,
        "most_with_meetings": schedule.reach_bound,
        "objective": round(schedule.objective, 1),
        "bound": round(schedule.bound, 1) if schedule.bound is not None else None,
        "of_bound_pct": 100 * schedule.objective / schedule.bound if schedule.bound else None,
        "gap_pct": 100 * schedule.gap if schedule.gap is not None else None,
        "lp_bound": round(schedule.lp_bound, 1) if schedule.lp_bound is not None else None,
        "of_lp_bound_pct": 100 * schedule.objective / schedule.lp_bound
        if schedule.lp_bound
        else None,
        "idle_slots": schedule.idle_slots,
        "status": schedule.status,
        "seconds": round(schedule.seconds, 1),
        "seed": schedule.seed,
    }
    if extra:
        totals.update(extra)
    provenance.note(*schedule.notes)
    provenance.note(
        "Objective, lexicographic: first the participants with a meeting "
        f"({schedule.reached} of the {schedule.eligible} with a candidate"
        + (
            f"; no schedule reaches more than {schedule.reach_bound}"
            if schedule.reach_bound is not None
            else ""
        )
        + "), then total score (must-meets +50) + 40 per meeting after each participant's "
        "first, up to its floor; the bound is an upper bound on that among schedules "
        "reaching as many (docs/matchmaking.md). Idle slots are minimised after it."
    )
    if event.synthetic:
        provenance.note(SYNTHETIC_NOTE)
    return Report(
        title=title,
        rows=pa.Table.from_pylist(rows),
        query=query,
        provenance=provenance,
        totals=totals,
        tables={
            "tables_per_slot": pa.Table.from_pylist(statistics["tables_per_slot"]),
            "interpreters_per_slot": pa.Table.from_pylist(
                [
                    {k: v for k, v in s.items() if k in ("slot", "start", "busy", "available")}
                    for s in statistics["interpreters_per_slot"]
                ]
            ),
        },
        kind="match-schedule",
    )


def _figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "participants": figures["participants"],
        "min": figures["min"],
        "median": figures["median"],
        "max": figures["max"],
        "mean": round(figures["mean"], 2) if figures["mean"] is not None else None,
    }


def _keep(
    store: EventStore,
    loaded: LoadedEvent,
    meetings: Sequence[Meeting],
    *,
    publish: bool,
    note: str,
    report: Report,
) -> int | None:
    """Publish ``meetings`` as the next version, or keep them as the draft; say which."""
    if publish:
        version = store.publish(loaded.id, meetings, base_version=loaded.version, note=note).number
        report.provenance.note(
            f"Published as version {version} of event {loaded.id!r} (the previous versions "
            "are kept)."
        )
        return version
    store.save_draft(loaded.id, meetings, base_version=loaded.version, note=note)
    report.provenance.note(f"Kept as the draft of event {loaded.id!r}; publish it with --publish.")
    return None


def _solver_budget(
    wh: Warehouse, time_limit: float | None, workers: int | None, default_limit: float
) -> tuple[float, int]:
    """The time limit and workers asked for, else the settings'; a budget must be positive."""
    limit = default_limit if time_limit is None else time_limit
    if limit <= 0:
        raise InputError(
            "The time limit ($time_limit) must be positive (seconds).", param="time_limit"
        )
    return limit, wh.settings.schedule_workers if workers is None else workers


def match_schedule(
    wh: Warehouse,
    store: EventStore,
    event_id: str,
    *,
    time_limit: float | None = None,
    seed: int = 1,
    market: bool = True,
    publish: bool = False,
    lp_bound: bool = False,
    workers: int | None = None,
) -> ScheduleRun:
    """Schedule the event; locked meetings of its published schedule stay where they are.

    The report lists every participant left without a meeting with the cause
    (:mod:`tradepivot.matchmaking.unmet`). ``lp_bound`` also solves the time-indexed LP
    relaxation (GLOP; minutes on a 500-participant event): its bound is reported beside
    the solver's, and its shadow prices say what one more interpreter or table is worth.
    ``time_limit`` and ``workers`` default to the settings ``schedule_time_limit`` and
    ``schedule_workers`` (``TRADEPIVOT_SCHEDULE_TIME_LIMIT``, ...).

    The schedule is kept as the event's draft, or with ``publish`` becomes its next published
    version (every meeting marked published): from then on :func:`match_reschedule` keeps
    them unless a change forces them. Publishing is refused when another version was
    published after this event was read.
    """
    time_limit, workers = _solver_budget(wh, time_limit, workers, wh.settings.schedule_time_limit)
    loaded = store.load(event_id)
    event = loaded.event
    provenance = Provenance()
    provenance.note(*loaded.notes)
    scores = event_scores(wh, store, loaded, market=market, provenance=provenance)
    fixed = [m for m in event.meetings if m.locked]
    weights = {k: s.total for k, s in scores.items() if not s.veto}
    options = ScheduleOptions(time_limit=time_limit, seed=seed, workers=workers)
    schedule = solve(event, weights, options, fixed=fixed)
    instance = build_instance(event, weights, options, fixed)
    # A first meeting priced like any other: the LP bounds score + fairness of every
    # schedule; less fairness_weight x reached, of those reaching as many (the second tier).
    relaxation = time_indexed_lp(instance, first=options.fairness_weight) if lp_bound else None
    if relaxation is not None:
        lp = max(relaxation.bound - relaxation.first * schedule.reached, schedule.objective)
        schedule = replace(schedule, lp_bound=lp)
    statistics = agendas.statistics(event, schedule.meetings)
    report = _statistics_report(
        f"Schedule for {event.name}: {len(schedule.meetings)} meetings",
        event,
        schedule,
        statistics,
        {"event": event_id, "time_limit": time_limit, "seed": seed, "publish": publish},
        provenance,
    )
    _unmet_report(report, instance, weights, schedule, relaxation)
    version = _keep(
        store, loaded, schedule.meetings, publish=publish, note="match schedule", report=report
    )
    return ScheduleRun(event, schedule, scores, statistics, report, version)


def _unmet_report(
    report: Report,
    instance: Instance,
    weights: Mapping[tuple[str, str], float],
    schedule: Schedule,
    relaxation: Relaxation | None,
) -> None:
    """Who has no meeting and why (a table and a summary note), and what would help."""
    event = instance.event
    left = unmet(instance, weights, schedule.meetings)
    rows = [
        {
            "id": u.participant,
            "organisation": event.participants[u.participant].organisation,
            "side": event.participants[u.participant].side,
            "languages": ";".join(event.participants[u.participant].languages),
            "cause": u.cause,
            "detail": u.detail,
        }
        for u in left
    ]
    report.tables["without_meeting"] = (
        pa.Table.from_pylist(rows) if rows else pa.table({"id": pa.array([], pa.string())})
    )
    if left:
        causes = Counter(u.cause for u in left)
        report.provenance.note(
            f"{len(left)} participants have no meeting: "
            + ", ".join(f"{n} {cause}" for cause, n in causes.most_common())
            + " (the without_meeting table names each with why)."
        )
    if relaxation is not None:
        none = [u.participant for u in left]
        report.provenance.note(*help_sentences(relaxation, instance, unmet=none))


# ---------------------------------------------------------------------------- reschedule
def match_reschedule(
    wh: Warehouse,
    store: EventStore,
    event_id: str,
    changes: Changes,
    *,
    time_limit: float | None = None,
    seed: int = 1,
    market: bool = True,
    publish: bool = False,
    workers: int | None = None,
    language: str = "en",
) -> ScheduleRun:
    """Change a published schedule after cancellations, no-shows, late registrations or
    lost tables, never rewriting the past (:mod:`tradepivot.matchmaking.reschedule`): held
    meetings stay exactly, locked ones stay unless ``changes.force`` names them. The report's
    ``changes`` table has one row per published or new meeting (kept, reseated, moved,
    cancelled, added) with why. ``publish`` makes the new schedule the event's next
    published version (as :func:`match_schedule` does), else it is the draft. ``language``
    (en, ru, hi): the language of the ``why`` column (templated sentences from the shipped
    catalogs)."""
    language = require_language(language)
    time_limit, workers = _solver_budget(wh, time_limit, workers, wh.settings.reschedule_time_limit)
    loaded = store.load(event_id)
    event = loaded.event
    if not event.meetings:
        raise InputError(
            f"Event {event_id!r} has no published schedule to change.",
            hint="Publish one first (`tradepivot match schedule` with $publish).",
            mentions=("publish",),
        )
    provenance = Provenance()
    provenance.note(*loaded.notes)
    for pid in (*changes.cancelled, *changes.no_shows):
        if pid not in event.participants:
            _participant(event, pid)  # raises with suggestions
    # Scores do not depend on who is available when: the event's stored scores serve.
    scores = event_scores(wh, store, loaded, market=market, provenance=provenance)
    weights = {k: s.total for k, s in scores.items() if not s.veto}
    options = ScheduleOptions(time_limit=time_limit, seed=seed, workers=workers)
    done = reschedule(event, event.meetings, weights, changes, options)
    solved = done.schedule
    counts = done.counts
    statistics = agendas.statistics(done.event, solved.meetings)
    if done.trade_off:
        provenance.note(done.trade_off)
    if done.history:
        provenance.note(
            f"{len(done.history)} slot(s) before {done.start} are history: their meetings are "
            "kept exactly and none is added to them."
        )
    report = _statistics_report(
        f"Rescheduled {event.name}: {counts['kept']} kept, {counts['reseated']} reseated, "
        f"{counts['moved']} moved, {counts['cancelled']} cancelled, {counts['added']} added",
        done.event,
        solved,
        statistics,
        {
            "event": event_id,
            "cancelled": list(changes.cancelled),
            "no_shows": list(changes.no_shows),
            "tables_lost": list(changes.tables_lost),
            "from_slot": done.start,
            "move_published": changes.move_published,
            "force_locked": list(changes.force),
            "change_cost": changes.change_cost,
            "publish": publish,
        },
        provenance,
        extra=counts,
    )
    rows = [c.as_row(language) for c in done.changes]
    report.tables["changes"] = (
        pa.Table.from_pylist(rows) if rows else pa.table({"change": pa.array([], pa.string())})
    )
    version = _keep(
        store,
        loaded,
        solved.meetings,
        publish=publish,
        note="match reschedule: " + _describe(changes, done.start),
        report=report,
    )
    report.kind = "match-reschedule"
    return ScheduleRun(done.event, solved, scores, statistics, report, version)


def _describe(changes: Changes, start: str) -> str:
    parts = [f"from {start}"]
    parts += [f"cancel {p}" for p in changes.cancelled]
    parts += [f"no-show {p}" for p in changes.no_shows]
    parts += [f"lose table {t}" for t in changes.tables_lost]
    parts += [f"force {f}" for f in changes.force]
    if changes.move_published:
        parts.append(f"move published (change cost {changes.change_cost:g})")
    return ", ".join(parts)


# ---------------------------------------------------------------------------- agenda
@dataclass(frozen=True)
class AgendaRequest:
    """What an agenda shows: the participant's data, the schedule version it comes from
    (None: the draft), the event, the language to show it in, and for calendars how often
    each meeting changed (pair -> SEQUENCE) and the meetings cancelled since published."""

    agenda: agendas.AgendaData
    event: Event
    version: int | None
    language: str
    sequences: Mapping[tuple[str, str], int]
    cancelled: tuple[agendas.CancelledMeeting, ...]


def _schedule_of(
    store: EventStore, event_id: str, draft: bool
) -> tuple[tuple[Meeting, ...], int | None]:
    """The meetings of the published schedule (the draft with ``draft``) and its version."""
    if draft:
        kept = store.draft(event_id)
        if kept is None:
            raise InputError(
                f"Event {event_id!r} has no draft schedule.",
                hint="Run `tradepivot match schedule EVENT` (without $publish) first.",
                mentions=("publish",),
            )
        return kept.meetings, None
    published = store.published(event_id)
    if published is None:
        raise InputError(
            f"Event {event_id!r} has no published schedule.",
            hint="Publish one with `tradepivot match schedule EVENT` and $publish, or read "
            "the draft with $draft.",
            mentions=("publish", "draft"),
        )
    return published.meetings, published.number


def _agenda_of(
    event: Event,
    pid: str,
    meetings: tuple[Meeting, ...],
    version: int | None,
    scores: Mapping[tuple[str, str], Score],
    history: list[tuple[Meeting, ...]],
    language: str | None,
) -> AgendaRequest:
    chosen = (
        require_language(language)
        if language is not None
        else negotiate(event.participants[pid].languages)
    )
    explanations = {
        m.pair: explain(scores[m.pair], pid, event, chosen)
        for m in meetings
        if pid in m.pair and m.pair in scores
    }
    data = agendas.participant_agenda(event, meetings, pid, explanations)
    sequences, cancelled = agendas.calendar_changes(event, history, pid, meetings)
    return AgendaRequest(data, event, version, chosen, sequences, cancelled)


def match_agenda(
    wh: Warehouse,
    store: EventStore,
    event_id: str,
    participant: str,
    *,
    draft: bool = False,
    market: bool = True,
    language: str | None = None,
) -> AgendaRequest:
    """One participant's agenda from the published schedule (the draft with ``draft``).

    Each meeting carries why it was suggested, with the trade figures behind it unless
    ``market`` is off; the scores are read from the store (computed once per event).
    ``language``: en, ru or hi; by default the participant's first language tradepivot
    speaks (English when none).
    """
    loaded = store.load(event_id)
    event = loaded.event
    pid = _participant(event, participant)
    meetings, version = _schedule_of(store, event_id, draft)
    scores = event_scores(wh, store, loaded, market=market, participant=pid)
    history = [v.meetings for v in store.history(event_id)]
    return _agenda_of(event, pid, meetings, version, scores, history, language)


def match_agendas(
    wh: Warehouse,
    store: EventStore,
    event_id: str,
    *,
    draft: bool = False,
    market: bool = True,
    language: str | None = None,
) -> Iterator[AgendaRequest]:
    """Every participant's agenda (as :func:`match_agenda`), in participant order, with
    the scores and the history read once for all of them."""
    loaded = store.load(event_id)
    event = loaded.event
    meetings, version = _schedule_of(store, event_id, draft)
    scores = event_scores(wh, store, loaded, market=market)
    history = [v.meetings for v in store.history(event_id)]
    for pid in event.participants:
        yield _agenda_of(event, pid, meetings, version, scores, history, language)


def match_grid(store: EventStore, event_id: str, *, draft: bool = False) -> agendas.GridData:
    """The published schedule (the draft with ``draft``) as slots by tables per venue: the
    organiser's grid, and turned round, the hall staff's sheet per table."""
    loaded = store.load(event_id)
    meetings, _ = _schedule_of(store, event_id, draft)
    return agendas.organiser_grid(loaded.event, meetings)
