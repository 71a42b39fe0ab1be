"""Meeting schedules with OR-Tools CP-SAT, seeded by a greedy solution.

The model, in the order it is built (read it like the constraint list of DESIGN.md section 6):

- **Candidates.** Scored pairs that nobody vetoed, pruned to each participant's best
  ``candidates_per_participant`` (a pair stays if it is among the best of either side),
  plus every must-meet and every fixed meeting. ``x[p, s] = 1`` when pair p meets in slot s,
  created only for slots both can attend and, when the pair shares no language, where an
  eligible interpreter is available.
- **Hard constraints.** Each pair meets at most once; a participant has at most one meeting
  in a slot, and none in two slots that overlap or that are too close for the travel between
  their venues; at most as many meetings in a slot as the venue has tables; an interpreter
  serves one meeting per slot (``y[p, s, i]`` chooses who); meeting caps; fixed meetings
  (locked, or published and kept) stay in their slot.
- **Objective**, lexicographic. First: the participants with at least one meeting, among
  everyone with a feasible candidate (a first meeting earns :attr:`Instance.first`, more
  than everything below together). Then total score (must-meets carry a bonus) +
  ``fairness_weight`` per meeting after a participant's first, up to its floor (the most
  its candidates, availability and caps allow, at most ``fairness_floor``). Then, keeping
  that value: the fewest idle slots between a participant's first and last meeting
  of a day. Idle gaps come second because no useful bound exists for them and a meeting
  gained is worth more than a gap closed; they are reported beside the objective.
- **Bound and gap.** CP-SAT's best objective bound (from its LP relaxation and search) is
  reported with the gap. The solver runs with ``interleave_search`` and a deterministic time
  limit, so the same event, scores, seed and limit give the same schedule.

Tables and interpreters are assigned to meetings after solving (any free table of the slot's
venue; locked meetings keep theirs). :func:`greedy` is also a baseline in benchmarks/.

Where each part lives (this module is the entry point, :func:`solve`, and re-exports the
public names):

- :mod:`.instance`: options, candidates, capacities, conflicts, floors (:func:`build_instance`);
- :mod:`.fixed`: the checks of fixed meetings before solving, and the slot rules they share;
- :mod:`.constraints`: the constraint families as ``add_<family>`` helpers, shared by the
  exact model and the large-event re-solves, and the interpreter classes;
- :mod:`.exact`: the one-model solve of small events (and its idle-gap stage);
- :mod:`.large`: the two-step solve of large events (flow selection, two-slot re-solves,
  filling free seats);
- :mod:`.seating`: interpreters named and tables given after solving;
- :mod:`.objective`: the objective of any schedule; :mod:`.greedy`: the greedy schedule.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping

from tradepivot.matchmaking.constraints import InterpreterClasses
from tradepivot.matchmaking.exact import Tier, solve_exact
from tradepivot.matchmaking.greedy import greedy
from tradepivot.matchmaking.instance import (
    SCALE,
    Candidate,
    Instance,
    ScheduleOptions,
    build_instance,
)
from tradepivot.matchmaking.large import fill, improve, select_flow, select_pairs
from tradepivot.matchmaking.model import Event, Meeting, Schedule
from tradepivot.matchmaking.objective import (
    as_meetings,
    evaluate,
    idle_slots,
    lexicographic,
    reached,
    tiers,
    total,
)
from tradepivot.matchmaking.seating import name_interpreters, seat

__all__ = [
    "SCALE",
    "Candidate",
    "Instance",
    "ScheduleOptions",
    "build_instance",
    "evaluate",
    "greedy",
    "idle_slots",
    "lexicographic",
    "reached",
    "solve",
    "tiers",
    "total",
]

_DEFAULTS = ScheduleOptions()


def solve(
    event: Event,
    scores: Mapping[tuple[str, str], float],
    options: ScheduleOptions = _DEFAULTS,
    fixed: Iterable[Meeting] = (),
    *,
    frozen: Collection[str] = (),
    homes: Iterable[Meeting] = (),
) -> Schedule:
    """The schedule maximising score + fairness - idle gaps (see the module docstring).

    Small events (up to ``options.exact_limit`` pair x slot variables) are solved as one
    model, which CP-SAT proves optimal. Larger ones are solved in two steps: *which* pairs
    meet (a model over pairs only, whose relaxation bounds the whole problem), then *when*
    (the full model over the chosen pairs), then any table still free is filled greedily.
    """
    started = time.perf_counter()
    instance = build_instance(event, scores, options, fixed, frozen=frozen, homes=homes)
    individual = bool(instance.overlaps)
    classes = {
        slot.id: InterpreterClasses(event.interpreters, slot, individual) for slot in event.slots
    }
    size = sum(len(c.slots) for c in instance.candidates)
    notes = list(instance.notes)
    hint = greedy(instance)
    exact = size <= options.exact_limit
    steps: tuple[Tier, ...] = ()
    if exact:
        result = solve_exact(instance, instance.candidates, classes, hint, options.time_limit)
        bound = result.bound
        status = result.status
        chosen, groups = result.chosen, result.groups
        steps = result.tiers
        notes.append(_tiers_note(steps))
    else:
        moving = any(c.home is not None for c in instance.candidates)
        flow = select_flow(instance)
        if moving and flow is not None:
            # A reschedule starts from the published schedule (the greedy keeps each
            # meeting in its slot) and improves it locally: a fresh selection would churn.
            selected, bound = set(hint), flow[1]
            select_status = "KEPT"
        elif flow is not None:
            selected, bound = flow
            select_status = "FLOW"
        else:
            selected, bound, select_status = select_pairs(instance, hint, options.time_limit * 0.3)
        placed = greedy(instance, only=selected)
        restricted = {p: v for p, v in hint.items() if p in selected}
        if total(instance, as_meetings(placed)) < total(instance, as_meetings(restricted)):
            placed = restricted
        chosen = {pair: slot for pair, (slot, _) in placed.items()}
        groups = {
            (pair, slot): g
            for pair, (slot, i) in placed.items()
            if i is not None and (g := classes[slot].of(i)) is not None
        }
        first = len(chosen)
        rounds, stopped = improve(
            instance, chosen, groups, classes, options.time_limit / 4, options.wall_limit
        )
        if stopped:
            notes.append(
                "The search hit the wall-clock safety net before its deterministic budget: a "
                "rerun may differ."
            )
        added = fill(instance, chosen, groups, classes)
        status = f"{select_status}/LNS"
        notes.append(_large_note(instance))
        notes.append(
            f"Solved in two steps ({size:,} pair x slot variables): {len(selected):,} pairs "
            f"chosen, {first:,} placed greedily, improved over {rounds} rounds of slot-pair "
            f"re-optimisation, {added:,} more added in free seats; the bound is the "
            "pair-selection relaxation's. Idle gaps are counted, not minimised, at this size."
        )
    interpreters = name_interpreters(instance, chosen, groups, classes)
    meetings = seat(instance, chosen, interpreters)
    objective = evaluate(instance, meetings)
    met = reached(instance, meetings)
    counts = tiers(instance, meetings)
    reach_bound: int | None = None
    second: float | None = None
    proven = 0
    if exact:
        # One solve per tier: the first tier's bound is CP-SAT's on that count, the
        # score's is on the score of schedules reaching the tiers as this one does.
        if steps and steps[0].k == 1:
            reach_bound = max(met, min(len(instance.floors), steps[0].bound))
        second = None if bound is None else max(bound, objective)
        for step in steps:
            if not step.proven:
                break
            proven += 1
    elif bound is not None:
        unit = instance.first / SCALE
        # Lexicographic: no schedule reaches more than bound / first participants, and
        # among those reaching as many as this one, none scores above bound - first * met.
        reach_bound = max(met, min(len(instance.floors), int(bound / unit + 1e-9)))
        second = max(bound - unit * met, objective)
        if reach_bound > met:
            # That bound charges the participants not reached at a first meeting's worth.
            # With a first meeting priced like any further one, the flow bounds score +
            # fairness for every schedule; less fairness_weight x met, for those reaching
            # as many as this one (the second tier never counts the first meeting).
            fair = round(options.fairness_weight * SCALE)
            alt = select_flow(instance, first=fair)
            if alt is not None:
                second = max(min(second, alt[1] - fair / SCALE * met), objective)
        proven = 1 if reach_bound == met else 0
    return Schedule(
        meetings=meetings,
        objective=objective,
        bound=second,
        idle_slots=idle_slots(event, meetings),
        status=status,
        seconds=time.perf_counter() - started,
        seed=options.seed,
        notes=tuple(notes),
        eligible=len(instance.floors),
        reached=met,
        reach_bound=reach_bound,
        tiers=counts,
        tiers_proven=proven,
    )


def _tiers_note(steps: tuple[Tier, ...]) -> str:
    """What the exact path's tier solves established."""
    parts = []
    for step in steps:
        if step.proven:
            parts.append(f">= {step.k}: {step.count:,} (proven most)")
        else:
            parts.append(f">= {step.k}: {step.count:,} (at most {step.bound:,}; not proven)")
    text = (
        "Fairness tiers solved one at a time, each count then fixed (participants with "
        + "; ".join(parts)
        + "), then the score"
    )
    if steps and not all(s.proven for s in steps):
        text += (
            ". A tier not proven within its share of the time limit keeps the count found:"
            " later tiers are then the best given it, not lexicographically proven"
        )
    return text + "."


def _large_note(instance: Instance) -> str:
    """What the large-event path guarantees about the fairness tiers."""
    if instance.tier_weights is not None:
        tiers_text = (
            "the tiers >= 2 .. >= floor carry strict weights there too (they fit 2**53 at "
            "this size), so no re-solve trades a participant's k-th meeting for score or for "
            "a later tier"
        )
    else:
        tiers_text = (
            "the tiers >= 2 .. >= floor are weighted (fairness_weight points per meeting up "
            "to the floor), not strictly ranked: strict weights would not fit 64-bit "
            "integers at this size"
        )
    return (
        "Large event: the first tier is strict in the pair selection and in every two-slot "
        "re-solve (each re-solve is exact for its window and never lowers the number of "
        f"participants with a meeting); {tiers_text}. No tier is proven optimal on this path, "
        "except the first when the selection bound equals it."
    )
