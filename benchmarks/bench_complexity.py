"""RCA + proximity + density for every exporter at HS6 on the 2024 matrix, in fresh processes.

tradepivot runs ``analytics.complexity``: RCA as an Ibis expression on DuckDB over the embedded
world matrix, then proximity and ECI/PCI in numpy (``ProductSpace.from_rca``), then density for
all 226 exporters x 5,079 products. The baseline, measured in the same run with the same
process-per-run treatment, is a straightforward pandas script: ``read_parquet`` every part,
``groupby`` + ``unstack`` into the exporter x product matrix, RCA with ``DataFrame.div``, and
the same two matrix products in numpy (float64). tradepivot also computes ECI/PCI, which the
baseline does not: the comparison is conservative.

Each child saves its presence matrix, density and a sample of proximity rows; the parent checks
that both agree (presence exactly, the rest to 1e-12) and that India's RCA in 300490 equals a
DuckDB SQL computation.

    /work/venv/bin/python benchmarks/bench_complexity.py [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from _common import (
    PYTHON,
    REPO,
    WORLD_GLOB,
    Child,
    clean_env,
    fail_details,
    machine,
    run_child,
    summary,
    table,
    write_json,
)

TARGET_S = 10.0  # DESIGN.md §7: RCA + proximity + density for all countries at HS6 <= 10 s

# Both children write the same files: argv[-1] is the output folder.
_SAVE = """
out = Path(sys.argv[-1])
np.save(out / "m.npy", np.packbits(m.astype(bool), axis=None))
np.save(out / "density.npy", density)
np.save(out / "proximity_rows.npy", phi[::200])  # 26 rows, every 200th product
(out / "names.json").write_text(json.dumps({"countries": list(countries), "products": list(products)}))
"""

TRADEPIVOT_SCRIPT = (
    """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
import numpy as np
from tradepivot.analytics import complexity
from tradepivot.config import Settings
from tradepivot.data.warehouse import Warehouse
imported = time.perf_counter()
wh = Warehouse(Settings(warehouse=Path(sys.argv[-1]) / "none.duckdb"))
flows, _ = wh.table("world-2024", "bilateral")
arrow = complexity.rca(flows).select("exporter", "hs6", "value_usd", "rca").to_pyarrow()
ranked = time.perf_counter()
space = complexity.ProductSpace.from_rca(arrow)
built = time.perf_counter()
density = space.density()
done = time.perf_counter()
m, phi, countries, products = space.m, space.proximity, space.countries, space.products
i, k = countries.index("IND"), products.index("300490")
print(json.dumps({
    "import_s": imported - started, "rca_s": ranked - imported,
    "proximity_eci_s": built - ranked, "density_s": done - built, "call_s": done - imported,
    "shape": list(m.shape), "presence": int(m.sum()), "ind_300490_rca": float(space.rca[i, k]),
    "ind_eci": float(space.eci[i]),
}))
"""
    + _SAVE
)

BASELINE_SCRIPT = (
    """
import glob, json, sys, time
from pathlib import Path
started = time.perf_counter()
import numpy as np
import pandas as pd
imported = time.perf_counter()
df = pd.concat(
    [pd.read_parquet(f, columns=["exporter", "hs6", "value_usd"])
     for f in sorted(glob.glob(sys.argv[1]))],
    ignore_index=True,
)
df = df[df["value_usd"] > 0]
x = df.groupby(["exporter", "hs6"])["value_usd"].sum().unstack(fill_value=0.0)
rca = x.div(x.sum(axis=1), axis=0).div(x.sum(axis=0) / x.to_numpy().sum(), axis=1)
m = (rca.to_numpy() >= 1).astype(float)
ranked = time.perf_counter()
ubiquity = m.sum(axis=0)
phi = (m.T @ m) / np.maximum.outer(ubiquity, ubiquity)
built = time.perf_counter()
density = (m @ phi) / phi.sum(axis=0)
done = time.perf_counter()
countries, products = list(x.index), list(x.columns)
print(json.dumps({
    "import_s": imported - started, "rca_s": ranked - imported,
    "proximity_eci_s": built - ranked, "density_s": done - built, "call_s": done - imported,
    "shape": list(m.shape), "presence": int(m.sum()),
    "ind_300490_rca": float(rca.loc["IND", "300490"]),
}))
"""
    + _SAVE
)


@dataclass
class Case:
    key: str
    label: str
    argv: list[str]
    runs: list[Child] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)

    def walls(self) -> list[float]:
        return [c.wall_s for c in self.runs]


def _rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b) if b else abs(a)


def _load(folder: Path) -> dict[str, Any]:
    names = json.loads((folder / "names.json").read_text())
    return {
        **names,
        "m": np.load(folder / "m.npy"),
        "density": np.load(folder / "density.npy"),
        "proximity_rows": np.load(folder / "proximity_rows.npy"),
    }


def check(tradepivot: Case, baseline: Case, outputs: dict[str, Path]) -> list[dict[str, Any]]:
    """The last run of each: same matrices, and India's RCA in 300490 as in plain SQL."""
    results: list[dict[str, Any]] = []

    def add(name: str, ok: bool, detail: str) -> None:
        results.append({"check": name, "ok": bool(ok), "detail": detail})

    ours, theirs = tradepivot.reports[-1], baseline.reports[-1]
    a, b = _load(outputs["tradepivot"]), _load(outputs["baseline"])
    add(
        "matrix is 226 exporters x 5,079 products in both",
        ours["shape"] == theirs["shape"] == [226, 5079],
        f"tradepivot {ours['shape']}, baseline {theirs['shape']}",
    )
    add(
        "same exporters and products in the same order",
        a["countries"] == b["countries"] and a["products"] == b["products"],
        f"{len(a['countries'])} x {len(a['products'])}",
    )
    add(
        "presence (RCA >= 1) identical",
        np.array_equal(a["m"], b["m"]),
        f"{ours['presence']:,} pairs with RCA >= 1 (baseline {theirs['presence']:,})",
    )
    for name in ("proximity_rows", "density"):
        diff = float(np.nanmax(np.abs(a[name] - b[name])))
        add(f"{name.replace('_', ' ')} equal to 1e-12", diff <= 1e-12, f"max |diff| {diff:.2e}")
    expected = duckdb.sql(
        f"""
        WITH x AS (SELECT exporter, hs6, sum(value_usd) v FROM read_parquet('{WORLD_GLOB}')
                   WHERE value_usd > 0 GROUP BY ALL)
        SELECT (sum(v) FILTER (WHERE exporter = 'IND' AND hs6 = '300490')
                / sum(v) FILTER (WHERE exporter = 'IND'))
             / (sum(v) FILTER (WHERE hs6 = '300490') / sum(v)) FROM x
        """
    ).fetchone()
    rca = float(expected[0]) if expected else float("nan")
    add(
        "IND RCA in 300490 equals SQL (both implementations)",
        _rel(ours["ind_300490_rca"], rca) <= 1e-12 and _rel(theirs["ind_300490_rca"], rca) <= 1e-12,
        f"{ours['ind_300490_rca']:.6f} / {theirs['ind_300490_rca']:.6f} vs SQL {rca:.6f}",
    )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="measured runs per command (default 3)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the discarded warm-up round")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when the 10 s target is missed"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    info = machine()
    with tempfile.TemporaryDirectory(prefix="tp-bench-complexity-") as tmp:
        root = Path(tmp)
        env = clean_env(root / "home")
        outputs = {"tradepivot": root / "tradepivot", "baseline": root / "baseline"}
        for folder in outputs.values():
            folder.mkdir()
        cases = [
            Case(
                "tradepivot",
                "tradepivot: Ibis/DuckDB RCA + numpy proximity, ECI/PCI, density",
                [PYTHON, "-c", TRADEPIVOT_SCRIPT, str(outputs["tradepivot"])],
            ),
            Case(
                "baseline",
                "baseline: pandas read_parquet + groupby/unstack RCA + numpy proximity, density",
                [PYTHON, "-c", BASELINE_SCRIPT, str(WORLD_GLOB), str(outputs["baseline"])],
            ),
        ]
        rounds = ([] if args.no_warmup else [False]) + [True] * args.runs
        for measured in rounds:
            tag = f"run {len(cases[0].runs) + 1}/{args.runs}" if measured else "warm-up"
            walls = []
            for case in cases:  # interleaved, so background load hits both alike
                child = run_child(case.argv, env=env, cwd=REPO)
                walls.append(f"{case.key} {child.wall_s:.2f}s")
                if not child.ok():
                    print(
                        f"FAILED ({tag}) {case.label}\n    {fail_details(child)}", file=sys.stderr
                    )
                    return 1
                if measured:
                    case.runs.append(child)
                    case.reports.append(json.loads(child.stdout.strip().splitlines()[-1]))
            print(f"  {tag}: {', '.join(walls)}", flush=True)
        checks = check(cases[0], cases[1], outputs)

    results: dict[str, Any] = {}
    rows = []
    base_walls = cases[1].walls()
    base_rss = max(c.peak_rss_mb for c in cases[1].runs)
    for case in cases:
        stats = summary(case.walls())
        rss = max(c.peak_rss_mb for c in case.runs)
        parts = {
            key: min(r[key] for r in case.reports)
            for key in ("import_s", "rca_s", "proximity_eci_s", "density_s", "call_s")
        }
        entry: dict[str, Any] = {
            "label": case.label,
            "wall_s": stats,
            "wall_s_all": case.walls(),
            "peak_rss_mb": rss,
            "best_parts_s": parts,
            "ratio_vs_baseline": {
                "median": stats["median"] / summary(base_walls)["median"],
                "min": stats["min"] / min(base_walls),
                "peak_rss": rss / base_rss,
            },
        }
        results[case.key] = entry
        rows.append(
            [
                case.key,
                stats["min"],
                stats["median"],
                parts["rca_s"],
                parts["proximity_eci_s"],
                parts["density_s"],
                round(rss),
                f"{entry['ratio_vs_baseline']['median']:.2f}x",
            ]
        )

    median = results["tradepivot"]["wall_s"]["median"]
    target = {"target_s": TARGET_S, "median_s": median, "pass": median <= TARGET_S}
    print()
    print(
        f"RCA + proximity + density, 226 x 5,079, {args.runs} fresh processes each, "
        f"{info['cpus']} CPUs, {info['memory_gb']} GB, {info['date']}"
    )
    print(
        table(
            [
                "command",
                "min s",
                "median s",
                "rca s",
                "prox(+eci) s",
                "density s",
                "peak RSS MB",
                "median vs base",
            ],
            rows,
        )
    )
    print()
    for case in cases:
        print(f"  {case.key:11} {case.label}")
    print()
    for item in checks:
        print(f"  [{'ok' if item['ok'] else 'FAIL'}] {item['check']}: {item['detail']}")
    print()
    verdict = "PASS" if target["pass"] else "FAIL"
    print(
        f"  {verdict}: tradepivot RCA + proximity + density, fresh process, median "
        f"{median:.2f} s (target <= {TARGET_S:g} s)"
    )
    write_json(
        args.json,
        {
            "benchmark": "complexity",
            "machine": info,
            "runs": args.runs,
            "warmup": not args.no_warmup,
            "results": results,
            "checks": checks,
            "target": target,
        },
    )
    if not all(c["ok"] for c in checks):
        return 1
    if args.strict and not target["pass"]:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
