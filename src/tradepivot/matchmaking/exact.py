"""The exact model: every candidate pair x usable slot in one CP-SAT model, proven optimal
on small events, then a second stage that minimises idle gaps at the same objective.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from tradepivot.errors import InfeasibleScheduleError
from tradepivot.matchmaking.constraints import (
    InterpreterClasses,
    add_caps,
    add_clashes,
    add_fairness,
    add_interpreters,
    add_parallel_halls,
    add_person_slots,
    add_tables,
)
from tradepivot.matchmaking.instance import SCALE, Candidate, Instance, ScheduleOptions
from tradepivot.matchmaking.model import Event, Slot

__all__ = [
    "ExactResult",
    "cp_solver",
    "solve_exact",
]


@dataclass
class ExactResult:
    chosen: dict[tuple[str, str], str]
    groups: dict[tuple[tuple[str, str], str], int]
    bound: float | None
    status: str


def cp_solver(options: ScheduleOptions, limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = options.seed
    params.num_workers = options.workers
    params.interleave_search = True  # the same result for the same seed, whatever the timing
    params.max_deterministic_time = max(limit, 0.5)
    if options.wall_limit is not None:  # off by default: it would make runs timing-dependent
        params.max_time_in_seconds = options.wall_limit
    return solver


def solve_exact(
    instance: Instance,
    candidates: Sequence[Candidate],
    classes: Mapping[str, InterpreterClasses],
    hint: Mapping[tuple[str, str], tuple[str, str | None]],
    limit: float,
) -> ExactResult:
    """The full model (pairs x slots) over ``candidates``."""
    event = instance.event
    options = instance.options
    model = cp_model.CpModel()
    x: dict[tuple[tuple[str, str], str], cp_model.IntVar] = {}
    y: dict[tuple[tuple[str, str], str, int], cp_model.IntVar] = {}
    by_person_slot: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
    by_slot: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    # Interpreters with the same languages, venue and availability are interchangeable: the
    # model counts them per class and slot, and names them after solving.
    by_class: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
    by_person: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    objective: list[cp_model.LinearExprT] = []

    for c in candidates:
        pair_vars = []
        for slot in c.slots:
            var = model.new_bool_var(f"x_{c.a}_{c.b}_{slot}")
            x[(c.pair, slot)] = var
            pair_vars.append(var)
            by_person_slot[(c.a, slot)].append(var)
            by_person_slot[(c.b, slot)].append(var)
            by_slot[slot].append(var)
            by_person[c.a].append(var)
            by_person[c.b].append(var)
            objective.append(c.value(slot) * var)
            if c.needs_interpreter:
                groups = classes[slot].groups(c.interpreters.get(slot, ()))
                if len(groups) == 1:  # one kind of interpreter fits: no choice to make
                    by_class[(slot, groups[0])].append(var)
                else:
                    choices = []
                    for g in groups:
                        choice = model.new_bool_var(f"y_{c.a}_{c.b}_{slot}_{g}")
                        y[(c.pair, slot, g)] = choice
                        by_class[(slot, g)].append(choice)
                        choices.append(choice)
                    model.add(sum(choices) == var)
        if c.pair in instance.fixed:
            model.add(sum(pair_vars) == 1)
        else:
            model.add_at_most_one(pair_vars)

    add_person_slots(model, by_person_slot)
    add_clashes(model, instance.conflicts, by_person_slot)
    add_tables(model, by_slot, instance.capacity)
    add_interpreters(model, by_class, classes)
    add_parallel_halls(model, event, instance.overlaps, classes, by_class)
    add_caps(model, event, by_person)

    # Fairness: a first meeting for everyone who can have one, then more up to the floor.
    hinted: dict[str, int] = defaultdict(int)
    in_model = {c.pair for c in candidates}
    for pair, _ in hint.items():
        if pair in in_model:
            hinted[pair[0]] += 1
            hinted[pair[1]] += 1
    floor_vars = add_fairness(model, instance, by_person, {}, objective, hinted)

    primary = sum(objective)
    model.maximize(primary)
    for (pair, slot), var in x.items():
        placed = hint.get(pair)
        model.add_hint(var, 1 if placed is not None and placed[0] == slot else 0)
    for (pair, slot, g), var in y.items():
        placed = hint.get(pair)
        used = placed is not None and placed[0] == slot and placed[1] is not None
        named = placed[1] if placed is not None else None
        model.add_hint(var, 1 if used and classes[slot].of(named or "") == g else 0)

    first = limit * (1 - options.compact_share) if options.compact else limit
    solver = cp_solver(options, first)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleScheduleError(
            "model",
            [],
            f"CP-SAT found no schedule ({solver.status_name(status)})",
            hint="Check fixed meetings, tables and interpreters.",
        )
    bound = solver.best_objective_bound / SCALE
    name = solver.status_name(status)
    if options.compact:
        # Second stage: keep the objective reached, minimise idle gaps (lexicographic).
        best = round(solver.objective_value)
        x_values = {key: solver.boolean_value(var) for key, var in x.items()}
        y_values = {key: solver.boolean_value(var) for key, var in y.items()}
        floor_values = [(var, solver.value(var)) for var in floor_vars]
        busy_now = {(pid, slot): True for (pair, slot), v in x_values.items() if v for pid in pair}
        model.add(primary >= best)
        model.clear_hints()  # type: ignore[no-untyped-call]
        idle_terms = _idle_terms(model, event, by_person_slot, busy_now)
        for x_key, x_var in x.items():
            model.add_hint(x_var, x_values[x_key])
        for y_key, y_var in y.items():
            model.add_hint(y_var, y_values[y_key])
        for floor_var, value in floor_values:
            model.add_hint(floor_var, value)
        model.minimize(sum(idle_terms))
        second = cp_solver(options, limit - first)
        status2 = second.solve(model)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            solver = second
            name = f"{name}+{second.status_name(status2)}"
    return ExactResult(
        chosen={pair: slot for (pair, slot), var in x.items() if solver.boolean_value(var)},
        groups={(pair, slot): g for (pair, slot, g), var in y.items() if solver.boolean_value(var)},
        bound=bound,
        status=name,
    )


def _idle_terms(
    model: cp_model.CpModel,
    event: Event,
    by_person_slot: Mapping[tuple[str, str], list[cp_model.IntVar]],
    busy_hint: Mapping[tuple[str, str], bool],
) -> list[cp_model.IntVar]:
    """Idle-slot indicators per participant and day, hinted from ``busy_hint``.

    idle[k] >= before[k-1] + after[k+1] - 1 - busy[k], where before/after say whether the
    participant meets at or before / at or after a slot. Minimising drives idle to 0 unless
    the slot lies between two meetings.
    """
    days: dict[dt.date, list[Slot]] = defaultdict(list)
    for slot in event.slots:
        days[slot.start.date()].append(slot)
    people = sorted({pid for pid, _ in by_person_slot})
    out = []
    for pid in people:
        for slots in days.values():
            if sum(1 for slot in slots if by_person_slot.get((pid, slot.id))) < 2:
                continue
            busy = []
            marks = [bool(busy_hint.get((pid, slot.id))) for slot in slots]
            for slot, mark in zip(slots, marks, strict=True):
                vars_ = by_person_slot.get((pid, slot.id), [])
                b = model.new_bool_var(f"busy_{pid}_{slot.id}")
                model.add(sum(vars_) == b) if vars_ else model.add(b == 0)
                model.add_hint(b, mark)
                busy.append(b)
            n = len(busy)
            before = [model.new_bool_var(f"before_{pid}_{k}") for k in range(n)]
            after = [model.new_bool_var(f"after_{pid}_{k}") for k in range(n)]
            for k in range(n):
                model.add_max_equality(before[k], busy[: k + 1])
                model.add_max_equality(after[k], busy[k:])
                model.add_hint(before[k], any(marks[: k + 1]))
                model.add_hint(after[k], any(marks[k:]))
            for k in range(1, n - 1):
                idle = model.new_bool_var(f"idle_{pid}_{k}")
                model.add(idle >= before[k - 1] + after[k + 1] - 1 - busy[k])
                model.add_hint(idle, any(marks[:k]) and any(marks[k + 1 :]) and not marks[k])
                out.append(idle)
    return out
