"""SMART-style partial-equilibrium simulation of a tariff shock in one importing market.

One row is one flow into the importing market: product k (an HS6 code), exporter i, the base
import value v_ik (USD) and the ad valorem tariff before (t0) and after (t1) the shock, as
fractions (0.05 = 5%). Two elasticities, which may differ by product but not by exporter
(WITS SMART's convention): the import demand elasticity eps <= 0 (default -1, unit elastic)
and the Armington substitution elasticity between suppliers of the same product sigma > 0
(default 1.5, SMART's default). Within one product, per exporter i:

1. **Trade creation** (own-price effect on the product's imports from i)::

       v1_i = max(0, v_i * (1 + eps * (t1_i - t0_i) / (1 + t0_i)))
       creation_i = v1_i - v_i

   A tariff rise of dt raises the tariff-inclusive price by dt / (1 + t0); imports move by eps
   times that, and the max(0, ...) keeps a very large rise from pushing a flow below zero
   (creation is then -v_i: the flow stops).

2. **Trade diversion** between suppliers of the product (CES shares on the post-creation
   market)::

       p_i  = (1 + t1_i) / (1 + t0_i)                 price ratio after / before
       w_i  = v1_i * p_i ** (1 - sigma)
       M1_k = sum_i v1_i
       v2_i = M1_k * w_i / sum_h w_h                  (v2 = v1 where sum_h w_h = 0)
       diversion_i = v2_i - v1_i

   Suppliers whose price rose relative to the others lose share to them; the product's total
   M1_k is unchanged, so diversion nets to zero within each product of the market, and
   v2_i >= 0 always.

3. ``value_after_usd`` = v2_i and ``change_usd`` = v2_i - v_i = creation_i + diversion_i.

This is a *sequential* variant of SMART (Laird and Yeats 1986, "The UNCTAD trade policy
simulation model", UNCTAD Discussion Paper 19; Jammes and Olarreaga 2005, "Explaining SMART
and GSIM", World Bank): creation first, then diversion re-shares the post-creation market with
the exact CES share formula instead of SMART's linearised diversion term. It is chosen so that
no flow ever goes negative and an exporter's loss never exceeds its exports, whatever the size
of the shock; for small shocks both agree to first order. Export supply is infinitely elastic
(SMART's default of 99): world prices do not move, so there is no price effect, no terms of
trade and no tariff revenue or welfare here. Elasticities are a conventional range, not
estimates for the market (see ``SENSITIVITY``); report the range, not one number.

The computation is vectorised numpy over the whole table: products are coded to integers
once (Arrow's ``dictionary_encode``) and every per-product sum is one ``np.bincount``. The price
factors p_i ** (1 - sigma) are computed in logs and divided by the largest of their product,
which leaves the shares unchanged, so neither extreme price ratios nor a large sigma overflow
or underflow to a meaningless 0/0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from tradepivot.errors import InputError

__all__ = [
    "DEFAULT_IMPORT_ELASTICITY",
    "DEFAULT_SUBSTITUTION_ELASTICITY",
    "INPUT_COLUMNS",
    "OUTPUT_COLUMNS",
    "SENSITIVITY",
    "Elasticities",
    "simulate",
    "simulate_range",
]

Floats = NDArray[np.float64]
Codes = NDArray[np.intp]

DEFAULT_IMPORT_ELASTICITY = -1.0
DEFAULT_SUBSTITUTION_ELASTICITY = 1.5

KEY_COLUMNS = ("product", "exporter")
NUMBER_COLUMNS = ("value_usd", "tariff_before", "tariff_after")
INPUT_COLUMNS = KEY_COLUMNS + NUMBER_COLUMNS
IMPORT_ELASTICITY_COLUMN = "import_elasticity"
SUBSTITUTION_ELASTICITY_COLUMN = "substitution_elasticity"
OUTPUT_COLUMNS = ("price_ratio", "creation_usd", "diversion_usd", "value_after_usd", "change_usd")


def _check_import_demand(value: float) -> None:
    if not (math.isfinite(value) and value <= 0):
        raise InputError(
            f"Import demand elasticity must be a finite number <= 0, got {value!r}.",
            hint="Give a negative value such as -1.0 (imports fall when their price rises).",
        )


def _check_substitution(value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise InputError(
            f"Substitution elasticity must be a finite number > 0, got {value!r}.",
            hint="Give a positive value such as 1.5 (SMART's default substitution elasticity).",
        )


@dataclass(frozen=True)
class Elasticities:
    """The two behavioural parameters of the simulation, validated on creation.

    ``import_demand`` is eps (<= 0): how much a product's imports fall when its price rises.
    ``substitution`` is sigma (> 0): how easily buyers switch between suppliers of a product.
    """

    import_demand: float = DEFAULT_IMPORT_ELASTICITY
    substitution: float = DEFAULT_SUBSTITUTION_ELASTICITY

    def __post_init__(self) -> None:
        _check_import_demand(self.import_demand)
        _check_substitution(self.substitution)


# A conventional low/central/high range around SMART's defaults, not estimated for any market:
# it shows how much the answer depends on the elasticities, which are rarely known precisely.
SENSITIVITY: Mapping[str, Elasticities] = MappingProxyType(
    {
        "low": Elasticities(-0.5, 1.0),
        "central": Elasticities(-1.0, 1.5),
        "high": Elasticities(-2.0, 3.0),
    }
)


@dataclass(frozen=True)
class _Market:
    """The validated input as numpy arrays: product codes and the numbers of every row."""

    codes: Codes
    n_products: int
    value: Floats
    t0: Floats
    t1: Floats
    eps: Floats | None  # per-row overrides, NaN where the default applies
    sigma: Floats | None


def _require_string(table: pa.Table, name: str) -> pa.ChunkedArray:
    column = table.column(name)
    kind = column.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_string_view(kind):
        kind = pa.string()
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise InputError(
            f"Column {name!r} must hold strings, not {column.type}.",
            hint="Give products and exporters as text, HS codes with their leading zeros "
            "('010121', not 10121), exporters as ISO3 codes ('IND').",
        )
    if kind != column.type:
        column = pc.cast(column, kind)
    if column.null_count:
        first = _first(pc.is_null(column))
        raise InputError(
            f"Column {name!r} has {column.null_count:,} null values (first at row {first}).",
            hint="Every flow needs a product and an exporter; drop or fill those rows.",
        )
    return column


def _first(mask: pa.Array | pa.ChunkedArray) -> int:
    return int(pc.index(mask, True).as_py())


def _floats(table: pa.Table, name: str) -> pa.Array:
    column = table.column(name)
    kind = column.type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)):
        raise InputError(
            f"Column {name!r} must be numeric, not {kind}.",
            hint="Tariffs are fractions (0.05 for 5%) and values are USD, both as numbers.",
        )
    array = pc.cast(column, pa.float64())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _numbers(table: pa.Table, name: str) -> Floats:
    array = _floats(table, name)
    if array.null_count:
        raise InputError(
            f"Column {name!r} has {array.null_count:,} null values "
            f"(first at row {_first(pc.is_null(array))}).",
            hint="Fill them (0 for a flow with no trade or no tariff) or drop those rows.",
        )
    values: Floats = array.to_numpy(zero_copy_only=False)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        first = int(np.argmax(bad))
        unit = "fractions (0.05 for 5%)" if name.startswith("tariff") else "USD"
        raise InputError(
            f"Column {name!r} has {int(bad.sum()):,} negative or non-finite values "
            f"(first at row {first}: {float(values[first])!r}).",
            hint=f"{name} must be a finite number >= 0, in {unit}.",
        )
    return values


def _overrides(table: pa.Table, name: str) -> Floats | None:
    if name not in table.column_names:
        return None
    values: Floats = _floats(table, name).to_numpy(zero_copy_only=False)  # null -> NaN
    nulls = pc.is_null(table.column(name), nan_is_null=False).to_numpy(zero_copy_only=False)
    bad = np.isnan(values) & ~nulls
    if name == IMPORT_ELASTICITY_COLUMN:
        bad |= np.isinf(values) | (values > 0)
        rule = "<= 0 (e.g. -1.0)"
    else:
        bad |= np.isinf(values) | (values <= 0)
        rule = "> 0 (e.g. 1.5)"
    if bad.any():
        first = int(np.argmax(bad))
        raise InputError(
            f"Column {name!r} has {int(bad.sum()):,} invalid values "
            f"(first at row {first}: {float(values[first])!r}).",
            hint=f"Each value must be a finite number {rule}, or null to use the default.",
        )
    return values


def _prepare(table: pa.Table) -> _Market:
    """Validate ``table`` once and turn it into arrays (shared by every elasticity case)."""
    missing = [name for name in INPUT_COLUMNS if name not in table.column_names]
    if missing:
        raise InputError(
            f"Missing column {missing[0]!r}"
            + (f" (and {', '.join(map(repr, missing[1:]))})" if len(missing) > 1 else "")
            + ".",
            hint=f"simulate() needs the columns {', '.join(INPUT_COLUMNS)}; "
            f"got {', '.join(table.column_names) or 'none'}.",
        )
    clash = [name for name in OUTPUT_COLUMNS if name in table.column_names]
    if clash:
        raise InputError(
            f"The input already has the output column {clash[0]!r}.",
            hint="Drop or rename it first: simulate() adds " + ", ".join(OUTPUT_COLUMNS) + ".",
        )
    product = _require_string(table, "product").combine_chunks()  # one dictionary
    _require_string(table, "exporter")
    encoded = pc.dictionary_encode(product)
    # Dense integer codes 0..n-1 per product: one np.bincount per per-product sum.
    codes: Codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
    value, t0, t1 = (_numbers(table, name) for name in NUMBER_COLUMNS)
    sigma = _overrides(table, SUBSTITUTION_ELASTICITY_COLUMN)
    market = _Market(
        codes=codes,
        n_products=len(encoded.dictionary),
        value=value,
        t0=t0,
        t1=t1,
        eps=_overrides(table, IMPORT_ELASTICITY_COLUMN),
        sigma=sigma,
    )
    if sigma is not None:
        _check_constant(market, sigma, encoded.dictionary)
    return market


def _check_constant(market: _Market, sigma: Floats, products: pa.Array) -> None:
    """sigma is a property of the product's CES nest: one value per product (nulls count as
    the default, so a product mixing nulls and a different value is rejected too)."""
    marker = np.where(np.isnan(sigma), -1.0, sigma)  # valid values are > 0
    low = np.full(market.n_products, np.inf)
    high = np.full(market.n_products, -np.inf)
    np.minimum.at(low, market.codes, marker)
    np.maximum.at(high, market.codes, marker)
    mixed = high != low
    if mixed.any():
        k = int(np.argmax(mixed))
        raise InputError(
            f"Column {SUBSTITUTION_ELASTICITY_COLUMN!r} varies within product "
            f"{products[k].as_py()!r} ({int(mixed.sum()):,} products affected).",
            hint="The substitution elasticity is one value per product (same for every "
            "exporter); set it on all of the product's rows or on none.",
        )


def _simulate(market: _Market, elasticities: Elasticities) -> dict[str, Floats]:
    codes, n, v, t0, t1 = market.codes, market.n_products, market.value, market.t0, market.t1
    eps = _fill(market.eps, elasticities.import_demand)
    sigma = _fill(market.sigma, elasticities.substitution)

    # 1. trade creation, floored so that no flow goes below zero
    v1 = v * np.maximum(1.0 + eps * (t1 - t0) / (1.0 + t0), 0.0)

    # 2. diversion: w = v1 * p^(1 - sigma), with p^(1 - sigma) taken in logs and divided per
    #    product by its largest value among the product's flows with v1 > 0 (shares are
    #    unchanged; that flow's factor is exp(0) = 1, so sum w > 0 exactly when the product
    #    has imports left, and no factor can overflow).
    price = (1.0 + t1) / (1.0 + t0)
    log_w = (1.0 - sigma) * np.log(price)
    alive = v1 > 0
    top = np.full(n, -np.inf)
    np.maximum.at(top, codes[alive], log_w[alive])
    top[~np.isfinite(top)] = 0.0  # products with nothing left: every weight is 0 anyway
    scale = np.exp(np.where(alive, log_w - top[codes], -np.inf))
    w = v1 * scale
    m1 = np.bincount(codes, weights=v1, minlength=n)[codes]
    w_total = np.bincount(codes, weights=w, minlength=n)[codes]
    v2 = np.divide(m1 * w, w_total, out=v1.copy(), where=w_total > 0)

    return {
        "price_ratio": price,
        "creation_usd": v1 - v,
        "diversion_usd": v2 - v1,
        "value_after_usd": v2,
        "change_usd": v2 - v,
    }


def _fill(overrides: Floats | None, default: float) -> Floats | float:
    if overrides is None:
        return default
    return np.where(np.isnan(overrides), default, overrides)


def _attach(table: pa.Table, results: dict[str, Floats]) -> pa.Table:
    for name in OUTPUT_COLUMNS:
        table = table.append_column(pa.field(name, pa.float64()), pa.array(results[name]))
    return table


def simulate(table: pa.Table, elasticities: Elasticities = Elasticities()) -> pa.Table:
    """Simulate the tariff change of every row on one importing market (see the module doc).

    Input columns: ``product`` (string), ``exporter`` (string), ``value_usd`` (float64, >= 0),
    ``tariff_before`` and ``tariff_after`` (float64 fractions, >= 0). Optional per-row
    ``import_elasticity`` and ``substitution_elasticity`` override ``elasticities`` where not
    null (the substitution elasticity must be the same on all rows of a product).
    Output: the input columns plus ``price_ratio``, ``creation_usd``, ``diversion_usd``,
    ``value_after_usd`` and ``change_usd`` (float64), in the input's row order.
    Raises InputError on a missing column, a null key or a negative or non-finite number.
    """
    return _attach(table, _simulate(_prepare(table), elasticities))


def simulate_range(
    table: pa.Table, cases: Mapping[str, Elasticities] = SENSITIVITY
) -> dict[str, pa.Table]:
    """``simulate`` once per elasticity case (low/central/high by default), validating once.

    Rows with their own ``import_elasticity``/``substitution_elasticity`` keep those values in
    every case: the cases only replace the defaults.
    """
    market = _prepare(table)
    return {name: _attach(table, _simulate(market, case)) for name, case in cases.items()}
