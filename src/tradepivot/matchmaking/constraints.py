"""Constraint families of the CP-SAT models, written once as ``add_<family>`` helpers and
shared by the exact model (:mod:`.exact`) and the large-event re-solves (:mod:`.large`),
and the interpreter classes they count.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from ortools.sat.python import cp_model

from tradepivot.matchmaking.instance import SCALE, Instance
from tradepivot.matchmaking.model import Event, Interpreter, Slot

__all__ = [
    "InterpreterClasses",
    "Terms",
    "add_caps",
    "add_clashes",
    "add_fairness",
    "add_interpreters",
    "add_parallel_halls",
    "add_person_slots",
    "add_tables",
    "add_tiers",
]


class InterpreterClasses:
    """The interpreters of one slot grouped by what they can do there."""

    def __init__(
        self, interpreters: Sequence[Interpreter], slot: Slot, individual: bool = False
    ) -> None:
        """``individual``: one class per interpreter, so overlapping slots can share them."""
        present = [
            i
            for i in interpreters
            if (i.venue is None or i.venue == slot.venue)
            and (i.available is None or slot.id in i.available)
        ]
        keys: dict[frozenset[frozenset[str]], int] = {}
        self._members: list[list[str]] = []
        self._class_of: dict[str, int] = {}
        for i in sorted(present, key=lambda i: i.id):
            key = frozenset({frozenset({i.id})}) if individual else i.pairs
            g = keys.setdefault(key, len(keys))
            if g == len(self._members):
                self._members.append([])
            self._members[g].append(i.id)
            self._class_of[i.id] = g

    def groups(self, ids: Iterable[str]) -> list[int]:
        return sorted({self._class_of[i] for i in ids if i in self._class_of})

    def size(self, g: int) -> int:
        return len(self._members[g])

    def members(self, g: int) -> list[str]:
        return self._members[g]

    def of(self, interpreter: str) -> int | None:
        return self._class_of.get(interpreter)


def add_fairness(
    model: cp_model.CpModel,
    instance: Instance,
    meetings: Mapping[str, Sequence[cp_model.LinearExprT]],
    already: Mapping[str, int],
    objective: list[cp_model.LinearExprT],
    hinted: Mapping[str, int],
) -> list[cp_model.IntVar]:
    """Fairness of each participant who already has ``already`` meetings and may get
    ``meetings`` more: :attr:`Instance.first` for a first meeting, ``fairness_weight`` for
    each further one up to the floor (the one definition of :meth:`Instance.fairness`).

    When :attr:`Instance.tier_weights` fit, each step k up to the floor earns its strict
    tier weight instead (plus ``fairness_weight`` after the first), so the objective ranks
    ">= 1", ">= 2", ... meetings lexicographically, then score."""
    fair = round(instance.options.fairness_weight * SCALE)
    strict = instance.tier_weights
    out = []
    for pid, floor in instance.floors.items():
        terms = meetings.get(pid)
        had = already.get(pid, 0)
        if not terms or had >= floor:
            continue
        if strict is not None:
            levels: list[cp_model.IntVar] = []
            for k in range(had + 1, floor + 1):
                level = model.new_bool_var(f"tier{k}_{pid}")
                objective.append((strict[k - 1] + (fair if k > 1 else 0)) * level)
                model.add_hint(level, hinted.get(pid, 0) >= k)
                if levels:
                    model.add_implication(level, levels[-1])
                levels.append(level)
                out.append(level)
            model.add(sum(levels) <= sum(terms))
            continue
        steps = []
        if had == 0:
            first = model.new_bool_var(f"first_{pid}")
            objective.append(instance.first * first)
            model.add_hint(first, hinted.get(pid, 0) > 0)
            steps.append(first)
            out.append(first)
        more = floor - max(had, 1)
        if more > 0:
            extra = model.new_int_var(0, more, f"more_{pid}")
            objective.append(fair * extra)
            model.add_hint(extra, max(0, min(floor, hinted.get(pid, 0)) - 1))
            steps.append(extra)
            out.append(extra)
        model.add(sum(steps) <= sum(terms))
    return out


def add_tiers(
    model: cp_model.CpModel,
    instance: Instance,
    meetings: Mapping[str, Sequence[cp_model.LinearExprT]],
    hinted: Mapping[str, int],
) -> dict[int, list[cp_model.IntVar]]:
    """The fairness tiers as variables, for solves that rank them one at a time: for each
    participant with floor f, ``reach[k]`` (k = 1..f) may be 1 only when it has at least k
    meetings (``reach[k] <= reach[k-1]``, their sum at most its meetings). Returns, per
    tier k, the variables whose sum is the number of participants with >= k meetings (at
    an optimum of that sum)."""
    tiers: dict[int, list[cp_model.IntVar]] = {}
    for pid, floor in instance.floors.items():
        terms = meetings.get(pid)
        if not terms:
            continue
        levels: list[cp_model.IntVar] = []
        for k in range(1, floor + 1):
            level = model.new_bool_var(f"reach{k}_{pid}")
            model.add_hint(level, hinted.get(pid, 0) >= k)
            if levels:
                model.add_implication(level, levels[-1])
            levels.append(level)
            tiers.setdefault(k, []).append(level)
        model.add(sum(levels) <= sum(terms))
    return tiers


Terms = Sequence[cp_model.LinearExprT]  # variables, and 1 for a meeting already fixed there


def _at_most_one(model: cp_model.CpModel, terms: Terms) -> None:
    """sum(terms) <= 1, as CP-SAT's native at-most-one when every term is a literal."""
    if all(isinstance(t, cp_model.IntVar) for t in terms):
        model.add_at_most_one(terms)  # type: ignore[arg-type]
    else:
        model.add(sum(terms) <= 1)


def add_person_slots(
    model: cp_model.CpModel,
    per_person_slot: Mapping[tuple[str, str], Terms],
    busy: Collection[tuple[str, str]] = (),
) -> None:
    """A participant has at most one meeting in a slot (none where ``busy`` already)."""
    for key, terms in per_person_slot.items():
        if key in busy:
            model.add(sum(terms) == 0)
        elif len(terms) > 1:
            _at_most_one(model, terms)


def add_clashes(
    model: cp_model.CpModel,
    conflicts: Mapping[str, Sequence[tuple[str, str]]],
    per_person_slot: Mapping[tuple[str, str], Terms],
) -> None:
    """No participant in two slots that overlap or are too close for the travel."""
    for pid, pairs in conflicts.items():
        for s, t in pairs:
            both = [*per_person_slot.get((pid, s), ()), *per_person_slot.get((pid, t), ())]
            if len(both) > 1:
                _at_most_one(model, both)


def add_tables(
    model: cp_model.CpModel, per_slot: Mapping[str, Terms], capacity: Mapping[str, int]
) -> None:
    """At most as many meetings in a slot as its venue has usable tables."""
    for slot, terms in per_slot.items():
        model.add(sum(terms) <= capacity.get(slot, 0))


def add_interpreters(
    model: cp_model.CpModel,
    per_class: Mapping[tuple[str, int], Terms],
    classes: Mapping[str, InterpreterClasses],
    blocked: Collection[tuple[str, int]] = (),
) -> None:
    """Interpreted meetings of a class in a slot within the class's interpreters (none for
    a ``blocked`` class: its interpreter works in a parallel slot outside the model)."""
    for (slot, g), terms in per_class.items():
        room = 0 if (slot, g) in blocked else classes[slot].size(g)
        model.add(sum(terms) <= room)


def add_parallel_halls(
    model: cp_model.CpModel,
    event: Event,
    overlaps: Mapping[str, Collection[str]],
    classes: Mapping[str, InterpreterClasses],
    per_class: Mapping[tuple[str, int], Terms],
    within: Collection[str] | None = None,
) -> None:
    """An interpreter (one class each then) serves one of two slots that run at the same
    time in different halls; ``within``: only slot pairs inside it."""
    for slot, others in overlaps.items():
        for other in others:
            if other <= slot or (within is not None and not {slot, other} <= set(within)):
                continue
            for i in event.interpreters:
                here, there = classes[slot].of(i.id), classes[other].of(i.id)
                if here is None or there is None:
                    continue
                both = [*per_class.get((slot, here), ()), *per_class.get((other, there), ())]
                if len(both) > 1:
                    model.add(sum(both) <= 1)


def add_caps(
    model: cp_model.CpModel,
    event: Event,
    per_person: Mapping[str, Terms],
    already: Mapping[str, int] | None = None,
) -> None:
    """Nobody above their meeting cap (less the meetings they ``already`` have)."""
    for pid, terms in per_person.items():
        cap = event.participants[pid].max_meetings
        if cap is not None:
            model.add(sum(terms) <= cap - (already or {}).get(pid, 0))
