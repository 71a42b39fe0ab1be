"""The exact model: every candidate pair x usable slot in one CP-SAT model, proven optimal
on small events, then a second stage that minimises idle gaps at the same objective.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

from ortools.sat.python import cp_model

from tradepivot.errors import InfeasibleScheduleError
from tradepivot.matchmaking.constraints import (
    InterpreterClasses,
    add_caps,
    add_clashes,
    add_interpreters,
    add_parallel_halls,
    add_person_slots,
    add_tables,
    add_tiers,
)
from tradepivot.matchmaking.instance import SCALE, Candidate, Instance, ScheduleOptions
from tradepivot.matchmaking.model import Event, Slot

__all__ = [
    "ExactResult",
    "Tier",
    "cp_solver",
    "solve_exact",
]


@dataclass(frozen=True)
class Tier:
    """One fairness tier's solve: participants with >= ``k`` meetings, the count reached,
    the most CP-SAT proved possible (given the earlier tiers), and whether it is proven."""

    k: int
    count: int
    bound: int
    proven: bool


@dataclass
class ExactResult:
    chosen: dict[tuple[str, str], str]
    groups: dict[tuple[tuple[str, str], str], int]
    bound: float | None  # on the score tier, given the tiers reached
    status: str
    tiers: tuple[Tier, ...] = ()


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
    tiers = add_tiers(model, instance, by_person, hinted)
    fair = round(options.fairness_weight * SCALE)
    # The last tier: score + fairness_weight per meeting after the first up to the floor
    # (constant once the tiers are fixed; :func:`objective.evaluate`, in model units).
    further = [v for k, vs in tiers.items() if k > 1 for v in vs]
    primary = cp_model.LinearExpr.sum([*objective, *(fair * v for v in further)])
    for (pair, slot), var in x.items():
        placed = hint.get(pair)
        model.add_hint(var, 1 if placed is not None and placed[0] == slot else 0)
    for (pair, slot, g), var in y.items():
        placed = hint.get(pair)
        used = placed is not None and placed[0] == slot and placed[1] is not None
        named = placed[1] if placed is not None else None
        model.add_hint(var, 1 if used and classes[slot].of(named or "") == g else 0)

    # Lexicographic, one solve per tier: the most participants with >= 1 meeting, that
    # count fixed as a constraint, then >= 2, ... up to the highest floor, then the score.
    # Each tier solve may spend its share of what is left (the score gets the last share and
    # whatever the tiers did not use); a solve that is not proven optimal fixes the value it
    # found (then later tiers are optimal given it, not lexicographically optimal).
    main = limit * (1 - options.compact_share) if options.compact else limit
    levels = [k for k in sorted(tiers) if tiers[k]]
    spent = 0.0
    steps: list[Tier] = []
    solver: cp_model.CpSolver | None = None
    for n, k in enumerate(levels):
        model.maximize(sum(tiers[k]))
        stage = cp_solver(options, (main - spent) / (len(levels) - n + 1))
        status = stage.solve(model)
        spent += stage.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if solver is None:
                _no_schedule(stage, status)
            break  # out of time without a solution: keep the tiers fixed so far
        solver = stage
        count = round(stage.objective_value)
        steps.append(
            Tier(k, count, int(stage.best_objective_bound + 1e-9), status == cp_model.OPTIMAL)
        )
        model.add(sum(tiers[k]) >= count)
        _hint_solution(model, stage, (*x.values(), *y.values(), *_flat(tiers)))
    model.maximize(primary)
    stage = cp_solver(options, main - spent)
    status = stage.solve(model)
    spent += stage.deterministic_time
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solver = stage
        bound: float | None = stage.best_objective_bound / SCALE
        name = stage.status_name(status)
    elif solver is None:
        _no_schedule(stage, status)
    else:  # out of time: the last tier's schedule stands, with no bound on its score
        bound, name = None, "FEASIBLE"
    assert solver is not None
    if not all(t.proven for t in steps) and name == "OPTIMAL":
        name = "FEASIBLE"  # optimal given tiers that are not proven optimal
    if options.compact:
        # Then: keep the objective reached, minimise idle gaps (lexicographic).
        best = round(solver.objective_value) if solver is stage else None
        x_values = {key: solver.boolean_value(var) for key, var in x.items()}
        busy_now = {(pid, slot): True for (pair, slot), v in x_values.items() if v for pid in pair}
        if best is not None:
            model.add(primary >= best)
        _hint_solution(model, solver, (*x.values(), *y.values(), *_flat(tiers)))
        idle_terms = _idle_terms(model, event, by_person_slot, busy_now)
        model.minimize(sum(idle_terms))
        second = cp_solver(options, limit - spent)
        status2 = second.solve(model)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            solver = second
            name = f"{name}+{second.status_name(status2)}"
    return ExactResult(
        chosen={pair: slot for (pair, slot), var in x.items() if solver.boolean_value(var)},
        groups={(pair, slot): g for (pair, slot, g), var in y.items() if solver.boolean_value(var)},
        bound=bound,
        status=name,
        tiers=tuple(steps),
    )


def _flat(tiers: Mapping[int, Sequence[cp_model.IntVar]]) -> list[cp_model.IntVar]:
    return [v for vs in tiers.values() for v in vs]


def _hint_solution(
    model: cp_model.CpModel, solver: cp_model.CpSolver, variables: Sequence[cp_model.IntVar]
) -> None:
    """The next solve starts from this solution (it stays feasible: constraints are only
    added that it meets)."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    for var in variables:
        model.add_hint(var, solver.value(var))


def _no_schedule(solver: cp_model.CpSolver, status: cp_model.CpSolverStatus) -> NoReturn:
    raise InfeasibleScheduleError(
        "model",
        [],
        f"CP-SAT found no schedule ({solver.status_name(status)})",
        hint="Check fixed meetings, tables and interpreters.",
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
