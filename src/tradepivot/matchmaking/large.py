"""Large events in two steps: *which* pairs meet (a min-cost flow with a Lagrangian price
on interpretation, or a CP-SAT selection), then *when* (greedy placement, deterministic
two-slot CP-SAT re-solves, free seats filled).
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from tradepivot.errors import InfeasibleScheduleError
from tradepivot.matchmaking.constraints import (
    InterpreterClasses,
    add_caps,
    add_fairness,
    add_interpreters,
    add_parallel_halls,
    add_person_slots,
    add_tables,
)
from tradepivot.matchmaking.exact import cp_solver
from tradepivot.matchmaking.instance import SCALE, Instance
from tradepivot.matchmaking.model import Event

__all__ = [
    "fill",
    "improve",
    "select_flow",
    "select_pairs",
]


def select_pairs(
    instance: Instance, hint: Mapping[tuple[str, str], tuple[str, str | None]], limit: float
) -> tuple[set[tuple[str, str]], float, str]:
    """Which pairs meet, ignoring when: a relaxation of the full model (its bound bounds it).

    Each participant meets at most as often as its cap and its usable slots allow, the
    meetings fit the tables of all slots, interpreted meetings fit the interpreters' slots,
    and fixed pairs are in. Idle gaps cannot be negative, so leaving them out keeps a bound.
    """
    event = instance.event
    options = instance.options
    model = cp_model.CpModel()
    z = {c.pair: model.new_bool_var(f"z_{c.a}_{c.b}") for c in instance.candidates}
    by_person: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    interpreted = []
    for c in instance.candidates:
        by_person[c.a].append(z[c.pair])
        by_person[c.b].append(z[c.pair])
        if c.needs_interpreter:
            interpreted.append(z[c.pair])
        if c.pair in instance.fixed:
            model.add(z[c.pair] == 1)
    for pid, vars_ in by_person.items():
        p = event.participants[pid]
        usable = _usable_slots(instance, pid)
        limit_u = usable if p.max_meetings is None else min(usable, p.max_meetings)
        model.add(sum(vars_) <= limit_u)
    model.add(sum(z.values()) <= sum(instance.capacity.values()))
    interpreter_slots = _interpreter_slots(event)
    if interpreted:
        model.add(sum(interpreted) <= interpreter_slots)
    objective: list[cp_model.LinearExprT] = [c.best * z[c.pair] for c in instance.candidates]
    hinted: dict[str, int] = defaultdict(int)
    for pair in hint:
        hinted[pair[0]] += 1
        hinted[pair[1]] += 1
    add_fairness(model, instance, by_person, {}, objective, hinted)
    model.maximize(sum(objective))
    for pair, var in z.items():
        model.add_hint(var, 1 if pair in hint else 0)
    solver = cp_solver(options, limit)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleScheduleError(
            "model", [], f"CP-SAT found no pair selection ({solver.status_name(status)})"
        )
    selected = {pair for pair, var in z.items() if solver.boolean_value(var)}
    return selected, solver.best_objective_bound / SCALE, solver.status_name(status)


def select_flow(
    instance: Instance, first: int | None = None
) -> tuple[set[tuple[str, str]], float] | None:
    """Pair selection as a min-cost flow, with a Lagrangian price on interpretation.

    When every candidate pair has exactly one exporter, the selection relaxation of
    :func:`select_pairs` is a bipartite b-matching with a cardinality limit: exporters on the
    left, everyone else on the right, each with its meeting limit (the first ``floor``
    meetings of a delegation member earn the fairness reward: a concave gain a flow
    handles exactly). The one side constraint, interpreted meetings within the
    interpreters' slots, is priced by ``lam`` per interpreted meeting: for every
    ``lam >= 0`` the flow optimum plus ``lam`` x the interpreter slots bounds the
    relaxation, so the smallest such value is the bound; the selection is the best one
    that respects the interpreter limit. Returns None when the candidates are not
    bipartite (the CP-SAT selection is used then). ``first``: the gain of a first meeting
    (default :attr:`Instance.first`; ``fairness_weight`` bounds the second tier alone).
    """
    first_gain = instance.first if first is None else first
    event = instance.event
    people = event.participants
    left = {pid for pid, p in people.items() if p.side == "exporter"}
    if any((c.a in left) == (c.b in left) for c in instance.candidates):
        return None
    options = instance.options
    limit = {
        pid: (
            _usable_slots(instance, pid)
            if people[pid].max_meetings is None
            else min(_usable_slots(instance, pid), people[pid].max_meetings or 0)
        )
        for pid in people
    }
    total = sum(instance.capacity.values())
    interpreter_slots = _interpreter_slots(event)
    fixed_pairs = set(instance.fixed)
    big = 10**9

    def run(lam: float) -> tuple[set[tuple[str, str]], float, int]:
        """Selection and its Lagrangian value at price ``lam`` (in score units)."""
        flow = min_cost_flow.SimpleMinCostFlow()
        ids = {pid: n + 3 for n, pid in enumerate(sorted(people))}
        s0, src, sink = 0, 1, 2
        flow.add_arc_with_capacity_and_unit_cost(s0, src, total, 0)
        flow.add_arc_with_capacity_and_unit_cost(src, sink, total, 0)  # unused seats
        fair = round(options.fairness_weight * SCALE)
        for pid in sorted(people):
            floor = min(instance.floors.get(pid, 0), limit[pid])
            rest = limit[pid] - floor
            tail, head = (src, ids[pid]) if pid in left else (ids[pid], sink)
            if floor:  # the first meeting, then the rest up to the floor: a concave gain
                flow.add_arc_with_capacity_and_unit_cost(tail, head, 1, -first_gain)
            if floor > 1:
                flow.add_arc_with_capacity_and_unit_cost(tail, head, floor - 1, -fair)
            if rest > 0:
                flow.add_arc_with_capacity_and_unit_cost(tail, head, rest, 0)
        arcs = []
        for c in instance.candidates:
            u, v = (c.a, c.b) if c.a in left else (c.b, c.a)
            gain = c.best - (round(lam * SCALE) if c.needs_interpreter else 0)
            if c.pair in fixed_pairs:
                gain += big
            arcs.append((c, flow.add_arc_with_capacity_and_unit_cost(ids[u], ids[v], 1, -gain)))
        flow.set_node_supply(s0, total)
        flow.set_node_supply(sink, -total)
        if flow.solve() != flow.OPTIMAL:
            raise InfeasibleScheduleError("model", [], "the pair-selection flow has no solution")
        chosen = {c.pair for c, arc in arcs if flow.flow(arc) > 0}
        value = -flow.optimal_cost() / SCALE - len(fixed_pairs & chosen) * big / SCALE
        interpreted = sum(1 for c, arc in arcs if c.needs_interpreter and flow.flow(arc) > 0)
        return chosen, value + lam * interpreter_slots, interpreted

    chosen, bound, interpreted = run(0.0)
    if interpreted <= interpreter_slots:
        return chosen, bound
    best_bound, best_feasible = bound, None
    low, high = (
        0.0,
        max((c.best / SCALE for c in instance.candidates), default=0.0) + 2 * first_gain / SCALE,
    )
    for _ in range(30):  # bisection on the price of interpretation
        lam = (low + high) / 2
        chosen, value, interpreted = run(lam)
        best_bound = min(best_bound, value)
        if interpreted > interpreter_slots:
            low = lam
        else:
            high = lam
            best_feasible = chosen
        if high - low < 0.05:
            break
    if best_feasible is None:
        best_feasible, value, _ = run(high)
        best_bound = min(best_bound, value)
    return best_feasible, best_bound


def _interpreter_slots(event: Event) -> int:
    """Interpreter x slot pairs in which an interpreter can work (the selection's capacity)."""
    return sum(
        1
        for i in event.interpreters
        for slot in event.slots
        if (i.available is None or slot.id in i.available) and (i.venue in (None, slot.venue))
    )


def _usable_slots(instance: Instance, pid: str) -> int:
    """Slots a participant can attend, less those that clash (a conservative upper count)."""
    p = instance.event.participants[pid]
    return sum(1 for s in instance.event.slots if instance.event.attends(p.id, s))


def improve(
    instance: Instance,
    chosen: dict[tuple[str, str], str],
    groups: dict[tuple[tuple[str, str], str], int],
    classes: Mapping[str, InterpreterClasses],
    budget: float,
    wall: float | None,
) -> tuple[int, bool]:
    """Deterministic large-neighbourhood search: re-solve two slots at a time, exactly.

    For each pair of slots, the meetings in them and the unscheduled candidates that could
    use them are re-assigned by a small single-worker CP-SAT model; everything else stays.
    A round visits every slot pair; rounds repeat while they gain and ``budget`` (seconds
    of CP-SAT's deterministic time, so runs repeat exactly) lasts; ``wall`` seconds is a
    safety net. Returns the rounds run and whether the wall clock stopped the search.
    """
    event = instance.event
    options = instance.options
    by_pair = instance.by_pair
    ranked = sorted(instance.candidates, key=lambda c: (-c.weight, c.pair))
    usable_in: dict[str, list[int]] = defaultdict(list)  # slot -> ranks of candidates
    for rank, c in enumerate(ranked):
        for slot in c.slots:
            usable_in[slot].append(rank)
    slot_ids = [s.id for s in event.slots]
    deadline = time.perf_counter() + wall if wall is not None else None
    spent = 0.0
    rounds = 0
    step = max(0.05, budget / max(1, len(slot_ids) * (len(slot_ids) - 1) / 2) / 3)
    while spent < budget:
        rounds += 1
        gained = False
        for i, s in enumerate(slot_ids):
            for t in slot_ids[i + 1 :]:
                if spent >= budget:
                    break
                if deadline is not None and time.perf_counter() > deadline:
                    return rounds, True
                window = {s, t}
                count: dict[str, int] = defaultdict(int)
                busy_elsewhere: set[tuple[str, str]] = set()
                for pair, slot in chosen.items():
                    if slot not in window:
                        for pid in pair:
                            count[pid] += 1
                            busy_elsewhere.add((pid, slot))
                movable = [
                    p for p, slot in chosen.items() if slot in window and p not in instance.fixed
                ]
                pinned = [p for p, slot in chosen.items() if slot in window and p in instance.fixed]
                extra: list[tuple[str, str]] = []
                for rank in heapq.merge(usable_in[s], usable_in[t]):
                    c = ranked[rank]
                    if c.pair in chosen or (extra and extra[-1] == c.pair):
                        continue
                    if all(
                        (cap := event.participants[pid].max_meetings) is None or count[pid] < cap
                        for pid in c.pair
                    ):
                        extra.append(c.pair)
                        if len(extra) >= options.neighbourhood_extra:
                            break
                pool = movable + extra
                if not pool:
                    continue
                model = cp_model.CpModel()
                x: dict[tuple[tuple[str, str], str], cp_model.IntVar] = {}
                yv: dict[tuple[tuple[str, str], str, int], cp_model.IntVar] = {}
                per_person: dict[tuple[str, str], list[cp_model.LinearExprT]] = defaultdict(list)
                per_slot: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
                per_class: dict[tuple[str, int], list[cp_model.LinearExprT]] = defaultdict(list)
                new_count: dict[str, list[cp_model.LinearExprT]] = defaultdict(list)
                objective: list[cp_model.LinearExprT] = []
                for pair in pinned:
                    slot = chosen[pair]
                    c = by_pair[pair]
                    for pid in pair:
                        per_person[(pid, slot)].append(1)
                    per_slot[slot].append(1)
                    if c.needs_interpreter:
                        g = groups.get((pair, slot))
                        if g is None:
                            g = classes[slot].groups(c.interpreters.get(slot, ()))[0]
                        per_class[(slot, g)].append(1)
                for pair in pool:
                    c = by_pair[pair]
                    options_ = []
                    for slot in c.slots:
                        if slot not in window:
                            continue
                        if any(
                            (pid, other) in busy_elsewhere
                            for pid in pair
                            for a_, b_ in instance.conflicts.get(pid, ())
                            for other in ((b_,) if a_ == slot else (a_,) if b_ == slot else ())
                        ):
                            continue
                        var = model.new_bool_var("")
                        x[(pair, slot)] = var
                        options_.append(var)
                        for pid in pair:
                            per_person[(pid, slot)].append(var)
                            new_count[pid].append(var)
                        per_slot[slot].append(var)
                        objective.append(c.value(slot) * var)
                        if c.needs_interpreter:
                            gs = classes[slot].groups(c.interpreters.get(slot, ()))
                            choice = []
                            for g in gs:
                                gv = model.new_bool_var("")
                                yv[(pair, slot, g)] = gv
                                per_class[(slot, g)].append(gv)
                                choice.append(gv)
                            model.add(sum(choice) == var)
                    if options_:
                        model.add_at_most_one(options_)
                add_person_slots(model, per_person, busy_elsewhere)
                add_tables(model, per_slot, instance.capacity)
                blocked = _blocked_interpreters(instance, chosen, groups, classes, window)
                add_interpreters(model, per_class, classes, blocked)
                add_parallel_halls(model, event, instance.overlaps, classes, per_class, window)
                already = {
                    pid: count[pid] + sum(1 for p in pinned if pid in p) for pid in new_count
                }
                add_caps(model, event, new_count, already)
                add_fairness(model, instance, new_count, already, objective, {})
                model.maximize(sum(objective))
                for pair in movable:
                    slot = chosen[pair]
                    if (pair, slot) in x:
                        model.add_hint(x[(pair, slot)], 1)
                for key, var in x.items():
                    if chosen.get(key[0]) != key[1]:
                        model.add_hint(var, 0)
                solver = cp_model.CpSolver()
                solver.parameters.num_workers = 1
                solver.parameters.random_seed = options.seed
                solver.parameters.max_deterministic_time = step
                status = solver.solve(model)
                spent += solver.deterministic_time
                if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    continue
                before = _window_value(instance, chosen, window, movable, count)
                after_pairs = {
                    key[0]: key[1] for key, var in x.items() if solver.boolean_value(var)
                }
                # The fixed meetings of the window count as before (they stay where they are).
                after = _window_value(
                    instance,
                    {**{p: chosen[p] for p in pinned}, **after_pairs},
                    window,
                    list(after_pairs),
                    count,
                )
                if after <= before:
                    continue
                for pair in movable:
                    del chosen[pair]
                    for slot in window:
                        groups.pop((pair, slot), None)
                for pair, slot in after_pairs.items():
                    chosen[pair] = slot
                for (pair, slot, g), var in yv.items():
                    if solver.boolean_value(var):
                        groups[(pair, slot)] = g
                gained = True
        if not gained:
            break
    return rounds, False


def _blocked_interpreters(
    instance: Instance,
    chosen: Mapping[tuple[str, str], str],
    groups: Mapping[tuple[tuple[str, str], str], int],
    classes: Mapping[str, InterpreterClasses],
    window: set[str],
) -> set[tuple[str, int]]:
    """(slot, class) of the window whose interpreter works in a parallel slot outside it."""
    if not instance.overlaps:
        return set()
    by_pair = instance.by_pair
    out = set()
    for pair, slot in chosen.items():
        c = by_pair[pair]
        if slot in window or not c.needs_interpreter:
            continue
        g = groups.get((pair, slot))
        if g is None:
            g = classes[slot].groups(c.interpreters.get(slot, ()))[0]
        interpreter = classes[slot].members(g)[0]
        for other in instance.overlaps.get(slot, ()):
            if other in window and (there := classes[other].of(interpreter)) is not None:
                out.add((other, there))
    return out


def _window_value(
    instance: Instance,
    placed: Mapping[tuple[str, str], str],
    window: set[str],
    pairs: Iterable[tuple[str, str]],
    count: Mapping[str, int],
) -> int:
    """Score + fairness (in model units) of the movable meetings of a window."""
    by_pair = instance.by_pair
    value = 0
    extra: dict[str, int] = defaultdict(int)
    for pair in pairs:
        slot = placed.get(pair)
        if slot is not None and slot in window:
            value += by_pair[pair].value(slot)
            for pid in pair:
                extra[pid] += 1
    pinned: dict[str, int] = defaultdict(int)
    for pair, slot in placed.items():
        if slot in window and pair in instance.fixed:
            for pid in pair:
                pinned[pid] += 1
    for pid, n in extra.items():
        had = count.get(pid, 0) + pinned[pid]
        value += instance.fairness(pid, had + n) - instance.fairness(pid, had)
    return value


def fill(
    instance: Instance,
    chosen: dict[tuple[str, str], str],
    groups: dict[tuple[tuple[str, str], str], int],
    classes: Mapping[str, InterpreterClasses],
) -> int:
    """Add unscheduled candidates into free seats, best first, keeping every constraint."""
    event = instance.event
    order = {s.id: n for n, s in enumerate(event.slots)}
    by_pair = instance.by_pair
    busy = {(pid, slot) for pair, slot in chosen.items() for pid in pair}
    tables: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    used: dict[tuple[str, int], int] = defaultdict(int)

    def use(slot: str, g: int) -> None:
        used[(slot, g)] += 1
        for other in instance.overlaps.get(slot, ()):  # one class per interpreter then
            there = classes[other].of(classes[slot].members(g)[0])
            if there is not None:
                used[(other, there)] += 1

    for pair, slot in chosen.items():
        tables[slot] += 1
        for pid in pair:
            count[pid] += 1
        c = by_pair[pair]
        if c.needs_interpreter:
            g = groups.get((pair, slot))
            if g is None:
                g = classes[slot].groups(c.interpreters.get(slot, ()))[0]
            use(slot, g)
    clashes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pid, pairs in instance.conflicts.items():
        for s, t in pairs:
            clashes[(pid, s)].add(t)
            clashes[(pid, t)].add(s)

    def free(pid: str, slot: str) -> bool:
        if (pid, slot) in busy:
            return False
        return not any((pid, t) in busy for t in clashes.get((pid, slot), ()))

    added = 0
    for c in sorted(instance.candidates, key=lambda c: (-c.weight, c.pair)):
        if c.pair in chosen:
            continue
        if any(
            (cap := event.participants[pid].max_meetings) is not None and count[pid] >= cap
            for pid in c.pair
        ):
            continue
        for slot in sorted(c.slots, key=order.__getitem__):
            if tables[slot] >= instance.capacity.get(slot, 0):
                continue
            if not (free(c.a, slot) and free(c.b, slot)):
                continue
            group = None
            if c.needs_interpreter:
                group = next(
                    (
                        g
                        for g in classes[slot].groups(c.interpreters.get(slot, ()))
                        if used[(slot, g)] < classes[slot].size(g)
                    ),
                    None,
                )
                if group is None:
                    continue
                use(slot, group)
                groups[(c.pair, slot)] = group
            chosen[c.pair] = slot
            tables[slot] += 1
            busy.update({(c.a, slot), (c.b, slot)})
            count[c.a] += 1
            count[c.b] += 1
            added += 1
            break
    return added
