"""The LP relaxation of the time-indexed model (OR-Tools GLOP, in-process): a bound and
what more tables or interpreters would be worth.

Variables ``x[p, s]`` in [0, 1] for every candidate pair and usable slot, the interpreter
class each interpreted meeting uses, and per participant the fairness steps (first meeting,
then more up to the floor). Constraints are the scheduler's, relaxed to fractions: a pair
meets at most once (fixed pairs exactly once), one meeting per participant and slot, none in
two clashing slots, tables per slot, interpreters per class and slot, caps. Dropping
integrality (and the parallel-hall rule of interpreters) can only raise the optimum, so its
value bounds every schedule: it is tighter than the pair-selection relaxation, which ignores
the slots.

The duals (shadow prices) of the table and interpreter rows are the marginal value of one
more table in a slot, or one more interpreter of a class in a slot, in objective points; a
first meeting is worth :attr:`Instance.first` points, so ``dual / first`` reads as "about
that many more participants with a meeting". GLOP is OR-Tools' own LP solver: no second
solver library (never HiGHS beside OR-Tools in one process).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from tradepivot.matchmaking.schedule import SCALE, Instance

__all__ = ["Outcome", "Relaxation", "help_sentences", "time_indexed_lp"]


@dataclass(frozen=True)
class Outcome:
    """What an LP solution gives: meetings (fractional), and each participant's share of a
    first meeting (``u1`` in [0, 1])."""

    meetings: float
    reached: Mapping[str, float]


@dataclass(frozen=True)
class Relaxation:
    """The LP's bound on the solver's objective (both tiers, points) and its shadow prices."""

    bound: float
    first: float  # points of a first meeting (to read duals as participants reached)
    tables: dict[str, float] = field(default_factory=dict)  # slot -> points per extra table
    # (slot, language pairs the class covers, e.g. "en-ru") -> points per extra interpreter
    interpreters: dict[tuple[str, str], float] = field(default_factory=dict)
    seconds: float = 0.0
    outcome: Outcome = field(default_factory=lambda: Outcome(0.0, {}))
    # Re-solves the same LP (warm-started) with more tables or interpreters in some slots:
    # (extra tables per slot, extra interpreters per (slot, label)) -> outcome, or None.
    what_if: Callable[[Mapping[str, int], Mapping[tuple[str, str], int]], Outcome | None] | None = (
        field(default=None, compare=False, repr=False)
    )


def _label(pairs: frozenset[frozenset[str]]) -> str:
    return ", ".join(sorted("–".join(sorted(p)) for p in pairs))


def time_indexed_lp(instance: Instance, first: float | None = None) -> Relaxation | None:
    """Solve the relaxation; None when GLOP does not reach an optimum. ``first``: the
    points of a first meeting (default :attr:`Instance.first`; ``fairness_weight`` bounds
    score + fairness_weight per meeting up to the floor, a yardstick for any schedule)."""
    started = time.perf_counter()
    event = instance.event
    options = instance.options
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        return None
    inf = solver.infinity()
    objective = solver.Objective()
    by_person_slot: dict[tuple[str, str], list[pywraplp.Variable]] = defaultdict(list)
    by_person: dict[str, list[pywraplp.Variable]] = defaultdict(list)
    by_slot: dict[str, list[pywraplp.Variable]] = defaultdict(list)
    by_class: dict[tuple[str, frozenset[frozenset[str]]], list[pywraplp.Variable]] = defaultdict(
        list
    )
    # Interpreter classes per slot: interpreters with the same language pairs there.
    classes: dict[str, dict[frozenset[frozenset[str]], list[str]]] = {}
    for period in event.slots:
        groups: dict[frozenset[frozenset[str]], list[str]] = defaultdict(list)
        for i in event.interpreters:
            if i.works_in(period):
                groups[i.pairs].append(i.id)
        classes[period.id] = groups
    class_of = {i.id: i.pairs for i in event.interpreters}
    n = 0
    for c in instance.candidates:
        pair_vars = []
        for slot in c.slots:
            x = solver.NumVar(0.0, 1.0, f"x{n}")
            n += 1
            pair_vars.append(x)
            objective.SetCoefficient(x, c.value(slot) / SCALE)
            for pid in c.pair:
                by_person_slot[(pid, slot)].append(x)
                by_person[pid].append(x)
            by_slot[slot].append(x)
            if c.needs_interpreter:
                kinds = sorted({class_of[i] for i in c.interpreters.get(slot, ())}, key=_label)
                if len(kinds) == 1:
                    by_class[(slot, kinds[0])].append(x)
                else:
                    row = solver.Constraint(0.0, 0.0)
                    row.SetCoefficient(x, -1.0)
                    for kind in kinds:
                        y = solver.NumVar(0.0, 1.0, f"y{n}")
                        n += 1
                        row.SetCoefficient(y, 1.0)
                        by_class[(slot, kind)].append(y)
        low = 1.0 if c.pair in instance.fixed else 0.0
        row = solver.Constraint(low, 1.0)
        for x in pair_vars:
            row.SetCoefficient(x, 1.0)
    for xs in by_person_slot.values():
        if len(xs) > 1:
            row = solver.Constraint(-inf, 1.0)
            for x in xs:
                row.SetCoefficient(x, 1.0)
    for pid, pairs in instance.conflicts.items():
        for s, t in pairs:
            both = by_person_slot.get((pid, s), []) + by_person_slot.get((pid, t), [])
            if len(both) > 1:
                row = solver.Constraint(-inf, 1.0)
                for x in both:
                    row.SetCoefficient(x, 1.0)
    table_rows = {}
    for slot_id, xs in by_slot.items():
        row = solver.Constraint(-inf, float(instance.capacity.get(slot_id, 0)))
        for x in xs:
            row.SetCoefficient(x, 1.0)
        table_rows[slot_id] = row
    interpreter_rows = {}
    for (slot_id, kind), xs in by_class.items():
        row = solver.Constraint(-inf, float(len(classes[slot_id].get(kind, ()))))
        for x in xs:
            row.SetCoefficient(x, 1.0)
        interpreter_rows[(slot_id, kind)] = row
    for pid, xs in by_person.items():
        cap = event.participants[pid].max_meetings
        if cap is not None:
            row = solver.Constraint(-inf, float(cap))
            for x in xs:
                row.SetCoefficient(x, 1.0)
    first = instance.first / SCALE if first is None else first
    fair = options.fairness_weight
    firsts: dict[str, pywraplp.Variable] = {}
    for pid, floor in instance.floors.items():
        xs = by_person.get(pid, [])
        if not xs:
            continue
        row = solver.Constraint(-inf, 0.0)
        u1 = solver.NumVar(0.0, 1.0, f"u1_{pid}")
        firsts[pid] = u1
        objective.SetCoefficient(u1, first)
        row.SetCoefficient(u1, 1.0)
        if floor > 1:
            u2 = solver.NumVar(0.0, float(floor - 1), f"u2_{pid}")
            objective.SetCoefficient(u2, fair)
            row.SetCoefficient(u2, 1.0)
        for x in xs:
            row.SetCoefficient(x, -1.0)
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    every_x = [x for xs in by_slot.values() for x in xs]

    def outcome() -> Outcome:
        # A participant's share of a first meeting: its fractional meetings, at most 1 (u1
        # itself may be traded against u2 when both are priced alike).
        return Outcome(
            meetings=sum(x.solution_value() for x in every_x),
            reached={
                pid: min(1.0, sum(x.solution_value() for x in by_person[pid])) for pid in firsts
            },
        )

    base = outcome()
    rows_by_label = {(s, _label(kind)): row for (s, kind), row in interpreter_rows.items()}

    def what_if(
        tables: Mapping[str, int], interpreters: Mapping[tuple[str, str], int]
    ) -> Outcome | None:
        """Re-solve with more capacity (GLOP starts from the last basis), then restore."""
        changed = [(table_rows[s], n) for s, n in tables.items() if s in table_rows]
        changed += [(rows_by_label[k], n) for k, n in interpreters.items() if k in rows_by_label]
        for row, n in changed:
            row.SetUb(row.ub() + n)
        try:
            return outcome() if solver.Solve() == pywraplp.Solver.OPTIMAL else None
        finally:
            for row, n in changed:
                row.SetUb(row.ub() - n)

    return Relaxation(
        bound=objective.Value(),
        first=first,
        tables={s: max(0.0, row.dual_value()) for s, row in table_rows.items()},
        interpreters={
            (s, _label(kind)): max(0.0, row.dual_value())
            for (s, kind), row in interpreter_rows.items()
        },
        seconds=time.perf_counter() - started,
        outcome=base,
        what_if=what_if,
    )


def _ranges(slots: list[str], order: dict[str, int]) -> str:
    """ "s05–s08, s10" for consecutive runs of slot ids."""
    slots = sorted(slots, key=order.__getitem__)
    runs: list[list[str]] = []
    for s in slots:
        if runs and order[s] == order[runs[-1][-1]] + 1:
            runs[-1].append(s)
        else:
            runs.append([s])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def help_sentences(
    relaxation: Relaxation, instance: Instance, top: int = 4, unmet: Collection[str] = ()
) -> list[str]:
    """What more interpreters or tables would be worth, largest first.

    The shadow prices pick and rank what binds (one more interpreter of a language pair, or
    one more table, in each slot where its price is positive). Each of the ``top`` is then
    checked by re-solving the relaxation with that capacity added: "One more en–ru
    interpreter in each of s05–s08 would give about 31 more meetings, a first meeting for 12
    of the participants who have none". ``unmet``: the participants without a meeting in
    the schedule; the second count is how much nearer to a first meeting the re-solve
    brings them together (the rise of their fractional meetings, each capped at 1, summed
    and rounded down): participants, not meetings, since two of them may meet each other.
    Both counts come from a relaxation (fractional meetings), so they are estimates of what
    the capacity allows, not a promise of the next schedule."""
    order = {s.id: k for k, s in enumerate(instance.event.slots)}
    candidates: list[tuple[float, str, dict[str, int], dict[tuple[str, str], int]]] = []
    by_kind: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (slot, label), value in relaxation.interpreters.items():
        if value > 1e-6:
            by_kind[label].append((slot, value))
    for label, values in by_kind.items():
        slots = [s for s, _ in values]
        candidates.append(
            (
                sum(v for _, v in values),
                f"one more {label} interpreter in {_where(slots, order)}",
                {},
                {(s, label): 1 for s in slots},
            )
        )
    tables = [(s, v) for s, v in relaxation.tables.items() if v > 1e-6]
    if tables:
        slots = [s for s, _ in tables]
        candidates.append(
            (
                sum(v for _, v in tables),
                f"one more table in {_where(slots, order)}",
                dict.fromkeys(slots, 1),
                {},
            )
        )
    candidates.sort(key=lambda item: -item[0])
    base = relaxation.outcome
    out = []
    for worth, what, more_tables, more_interpreters in candidates[:top]:
        after = (
            relaxation.what_if(more_tables, more_interpreters)
            if relaxation.what_if is not None
            else None
        )
        head = f"{what[0].upper()}{what[1:]}"
        if after is None:
            out.append(
                f"{head}: about {worth:,.0f} more points of score and fairness (marginal "
                "values from the LP relaxation's shadow prices)."
            )
            continue
        meetings = round(after.meetings - base.meetings)
        firsts = max(
            0, int(sum(after.reached.get(p, 0.0) - base.reached.get(p, 0.0) for p in unmet) + 1e-6)
        )
        out.append(
            f"{head} would give about {meetings:,} more meeting{'' if meetings == 1 else 's'}, "
            f"a first meeting for {firsts:,} of the participants who have none (shadow price "
            f"{worth:,.0f} points; counts from the LP relaxation re-solved with that capacity "
            "added)."
        )
    return out


def _where(slots: list[str], order: dict[str, int]) -> str:
    return slots[0] if len(slots) == 1 else "each of " + _ranges(slots, order)
