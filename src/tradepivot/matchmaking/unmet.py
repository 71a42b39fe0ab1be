"""Who is left without a meeting, and why.

For every participant with no meeting in a schedule, one cause an organiser can act on:

- ``no available slot``: their availability and group sessions leave no meeting slot at all;
- ``no candidate``: nobody scores with them (or every such pair is vetoed);
- ``no common slot``: they have candidates, but share no slot with any of them (their
  availability, group sessions, a cap of 0);
- ``interpreter shortage``: the candidates they share a slot with need an interpreter, and
  no interpreter for the languages works in those slots, or every one is busy then;
- ``cap``: their own cap is 0, or their candidates are at their caps;
- ``tables``: every slot they could meet in has all its tables taken;
- ``counterparts busy``: their candidates are in other meetings in every shared slot.

The last four are read from the schedule: each (candidate, slot) option is checked for
what blocks it, and the most frequent blocker is the cause (with the counts as detail).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tradepivot.matchmaking.model import Event, Meeting, shares_language
from tradepivot.matchmaking.schedule import Instance

__all__ = ["CAUSES", "Unmet", "no_slot_detail", "unmet"]

CAUSES = (
    "no available slot",
    "no candidate",
    "no common slot",
    "interpreter shortage",
    "cap",
    "tables",
    "counterparts busy",
)


@dataclass(frozen=True)
class Unmet:
    """A participant with no meeting: the cause and a sentence of detail."""

    participant: str
    cause: str
    detail: str


def no_slot_detail(event: Event, pid: str) -> str:
    """Why ``pid`` can meet in no slot: an availability naming none of the meeting slots,
    or group sessions taking every slot they are free in."""
    p = event.participants[pid]
    free = [s.id for s in event.slots if p.available_in(s.id)]
    if not free:
        return (
            f"their availability names none of the event's {len(event.slots)} meeting slots; "
            "fix 'available' in participants.csv (empty means every slot)"
        )
    return (
        f"group sessions take all {len(free)} slots they are available in "
        f"({', '.join(free[:6])}{', ...' if len(free) > 6 else ''})"
    )


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def unmet(
    instance: Instance, scores: Mapping[tuple[str, str], float], meetings: Iterable[Meeting]
) -> list[Unmet]:
    """The participants without a meeting in ``meetings``, each with its cause."""
    event: Event = instance.event
    meetings = list(meetings)
    count: dict[str, int] = defaultdict(int)
    busy: set[tuple[str, str]] = set()
    per_slot: dict[str, int] = defaultdict(int)
    for m in meetings:
        per_slot[m.slot] += 1
        for pid in m.pair:
            count[pid] += 1
            busy.add((pid, m.slot))
    interpreted: dict[str, set[str]] = defaultdict(set)  # slot -> interpreters at work
    for m in meetings:
        if m.interpreter:
            interpreted[m.slot].add(m.interpreter)
    clash: dict[str, set[str]] = defaultdict(set)
    for s in event.slots:
        for t in event.slots:
            if s.id != t.id and event.clash(s, t):
                clash[s.id].add(t.id)
    vetoes = {_pair(p.source, p.target) for p in event.preferences if p.level == "no"}
    raw: dict[str, list[str]] = defaultdict(list)
    for (a, b), score in scores.items():
        if _pair(a, b) in vetoes or score < instance.options.min_score:
            continue
        if a in event.participants and b in event.participants:
            raw[a].append(b)
            raw[b].append(a)
    for p in event.preferences:
        if p.level == "must" and _pair(p.source, p.target) not in vetoes:
            raw[p.source].append(p.target)
            raw[p.target].append(p.source)
    options: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for c in instance.candidates:
        for slot in c.slots:
            options[c.a].append((c.b, slot, c.needs_interpreter))
            options[c.b].append((c.a, slot, c.needs_interpreter))
    by_id = {c.pair: c for c in instance.candidates}
    out = []
    for pid in sorted(event.participants):
        if count.get(pid, 0) > 0:
            continue
        me = event.participants[pid]
        if not any(event.attends(pid, s) for s in event.slots):
            out.append(Unmet(pid, "no available slot", no_slot_detail(event, pid)))
            continue
        others = sorted(set(raw.get(pid, ())))
        if not others:
            out.append(Unmet(pid, "no candidate", "nobody scores with them"))
            continue
        if me.max_meetings == 0:
            out.append(Unmet(pid, "cap", "they accept no meeting (cap 0)"))
            continue
        if not options.get(pid):
            common = [
                o
                for o in others
                if any(event.attends(pid, s) and event.attends(o, s) for s in event.slots)
            ]
            if not common:
                out.append(
                    Unmet(
                        pid,
                        "no common slot",
                        f"none of their {len(others)} candidates is free when they are",
                    )
                )
            else:
                langs = "/".join(me.languages)
                out.append(
                    Unmet(
                        pid,
                        "interpreter shortage",
                        f"their {len(common)} candidates with a common slot need an "
                        f"interpreter ({langs}) and none works in those slots",
                    )
                )
            continue
        blockers: Counter[str] = Counter()
        for other, slot, needs in options[pid]:
            cap = event.participants[other].max_meetings
            found = []
            if cap is not None and count.get(other, 0) >= cap:
                found.append("cap")
            if (other, slot) in busy or any((other, t) in busy for t in clash[slot]):
                found.append("counterparts busy")
            if per_slot.get(slot, 0) >= instance.capacity.get(slot, 0):
                found.append("tables")
            if needs:
                c = by_id[_pair(pid, other)]
                if all(i in interpreted[slot] for i in c.interpreters.get(slot, ())):
                    found.append("interpreter shortage")
            for f in found:
                blockers[f] += 1
        total = len(options[pid])
        if not blockers:
            out.append(
                Unmet(
                    pid,
                    "counterparts busy",
                    "a meeting fits, but would cost someone else their only meeting",
                )
            )
            continue
        cause, n = max(blockers.items(), key=lambda kv: (kv[1], -CAUSES.index(kv[0])))
        needs_any = any(not shares_language(me, event.participants[o]) for o, _, _ in options[pid])
        parts = [f"{k}: {v}" for k, v in blockers.most_common()]
        detail = (
            f"{n} of their {total} candidate-slot options blocked by {cause} ({'; '.join(parts)})"
        )
        if cause == "interpreter shortage" and needs_any:
            detail += f"; they speak {'/'.join(me.languages)}"
        out.append(Unmet(pid, cause, detail))
    return out
