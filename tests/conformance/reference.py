"""Independent reference: the analytics' documented formulas, in plain Python over rows.

Written from the methods in the analytics' module docstrings (DESIGN.md section 5 notation),
not from their Ibis code: loops and dictionaries over the fixture's rows, double precision
throughout. Each function returns a list of row dicts with the columns the analytics function
documents, so tests compare them with an engine's result column for column.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from tradepivot.data.reference import ProductScope, Sector

Row = dict[str, Any]

GROWTH_YEARS = 8


def rows(table: pa.Table) -> list[Row]:
    """The rows of an Arrow table as dicts (float32 values widen exactly to Python floats)."""
    return table.to_pylist()


def _ranked(values: dict[str, float]) -> dict[str, int]:
    """1-based ranks by value, descending, ties broken by name."""
    order = sorted(values, key=lambda name: (-values[name], name))
    return {name: r for r, name in enumerate(order, start=1)}


def _growth(known: float, base: float | None) -> float | None:
    if base is None or not base > 0:
        return None
    return ((known / base) ** (1 / GROWTH_YEARS) - 1) * 100


# ---------------------------------------------------------------------- markets
def with_base(flows: list[Row], universe: list[Row]) -> list[Row]:
    """Each flow with value_base (value 8 years earlier, when plausible) and value_known."""
    world: dict[str, float] = defaultdict(float)
    for f in universe:
        world[f["hs6"]] += f["value_usd"]
    out = []
    for f in flows:
        g = f["cagr_8y"]
        base = None
        if g is not None and g != 0 and g > -100:  # 0.0: no base value upstream
            candidate = f["value_usd"] / (1 + g / 100) ** GROWTH_YEARS
            if candidate <= world[f["hs6"]]:
                base = candidate
        known = f["value_usd"] if base is not None else 0.0
        out.append({**f, "value_base": base, "value_known": known})
    return out


def _sum_or_none(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def by_product(
    flows: list[Row], *, importer: str, exporter: str | None, scope: ProductScope, level: int
) -> list[Row]:
    market = with_base(
        [f for f in flows if f["importer"] == importer and scope.contains(f["hs6"])], flows
    )
    groups: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for f in market:
        groups[f["hs6"][:level]][f["exporter"]].append(f)
    result = []
    for code, suppliers in groups.items():
        value = {e: sum(f["value_usd"] for f in fs) for e, fs in suppliers.items()}
        known = {e: sum(f["value_known"] for f in fs) for e, fs in suppliers.items()}
        base = {e: _sum_or_none(f["value_base"] for f in fs) for e, fs in suppliers.items()}
        rank = _ranked(value)
        top = min(rank, key=rank.__getitem__)
        imports = sum(value.values())
        row: Row = {
            "code": code,
            "imports_usd": imports,
            "growth_pct": _growth(sum(known.values()), _sum_or_none(base.values())),
            "suppliers": len(suppliers),
            "top_supplier": top,
            "top_supplier_value_usd": value[top],
            "value_usd": None,
            "rank": None,
            "value_growth_pct": None,
            "share_pct": None,
        }
        if exporter in value:
            row["value_usd"] = value[exporter]
            row["rank"] = rank[exporter]
            row["value_growth_pct"] = _growth(known[exporter], base[exporter])
            row["share_pct"] = value[exporter] / imports * 100
        result.append(row)
    return result


def by_supplier(flows: list[Row], *, importer: str, scope: ProductScope) -> list[Row]:
    market = with_base(
        [f for f in flows if f["importer"] == importer and scope.contains(f["hs6"])], flows
    )
    per: dict[str, list[Row]] = defaultdict(list)
    for f in market:
        per[f["exporter"]].append(f)
    value = {e: sum(f["value_usd"] for f in fs) for e, fs in per.items()}
    total = sum(value.values())
    rank = _ranked(value)
    return [
        {
            "exporter": e,
            "value_usd": value[e],
            "growth_pct": _growth(
                sum(f["value_known"] for f in fs), _sum_or_none(f["value_base"] for f in fs)
            ),
            "products": len({f["hs6"] for f in fs}),
            "share_pct": value[e] / total * 100,
            "rank": rank[e],
        }
        for e, fs in per.items()
    ]


def total_growth(flows: list[Row], *, importer: str, scope: ProductScope) -> float | None:
    market = with_base(
        [f for f in flows if f["importer"] == importer and scope.contains(f["hs6"])], flows
    )
    return _growth(
        sum(f["value_known"] for f in market), _sum_or_none(f["value_base"] for f in market)
    )


# ---------------------------------------------------------------------- export potential
def log_distances(distances: list[Row]) -> dict[tuple[str, str], float]:
    """ln(distance) per (origin, destination); zero or missing distances are left out."""
    return {
        (d["origin"], d["destination"]): math.log(d["dist_km"])
        for d in distances
        if d["dist_km"] > 0
    }


def inputs(
    flows: list[Row],
    distances: list[Row],
    scope: ProductScope | None = None,
    importers: Sequence[str] | None = None,
) -> dict[str, list[Row]]:
    """Supply (X_ik, MS_ik over every market), demand (M_jk, Dbar_jk) and flows in scope."""
    if scope is not None:
        flows = [f for f in flows if scope.contains(f["hs6"])]
    exports: dict[tuple[str, str], float] = defaultdict(float)
    for f in flows:
        exports[f["exporter"], f["hs6"]] += f["value_usd"]
    world: dict[str, float] = defaultdict(float)
    for (_, k), x in exports.items():
        world[k] += x
    supply = [
        {
            "exporter": i,
            "hs6": k,
            "exports_usd": x,
            "world_usd": world[k],
            "market_share": x / world[k],
        }
        for (i, k), x in exports.items()
    ]
    if importers is not None:
        flows = [f for f in flows if f["importer"] in importers]
    logd = log_distances(distances)
    imports: dict[tuple[str, str], float] = defaultdict(float)
    weighted: dict[tuple[str, str], float] = defaultdict(float)
    located: dict[tuple[str, str], float] = defaultdict(float)
    for f in flows:
        key = (f["importer"], f["hs6"])
        imports[key] += f["value_usd"]
        d = logd.get((f["exporter"], f["importer"]))
        if d is not None:
            weighted[key] += f["value_usd"] * d
            located[key] += f["value_usd"]
    demand = [
        {
            "importer": j,
            "hs6": k,
            "imports_usd": m,
            "mean_log_dist": weighted[j, k] / located[j, k] if (j, k) in located else None,
        }
        for (j, k), m in imports.items()
    ]
    actual = [{key: f[key] for key in ("exporter", "importer", "hs6", "value_usd")} for f in flows]
    return {"supply": supply, "demand": demand, "flows": actual}


Tariffs = dict[tuple[str, str, str], tuple[float, float]]


def tariff_terms(tariffs: list[Row] | None) -> Tariffs:
    """(exporter, importer, hs6) -> (tariff_advantage, tariff_disadvantage)."""
    return {
        (t["exporter"], t["importer"], t["hs6"]): (t["tariff_advantage"], t["tariff_disadvantage"])
        for t in tariffs or []
    }


def _candidates(
    data: dict[str, list[Row]], pairs: list[Row], tariffs: Tariffs | None = None
) -> list[Row]:
    """(i, j, k) with supply, demand and distance factor, for pairs that trade.

    Tariff factors default to 1 where ``tariffs`` has no row.
    """
    supply: dict[str, list[Row]] = defaultdict(list)
    for s in data["supply"]:
        supply[s["exporter"]].append(s)
    demand = {(d["importer"], d["hs6"]): d for d in data["demand"]}
    out = []
    for p in pairs:
        for s in supply[p["exporter"]]:
            d = demand.get((p["importer"], s["hs6"]))
            if d is None:
                continue
            if d["mean_log_dist"] is not None and p["log_dist"] is not None:
                factor = math.exp(-abs(d["mean_log_dist"] - p["log_dist"]))
            else:
                factor = 1.0
            advantage, disadvantage = (tariffs or {}).get(
                (p["exporter"], p["importer"], s["hs6"]), (1.0, 1.0)
            )
            out.append(
                {
                    **p,
                    "hs6": s["hs6"],
                    "exports_usd": s["exports_usd"],
                    "market_share": s["market_share"],
                    "imports_usd": d["imports_usd"],
                    "distance_factor": factor,
                    "tariff_advantage": advantage,
                    "tariff_disadvantage": disadvantage,
                    "supply": s["market_share"] * disadvantage,
                    "demand": d["imports_usd"] * advantage * factor,
                }
            )
    return out


def pair_terms(
    flows: list[Row],
    distances: list[Row],
    *,
    tariffs: list[Row] | None = None,
    importers: Sequence[str] | None = None,
) -> list[Row]:
    """Per trading pair: trade_usd, log_dist and H_ij = sum_k supply x demand (all products)."""
    data = inputs(flows, distances)
    trade: dict[tuple[str, str], float] = defaultdict(float)
    for f in data["flows"]:
        trade[f["exporter"], f["importer"]] += f["value_usd"]
    logd = log_distances(distances)
    pairs = [
        {"exporter": i, "importer": j, "trade_usd": v, "log_dist": logd.get((i, j))}
        for (i, j), v in trade.items()
        if importers is None or j in importers
    ]
    hypothetical: dict[tuple[str, str], float] = defaultdict(float)
    for c in _candidates(data, pairs, tariff_terms(tariffs)):
        hypothetical[c["exporter"], c["importer"]] += c["supply"] * c["demand"]
    return [
        {**p, "hypothetical_usd": hypothetical.get((p["exporter"], p["importer"]))} for p in pairs
    ]


def potential(
    data: dict[str, list[Row]],
    pairs: list[Row],
    *,
    exporters: Sequence[str] | None = None,
    importers: Sequence[str] | None = None,
    tariffs: list[Row] | None = None,
) -> list[Row]:
    """EPI rows with every factor, rescaled per market and product."""
    if importers is not None:
        pairs = [p for p in pairs if p["importer"] in importers]
    rows_ = _candidates(data, pairs, tariff_terms(tariffs))
    total_raw: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows_:
        h = r["hypothetical_usd"]
        r["ease"] = r["trade_usd"] / h if h is not None and h > 0 else 0.0
        r["raw"] = r["supply"] * r["ease"] * r["demand"]
        total_raw[r["importer"], r["hs6"]] += r["raw"]
    actual = {(f["exporter"], f["importer"], f["hs6"]): f["value_usd"] for f in data["flows"]}
    out = []
    for r in rows_:
        if exporters is not None and r["exporter"] not in exporters:
            continue
        t = total_raw[r["importer"], r["hs6"]]
        scale = r["imports_usd"] / t if t > 0 else 0.0
        value = actual.get((r["exporter"], r["importer"], r["hs6"]), 0.0)
        epi = r["raw"] * scale
        out.append(
            {
                "exporter": r["exporter"],
                "importer": r["importer"],
                "hs6": r["hs6"],
                "value_usd": value,
                "exports_usd": r["exports_usd"],
                "market_share": r["market_share"],
                "tariff_disadvantage": r["tariff_disadvantage"],
                "supply": r["supply"],
                "imports_usd": r["imports_usd"],
                "tariff_advantage": r["tariff_advantage"],
                "distance_factor": r["distance_factor"],
                "demand": r["demand"],
                "trade_usd": r["trade_usd"],
                "hypothetical_usd": r["hypothetical_usd"],
                "ease": r["ease"],
                "scale": scale,
                "potential_usd": epi,
                "untapped_usd": epi - min(value, epi),
                "world_share_gap_usd": max(r["market_share"] * r["imports_usd"] - value, 0.0),
            }
        )
    return out


# ---------------------------------------------------------------------- market ranking
def market_summary(rows_: list[Row], demand: list[Row]) -> list[Row]:
    """Per market of one exporter's potential rows: sums, demand-weighted factors, counts."""
    per: dict[str, list[Row]] = defaultdict(list)
    for r in rows_:
        per[r["importer"]].append(r)
    market_demand: dict[str, float] = defaultdict(float)
    for d in demand:
        market_demand[d["importer"]] += d["imports_usd"]
    out = []
    for j, rs in per.items():
        if j not in market_demand:
            continue
        weight = sum(r["imports_usd"] for r in rs)

        def weighted(column: str, rs: list[Row] = rs, weight: float = weight) -> float:
            return sum(r[column] * r["imports_usd"] for r in rs) / weight

        current = sum(r["value_usd"] for r in rs)
        potential_ = sum(r["potential_usd"] for r in rs)
        realised = sum(min(r["value_usd"], r["potential_usd"]) for r in rs)
        out.append(
            {
                "importer": j,
                "current_usd": current,
                "potential_usd": potential_,
                "world_share_gap_usd": sum(r["world_share_gap_usd"] for r in rs),
                "ease": max(r["ease"] for r in rs),
                "supply": weighted("supply"),
                "distance_factor": weighted("distance_factor"),
                "tariff_advantage": weighted("tariff_advantage"),
                "products": sum(1 for r in rs if r["potential_usd"] > 0),
                "demand_usd": market_demand[j],
                "untapped_usd": potential_ - realised,
                "share_pct": current / market_demand[j] * 100,
            }
        )
    return out


def _supplier_values(flows: list[Row]) -> dict[str, dict[str, float]]:
    per: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for f in flows:
        per[f["importer"]][f["exporter"]] += f["value_usd"]
    return per


def top_suppliers(flows: list[Row], *, n: int = 3) -> list[Row]:
    out = []
    for j, values in _supplier_values(flows).items():
        total = sum(values.values())
        for i, r in _ranked(values).items():
            if r <= n:
                out.append(
                    {
                        "importer": j,
                        "exporter": i,
                        "value_usd": values[i],
                        "share_pct": values[i] / total * 100,
                        "rank": r,
                    }
                )
    return out


def supplier_rank(flows: list[Row], exporter: str) -> list[Row]:
    return [
        {"importer": j, "supplier_rank": _ranked(values)[exporter], "suppliers": len(values)}
        for j, values in _supplier_values(flows).items()
        if exporter in values
    ]


# ---------------------------------------------------------------------- complexity
def rca(flows: list[Row], *, threshold: float = 1.0) -> list[Row]:
    """Balassa RCA per exporter and product from exports summed over every market."""
    x: dict[tuple[str, str], float] = defaultdict(float)
    for f in flows:
        if f["exporter"] is not None and f["hs6"] is not None and f["value_usd"] > 0:
            x[f["exporter"], f["hs6"]] += f["value_usd"]
    by_exporter: dict[str, float] = defaultdict(float)
    by_product: dict[str, float] = defaultdict(float)
    for (i, k), v in x.items():
        by_exporter[i] += v
        by_product[k] += v
    total = sum(x.values())
    out = []
    for (i, k), v in x.items():
        value = (v / by_exporter[i]) / (by_product[k] / total)
        out.append(
            {
                "exporter": i,
                "hs6": k,
                "value_usd": v,
                "exporter_usd": by_exporter[i],
                "world_usd": by_product[k],
                "total_usd": total,
                "rca": value,
                "present": value >= threshold,
            }
        )
    return out


# ---------------------------------------------------------------------- bilateral balance
def direction(flows: list[Row], exporter: str, importer: str) -> list[Row]:
    return [
        {"hs6": f["hs6"], "value_usd": f["value_usd"]}
        for f in flows
        if f["exporter"] == exporter and f["importer"] == importer
    ]


def by_chapter(exports: list[Row], imports: list[Row]) -> list[Row]:
    out: dict[str, float] = defaultdict(float)
    back: dict[str, float] = defaultdict(float)
    for f in exports:
        out[f["hs6"][:2]] += f["value_usd"]
    for f in imports:
        back[f["hs6"][:2]] += f["value_usd"]
    return [
        {
            "chapter": c,
            "exports_usd": out.get(c, 0.0),
            "imports_usd": back.get(c, 0.0),
            "balance_usd": out.get(c, 0.0) - back.get(c, 0.0),
        }
        for c in sorted(set(out) | set(back))
    ]


def _in_sector(hs6: str, sector: Sector) -> bool:
    return hs6.startswith(sector.hs) and not (sector.exclude and hs6.startswith(sector.exclude))


def by_sector(
    exports: list[Row], imports: list[Row], world_imports: list[Row], sectors: Sequence[Sector]
) -> list[Row]:
    """Per sector, in the order given: each side's flows inside the sector's scope, summed."""
    out = []
    for s in sectors:
        ex = sum((f["value_usd"] for f in exports if _in_sector(f["hs6"], s)), 0.0)
        im = sum((f["value_usd"] for f in imports if _in_sector(f["hs6"], s)), 0.0)
        world = sum((f["value_usd"] for f in world_imports if _in_sector(f["hs6"], s)), 0.0)
        out.append(
            {
                "sector": s.name,
                "exports_usd": ex,
                "imports_usd": im,
                "partner_imports_usd": world,
                "balance_usd": ex - im,
                "share_pct": ex / world * 100 if world > 0 else None,
            }
        )
    return out


def duty_factors(
    flows: list[Row],
    rates: list[Row],
    own: list[Row],
    free: list[Row],
    keys: Iterable[tuple[str, str, str]],
    sigma: float,
) -> list[Row]:
    """MTA and GTD from known duties (tradepivot.analytics.tariff_factors), per key.

    t_ijk: unknown outside the markets and products of ``rates``; 0 for ``free`` pairs; the
    exporter's ``own`` rate, else the market's. tbar_jk, tbar_ik and tbar_k are the
    value-weighted means of t over the flows with a known t; a factor is 1 where a t or a
    mean is unknown.
    """
    market = {(r["importer"], r["hs6"]): r["rate"] for r in rates}
    mine = {(r["exporter"], r["importer"], r["hs6"]): r["rate"] for r in own}
    pairs = {(r["exporter"], r["importer"]) for r in free}

    def duty(i: str, j: str, k: str) -> float | None:
        if (j, k) not in market:
            return None
        if (i, j) in pairs:
            return 0.0
        return mine.get((i, j, k), market[(j, k)])

    paid = []
    for f in flows:
        t = duty(f["exporter"], f["importer"], f["hs6"])
        if t is not None and f["value_usd"] > 0:
            paid.append((f["exporter"], f["importer"], f["hs6"], f["value_usd"], t))

    def mean(pick: Iterable[tuple[str, str, str, float, float]]) -> float | None:
        chosen = list(pick)
        total = sum(p[3] for p in chosen)
        return sum(p[3] * p[4] for p in chosen) / total if total else None

    out = []
    for i, j, k in keys:
        t = duty(i, j, k)
        tbar_j = mean(p for p in paid if p[1] == j and p[2] == k)
        tbar_i = mean(p for p in paid if p[0] == i and p[2] == k)
        tbar = mean(p for p in paid if p[2] == k)
        known = t is not None and tbar_j is not None
        gtd_known = tbar_i is not None and tbar is not None
        out.append(
            {
                "exporter": i,
                "importer": j,
                "hs6": k,
                "tariff_advantage": ((1 + tbar_j) / (1 + t)) ** sigma if known else 1.0,  # type: ignore[operator]
                "tariff_disadvantage": ((1 + tbar_i) / (1 + tbar)) ** sigma if gtd_known else 1.0,  # type: ignore[operator]
            }
        )
    return out
