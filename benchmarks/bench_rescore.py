"""A participant's profile edit until their suggestions show: full vs incremental re-score.

On the 500-participant example in the portal's SQL store (SQLite, a temporary file), the
scores are computed once (as the first suggestions page does), then participant IN0001
makes four edits in turn, each followed by their suggestions page (``match_suggest``):

- languages ``en;ru;kk`` (no product changes),
- availability (the first four slots only),
- products within the event's scope (offers 420221;640419, codes other exporters offer),
- products outside it (a new code, 691110: the market evidence must be built again).

Each row times the save (``update_profile`` plus, when the code has it,
``rescore_after_edit``: the portal's profile route does both) and the suggestions request.
Run on a checkout without tradepivot.services.rescoring, every suggestions request after an
edit re-scores the whole event: that is the "before" of docs/portal.md::

    .venv/bin/python benchmarks/bench_rescore.py                          # this checkout
    PYTHONPATH=/path/to/older/src .venv/bin/python benchmarks/bench_rescore.py  # before
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import tradepivot
from tradepivot.config import Settings
from tradepivot.data.engines import open_warehouse
from tradepivot.db import make_engine, upgrade
from tradepivot.db.store import SqlStore
from tradepivot.events import load_event
from tradepivot.services.matchmaking import event_scores, match_suggest
from tradepivot.services.participation import ProfileEdit, update_profile

try:
    from tradepivot.services.rescoring import rescore_after_edit
except ImportError:  # an older checkout: the "before"
    rescore_after_edit = None  # type: ignore[assignment]

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "india-russia-forum"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-rescore-"))
    settings = Settings(warehouse=tmp / "none.duckdb", cache_dir=tmp / "cache")
    wh = open_warehouse(settings)
    engine = make_engine(f"sqlite:///{tmp}/portal.sqlite3")
    upgrade(engine)
    store = SqlStore(engine, reference=wh.reference)
    event, _ = load_event(EXAMPLE)
    store.save("irf", replace(event, meetings=()))
    started = time.perf_counter()
    scores = event_scores(wh, store, store.load("irf"))
    first = time.perf_counter() - started
    print(f"tradepivot {tradepivot.__file__}")
    print(f"incremental: {'yes' if rescore_after_edit else 'no (before)'}")
    print(f"first full scoring: {first:.2f} s ({len(scores):,} pairs)")
    me = event.participants["IN0001"]
    slots = frozenset(s.id for s in event.slots[:4])
    edits = {
        "languages": ProfileEdit(me.organisation, me.description, ";".join(me.offers), "",
                                 (), "en;ru;kk", me.timezone, None),
        "availability": ProfileEdit(me.organisation, me.description, ";".join(me.offers), "",
                                    (), "en;ru;kk", me.timezone, slots),
        "products in scope": ProfileEdit(me.organisation, me.description, "420221;640419", "",
                                         (), "en;ru;kk", me.timezone, slots),
        "new product": ProfileEdit(me.organisation, me.description, "420221;640419;691110",
                                   "", (), "en;ru;kk", me.timezone, slots),
    }  # fmt: skip
    rows: list[dict[str, Any]] = []
    print(f"{'edit':<20}{'save s':>9}{'suggest s':>11}{'total s':>9}  re-scored")
    for name, edit in edits.items():
        started = time.perf_counter()
        before = store.load("irf")
        update_profile(store, "irf", "IN0001", edit, reference=wh.reference)
        how = "whole event at the next read"
        if rescore_after_edit is not None:
            done = rescore_after_edit(wh, store, before, store.load("irf"))
            how = f"{done.pairs} pairs" if done.incremental else f"none ({done.why})"
        saved = time.perf_counter()
        report = match_suggest(wh, store, "irf", "IN0001", top=15)
        shown = time.perf_counter()
        assert report.rows.num_rows > 0
        rows.append(
            {"edit": name, "save_s": saved - started, "suggest_s": shown - saved,
             "total_s": shown - started, "rescored": how}
        )  # fmt: skip
        print(
            f"{name:<20}{saved - started:>9.2f}{shown - saved:>11.2f}{shown - started:>9.2f}  {how}"
        )
    if args.json:
        args.json.write_text(json.dumps({"first_s": first, "edits": rows}, indent=2))


if __name__ == "__main__":
    main()
