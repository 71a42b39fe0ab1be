"""Revealed comparative advantage and the product space: RCA, proximity, density, ECI/PCI, COG.

Notation of DESIGN.md section 5: exporter (country) i, product k, X_ik = i's exports of k summed
over every market.

- RCA_ik = (X_ik / sum_k X_ik) / (sum_i X_ik / sum_ik X_ik) (Balassa 1965); presence
  M_ik = 1 if RCA_ik >= threshold (1 by default). Diversity D_i = sum_k M_ik, ubiquity
  U_k = sum_i M_ik.
- Proximity phi_kl = sum_i M_ik M_il / max(U_k, U_l), symmetric with unit diagonal (Hidalgo,
  Klinger, Barabasi and Hausmann 2007, "The Product Space Conditions the Development of Nations",
  Science 317). Density d_ik = sum_l M_il phi_kl / sum_l phi_kl over every l, k included (as in
  the Growth Lab's ``ecomplexity`` 0.5; the Atlas' 2014 Stata code zeroed the diagonal first);
  distance = 1 - density.
- ECI: the eigenvector of the second largest eigenvalue of M~ = D^-1 M U^-1 M^T (Hausmann,
  Hidalgo et al. 2014, *The Atlas of Economic Complexity*, MIT Press, Technical Box 2.1), signed
  so that it correlates positively with diversity. PCI is the matching eigenvector of
  U^-1 M^T D^-1 M, scaled so that ECI_i is the mean PCI of i's products; both are then mapped
  with ECI's mean and (population) standard deviation, so ECI has mean 0 and sd 1 and
  ECI_i = mean of PCI_k over k with M_ik = 1 (the Growth Lab's convention, ``ecomplexity``).
- Complexity outlook, as the Atlas defines it (Hausmann, Hidalgo, Bustos, Coscia, Simoes and
  Yildirim 2014, *The Atlas of Economic Complexity: Mapping Paths to Prosperity*, MIT Press,
  Technical Box 5.4 "Understanding the position of countries in the product space: distance,
  opportunity value and opportunity gain", p. 54). The book writes d_cp for *distance*, so its
  (1 - d_cp) is density here. Opportunity value (COI) COI_i = sum_k d_ik (1 - M_ik) PCI_k, and
  the opportunity gain (COG) of a product i does not make yet,
  COG_ik = (1 - M_ik) [sum_l (1 - M_il) phi_kl / (sum_m phi_ml) PCI_l - d_ik PCI_k]:
  how much i's COI rises if it starts making k (its links to the products i does not make, less
  k's own term, which leaves the sum). COG is 0 for products i already makes, as in the Atlas'
  replication code (M. A. Yildirim, 2014). That code, the Growth Lab's Stata ``ecomplexity`` and
  its Python port leave out the last term and weight with the raw eigenvector instead of PCI;
  the tests pin both relations.

Exporters with zero diversity and products with zero ubiquity (possible with a threshold above
1) have no ECI/PCI: they are left out of the eigenproblem and listed in ``notes``. So are
exporters below ``eci_min_exports_usd``: the Atlas ranks only economies with USD 1 bn of
exports or more (and 1 m inhabitants); tiny ones, with a handful of products, would otherwise
top the ECI ranking on noise.

RCA is an Ibis expression and runs on any backend. The matrix steps (proximity, density,
eigenvectors) use numpy on its Arrow result: at HS6 the presence matrix is at most a few hundred
exporters by ~5,000 products (226 x 5,079 = 1.1 M cells, 9 MB as float64), proximity is one
BLAS product M^T M and density one more (together under a second on 2 cores), and the
eigenproblem is 226 x 226. In SQL, proximity would be a self-join of the 95,615 presence pairs
of 2024 on the exporter into 93 million rows, and eigenvectors have no SQL form at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from tradepivot.i18n.numbers import money_text

__all__ = [
    "Complexity",
    "ProductSpace",
    "complexity_indices",
    "density",
    "outlook",
    "product_space",
    "proximity",
    "rca",
]

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

# A second eigenvalue this close to the first (which is 1) means the country-product network
# falls apart into pieces, and the ECI ordering across pieces is arbitrary.
_DEGENERATE = 1e-9


def rca(flows: ir.Table, *, threshold: float = 1.0) -> ir.Table:
    """X_ik, RCA_ik and presence per exporter and product, summed over every market.

    Returns ``exporter, hs6, value_usd`` (X_ik), ``exporter_usd`` (sum_k X_ik), ``world_usd``
    (sum_i X_ik), ``total_usd`` (sum_ik X_ik), ``rca`` and ``present`` (RCA >= threshold), one
    row per pair with positive exports; absent pairs have RCA 0.
    """
    _check_threshold(threshold)
    positive = flows.filter(flows.exporter.notnull() & flows.hs6.notnull() & (flows.value_usd > 0))
    x = positive.group_by(["exporter", "hs6"]).aggregate(value_usd=positive.value_usd.sum())
    x = x.mutate(
        exporter_usd=x.value_usd.sum().over(ibis.window(group_by="exporter")),
        world_usd=x.value_usd.sum().over(ibis.window(group_by="hs6")),
        total_usd=x.value_usd.sum().over(ibis.window()),
    )
    x = x.mutate(rca=(x.value_usd / x.exporter_usd) / (x.world_usd / x.total_usd))
    return x.mutate(present=x.rca >= threshold)


def _check_threshold(threshold: float) -> None:
    if not threshold > 0:
        raise ValueError(f"the RCA threshold must be positive, not {threshold}")


def proximity(m: Bools) -> Floats:
    """phi_kl = sum_i M_ik M_il / max(U_k, U_l) for a countries x products presence matrix.

    Symmetric, in [0, 1], 1 on the diagonal; rows of products nobody makes are 0.
    """
    present = m.astype(np.float32)
    # Co-occurrence counts are integers below 2**24, so float32 BLAS is exact (and twice as fast).
    together = present.T @ present
    ubiquity = np.diagonal(together).astype(np.float64)
    phi = np.maximum.outer(ubiquity, ubiquity)
    np.divide(together, phi, out=phi, where=phi > 0)  # where max(U) = 0, phi is already 0
    return phi


def density(m: Bools, phi: Floats) -> Floats:
    """d_ik = sum_l M_il phi_kl / sum_l phi_kl for each row of ``m`` (NaN where sum_l phi_kl = 0)."""
    total = phi.sum(axis=0)
    near: Floats = m.astype(np.float64) @ phi
    np.divide(near, total, out=near, where=total > 0)
    near[:, total <= 0] = np.nan
    return near


@dataclass(frozen=True, eq=False)
class Complexity:
    """ECI per country and PCI per product (NaN where left out), with the eigenvalue used."""

    eci: Floats
    pci: Floats
    eigenvalue: float
    notes: tuple[str, ...] = ()


def complexity_indices(
    m: Bools,
    countries: Sequence[str] = (),
    products: Sequence[str] = (),
    *,
    eligible: Bools | None = None,
) -> Complexity:
    """ECI and PCI by the eigenvector method (see the module docstring).

    Only the ``eligible`` rows (all by default) enter the eigenproblem; the others get no ECI.
    ``countries``/``products`` only name what is left out in the notes.
    """
    present = m.astype(np.float64)
    if eligible is not None:
        present = present * eligible[:, None]
    diversity, ubiquity = present.sum(axis=1), present.sum(axis=0)
    rows, cols = diversity > 0, ubiquity > 0
    eci = np.full(m.shape[0], np.nan)
    pci = np.full(m.shape[1], np.nan)
    in_play = rows if eligible is None else rows | ~eligible
    notes = list(_left_out(in_play, countries, "exporters", "products"))
    notes += _left_out(cols, products, "products", "exporters")
    sub = present[np.ix_(rows, cols)]
    if min(sub.shape) < 2:
        notes.append("ECI/PCI need at least two exporters and two products with RCA >= threshold.")
        return Complexity(eci, pci, float("nan"), tuple(notes))
    d, u = diversity[rows], ubiquity[cols]
    # D^1/2 M~ D^-1/2 = A A^T is symmetric, so eigh gives real, orthogonal eigenvectors.
    a = sub / np.sqrt(d)[:, None] / np.sqrt(u)[None, :]
    values, vectors = np.linalg.eigh(a @ a.T)
    second = float(values[-2])
    if second < _DEGENERATE:
        # Then D^-1 M kp is a constant vector: every exporter looks alike.
        notes.append("ECI/PCI are undefined: the exporters' baskets do not differ in structure.")
        return Complexity(eci, pci, second, tuple(notes))
    if values[-1] - second < _DEGENERATE:
        notes.append(
            "The exporter-product network is disconnected (second eigenvalue equals the first): "
            "ECI and PCI do not order exporters across its separate parts."
        )
    kc = vectors[:, -2] / np.sqrt(d)
    kp = (sub.T @ kc) / u  # the matching product eigenvector
    kc = (sub @ kp) / d  # = eigenvalue * kc: a country's value is the mean of its products'
    # The sign of the correlation with diversity is the sign of the covariance (0 if flat).
    if np.dot(kc - kc.mean(), d - d.mean()) < 0:
        kc, kp = -kc, -kp
    mean, sd = kc.mean(), kc.std()
    eci[rows] = (kc - mean) / sd
    pci[cols] = (kp - mean) / sd
    return Complexity(eci, pci, second, tuple(notes))


def _left_out(kept: Bools, names: Sequence[str], what: str, other: str) -> list[str]:
    dropped = [names[i] if names else str(i) for i in np.flatnonzero(~kept).tolist()]
    if not dropped:
        return []
    shown = ", ".join(dropped[:10]) + (
        f" and {len(dropped) - 10} more" if len(dropped) > 10 else ""
    )
    return [f"{len(dropped)} {what} have no {other} with RCA >= threshold in the ECI: {shown}."]


def outlook(m: Bools, phi: Floats, pci: Floats, near: Floats) -> tuple[Floats, Floats]:
    """COI per row of ``m`` and COG per (row, product), as the Atlas defines them.

    ``near`` is ``density(m, phi)``. COG is 0 for products a country already makes and NaN
    where PCI is unknown.
    """
    absent = (~m).astype(np.float64)
    known = np.isfinite(pci)
    total = phi.sum(axis=0)
    weight = np.divide(
        pci, total, out=np.zeros_like(total), where=known & (total > 0)
    )  # PCI_l / sum_m phi_ml
    links = (absent * weight) @ phi  # sum_l (1 - M_il) phi_lk PCI_l / sum_m phi_ml
    cog = absent * (links - near * pci)
    terms = np.where(known, near * absent * np.where(known, pci, 0.0), 0.0)
    coi = terms.sum(axis=1) if known.any() else np.full(m.shape[0], np.nan)
    return coi, cog


@dataclass(frozen=True, eq=False)
class ProductSpace:
    """The dense exporter x product view of one flows table and what follows from it.

    Rows follow ``countries``, columns ``products`` (both sorted). Density and the outlook are
    computed on request, for the rows asked for, since most callers need one country.
    """

    countries: tuple[str, ...]
    products: tuple[str, ...]
    exports: Floats  # X_ik, USD
    rca: Floats
    m: Bools
    threshold: float
    proximity: Floats
    eci: Floats
    pci: Floats
    notes: tuple[str, ...]

    @classmethod
    def from_rca(
        cls, table: pa.Table, *, threshold: float = 1.0, eci_min_exports_usd: float = 0.0
    ) -> ProductSpace:
        """Build from the Arrow result of :func:`rca` (``exporter, hs6, value_usd, rca``).

        Exporters whose total exports fall below ``eci_min_exports_usd`` keep their RCA and
        density but are left out of ECI/PCI (the Atlas leaves out economies under USD 1 bn,
        whose few products make their ECI noise and pull PCI with it).
        """
        _check_threshold(threshold)
        countries = _sorted_unique(table.column("exporter"))
        products = _sorted_unique(table.column("hs6"))
        rows = pc.index_in(table.column("exporter"), value_set=countries).to_numpy()
        cols = pc.index_in(table.column("hs6"), value_set=products).to_numpy()
        shape = (len(countries), len(products))
        exports, ratio = np.zeros(shape), np.zeros(shape)
        exports[rows, cols] = table.column("value_usd").to_numpy()
        ratio[rows, cols] = table.column("rca").to_numpy()
        m = ratio >= threshold
        names = (tuple(countries.to_pylist()), tuple(products.to_pylist()))
        eligible = exports.sum(axis=1) >= eci_min_exports_usd
        indices = complexity_indices(m, *names, eligible=eligible)
        notes = list(indices.notes)
        if not eligible.all():
            notes.insert(
                0,
                f"ECI/PCI rank the {int(eligible.sum())} exporters with exports of at least "
                f"{money_text(eci_min_exports_usd)}; the other {int((~eligible).sum())} have RCA "
                "and density but no ECI.",
            )
        return cls(
            countries=names[0],
            products=names[1],
            exports=exports,
            rca=ratio,
            m=m,
            threshold=threshold,
            proximity=proximity(m),
            eci=indices.eci,
            pci=indices.pci,
            notes=tuple(notes),
        )

    @property
    def diversity(self) -> NDArray[np.int64]:
        counts: NDArray[np.int64] = self.m.sum(axis=1, dtype=np.int64)
        return counts

    @property
    def ubiquity(self) -> NDArray[np.int64]:
        counts: NDArray[np.int64] = self.m.sum(axis=0, dtype=np.int64)
        return counts

    @property
    def world_usd(self) -> Floats:
        """Each product's exports summed over every exporter."""
        total: Floats = self.exports.sum(axis=0)
        return total

    def index(self, country: str) -> int | None:
        try:
            return self.countries.index(country)
        except ValueError:
            return None

    def density(self, rows: Sequence[int] | None = None) -> Floats:
        """Density for the given country rows (all when ``None``)."""
        m = self.m if rows is None else self.m[list(rows)]
        return density(m, self.proximity)

    def outlook(self, rows: Sequence[int] | None = None) -> tuple[Floats, Floats, Floats]:
        """(density, COI, COG) for the given country rows (all when ``None``)."""
        m = self.m if rows is None else self.m[list(rows)]
        near = density(m, self.proximity)
        coi, cog = outlook(m, self.proximity, self.pci, near)
        return near, coi, cog

    def eci_rank(self) -> NDArray[np.int64]:
        """1 for the most complex exporter; 0 where ECI is unknown."""
        known = np.isfinite(self.eci)
        order = np.argsort(-np.where(known, self.eci, -np.inf), kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(1, len(order) + 1)
        return np.where(known, rank, 0)


def _sorted_unique(column: pa.ChunkedArray) -> pa.Array:
    values = pc.unique(column)
    return values.take(pc.array_sort_indices(values))


def product_space(
    flows: ir.Table, *, threshold: float = 1.0, eci_min_exports_usd: float = 0.0
) -> ProductSpace:
    """RCA on the backend, then proximity and ECI/PCI in memory, for a flows table.

    >>> space = product_space(flows)  # doctest: +SKIP
    >>> near, coi, cog = space.outlook([space.index("IND")])  # doctest: +SKIP
    """
    table = rca(flows, threshold=threshold).select("exporter", "hs6", "value_usd", "rca")
    return ProductSpace.from_rca(
        table.to_pyarrow(), threshold=threshold, eci_min_exports_usd=eci_min_exports_usd
    )
