"""India's Export Import Data Bank (EIDB, DGCI&S): India's own exports by HS8 and partner.

Two shapes are read. The tidy CSV ``flow,hs8,fy,country_eidb,value_usd_mn,quantity,unit``
(values in USD million, fiscal years April-March written ``2024-25``) is streamed like any
CSV. The raw JSON pages as scraped (one file per HS8, or a folder of them) hold per-year
blocks whose keys ``y2023_2024`` and ``y2024_2025`` are fixed labels: in block ``Y`` they mean
FY (Y-1)-Y and FY Y-(Y+1), so a fiscal year appears in two blocks; the later block wins. The
scraper's "import" pages are India's exports again, in INR crore: they are refused.
Partner names are EIDB spellings (``U S A``, ``U ARAB EMTS``) mapped with the project's table;
the few that are no country (``UNSPECIFIED``) keep a null partner and their name.
"""

from __future__ import annotations

import csv
import difflib
from collections import Counter
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.data.catalog import DatasetManifest, Gap
from tradepivot.data.embedded import hand_kept_dir
from tradepivot.data.reference import Reference
from tradepivot.data.sources._csv import CsvBatches, first_true, numbers
from tradepivot.data.sources.base import SourceReader, slug
from tradepivot.data.store import FACT_SCHEMAS
from tradepivot.errors import InputError, SourceFileError
from tradepivot.inputs import (
    LAST_YEAR,
    MAX_QUANTITY,
    MAX_USD,
    Limits,
    implausible,
    load_json,
    read_text,
)

__all__ = ["EidbReader"]

REPORTER = "IND"
EDITION = "ITC-HS8"
FIRST_FY = 1950  # EIDB begins in 1996-97; earlier years are typos (1800-01)
PAGE_LIMITS = Limits(max_bytes=64 << 20)  # one scraped page: a few hundred KB
# In block "Y" of a raw page, these fixed labels hold FY (Y-1)-Y and FY Y-(Y+1).
FY_LABELS = {"y2023_2024": -1, "y2024_2025": 0}
# India's total exports in USD million stay below this; in INR crore they are far above it.
INR_CRORE_TOTAL = 1_000_000.0
SUFFIXES = (".gz", ".csv", ".txt", ".json")


def _fiscal_year(start: int) -> str:
    """2024 -> '2024-25'."""
    return f"{start}-{(start + 1) % 100:02d}"


def _hs_basis(fy: str) -> str:
    """The HS edition ITC-HS follows in a fiscal year (HS2022 from 1 January 2023)."""
    start = int(fy[:4])
    return "HS2017" if start <= 2021 else "HS2022" if start >= 2023 else "HS2017/HS2022 (mixed)"


class EidbReader(SourceReader):
    """Reads an EIDB tidy CSV, one raw scraped JSON page, or a folder of raw pages."""

    format = "eidb"
    kind = "national_exports"

    def __init__(
        self,
        path: Path,
        reference: Reference,
        *,
        name: str | None = None,
        edition: str | None = None,
    ) -> None:
        super().__init__(path, reference, name=name, edition=edition)
        self.csv: CsvBatches | None = None
        if path.is_dir():
            self.files = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not self.files:
                raise InputError(f"{path} holds no .json files (raw EIDB pages).")
        elif self._looks_like_json(path):
            self.files = [path]
        else:
            self.files = []
            self.csv = CsvBatches(
                path,
                required=("hs8", "fy", "country_eidb", "value_usd_mn"),
                optional=("flow", "quantity", "unit"),
            )
        self.by_fy: dict[str, float] = {}
        self.codes: set[str] = set()
        self.partner_names: set[str] = set()
        self.unmapped: Counter[str] = Counter()
        self.overlap_conflicts = 0
        self.without_value = 0
        self._bytes_done = 0

    @classmethod
    def accepts_directory(cls) -> bool:
        return True

    @staticmethod
    def _looks_like_json(path: Path) -> bool:
        try:
            with path.open("rb") as fh:
                head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        except OSError as exc:
            raise SourceFileError(str(path), f"cannot be read: {exc}") from exc
        return head[:1] in (b"{", b"[")

    def default_id(self) -> str:
        name = self.path.name
        for _ in range(2):  # x.csv.gz -> x
            cut = next((x for x in SUFFIXES if name.lower().endswith(x)), "")
            name = name[: len(name) - len(cut)] if len(name) > len(cut) else name
        return "eidb-" + (slug(name) or "data")

    @property
    def bytes_total(self) -> int:
        if self.path.is_dir():
            return sum(p.stat().st_size for p in self.files)
        return self.path.stat().st_size

    @property
    def bytes_read(self) -> int:
        if self.csv is not None:
            return self.csv.bytes_read
        return self._bytes_done

    # ------------------------------------------------------------------ partner names
    @cached_property
    def names(self) -> dict[str, str | None]:
        """EIDB spelling -> ISO3, or None for the spellings that name no country."""
        mapped: dict[str, str | None] = dict(self.ref.aliases("eidb"))
        with (hand_kept_dir() / "eidb_countries.csv").open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if not (row.get("iso3") or "").strip():
                    mapped.setdefault(row["eidb_name"].strip(), None)
        return mapped

    def _close_matches(self, name: str) -> str:
        close = difflib.get_close_matches(name.upper(), list(self.names), n=3, cutoff=0.6)
        return f"Did you mean: {', '.join(close)}?" if close else "See the EIDB-to-ISO3 table."

    # ------------------------------------------------------------------ reading
    def _batches(self) -> Iterator[pa.RecordBatch]:
        if self.csv is not None:
            for line, batch in self.csv:
                yield self._tidy(self.csv, batch, line)
            return
        seen: dict[str, Path] = {}
        for file in self.files:
            code, rows = self._raw(file)
            if code in seen:
                raise SourceFileError(
                    str(file),
                    f"HS8 {code} is also in {seen[code].name}",
                    field="hsn_code",
                    expected="one raw page per HS8 code in a folder",
                )
            seen[code] = file
            self._bytes_done += file.stat().st_size
            if rows:
                yield self._record(rows)

    def _tidy(self, where: CsvBatches, batch: pa.RecordBatch, line: int) -> pa.RecordBatch:
        """Validate one batch of the tidy CSV (vectorised) and convert it."""
        present = set(batch.schema.names)
        if "flow" in present:
            flow = pc.utf8_lower(pc.utf8_trim_whitespace(batch.column("flow")))
            bad = first_true(pc.and_(pc.not_equal(flow, "export"), pc.not_equal(flow, "")))
            if bad is not None:
                raise where.fail(
                    line + bad,
                    "flow",
                    f"flow {flow[bad].as_py()!r}: only exports are loaded",
                    "export (EIDB import figures are not supported)",
                )
        hs8 = pc.utf8_trim_whitespace(batch.column("hs8"))
        bad = first_true(pc.invert(pc.match_substring_regex(hs8, r"^\d{8}$")))
        if bad is not None:
            raise where.fail(
                line + bad,
                "hs8",
                f"hs8 must have 8 digits, got {hs8[bad].as_py()!r}",
                "an 8-digit ITC-HS code such as 42022110 (leading zeros kept)",
            )
        fy = pc.utf8_trim_whitespace(batch.column("fy"))
        bad = first_true(pc.invert(pc.match_substring_regex(fy, r"^\d{4}-\d{2}$")))
        if bad is not None:
            raise where.fail(
                line + bad, "fy", f"bad fiscal year {fy[bad].as_py()!r}", "YYYY-YY, e.g. 2024-25"
            )
        start = pc.cast(pc.utf8_slice_codeunits(fy, 0, 4), pa.int32())
        bad = first_true(pc.or_(pc.less(start, FIRST_FY), pc.greater(start, LAST_YEAR)))
        if bad is not None:
            raise where.fail(
                line + bad,
                "fy",
                f"fiscal year {fy[bad].as_py()!r} is out of range",
                f"a fiscal year from {FIRST_FY}-{(FIRST_FY + 1) % 100:02d} to {LAST_YEAR}-{(LAST_YEAR + 1) % 100:02d}",
            )
        next_year = pc.utf8_slice_codeunits(pc.cast(pc.add(start, 1), pa.string()), 2, 4)
        bad = first_true(pc.not_equal(next_year, pc.utf8_slice_codeunits(fy, 5, 7)))
        if bad is not None:
            raise where.fail(
                line + bad,
                "fy",
                f"bad fiscal year {fy[bad].as_py()!r}: the second year must follow the first",
                "YYYY-YY with consecutive years, e.g. 2024-25",
            )
        written = pc.utf8_trim_whitespace(batch.column("country_eidb"))
        key = pc.utf8_upper(written)
        bad = first_true(pc.invert(pc.is_in(key, value_set=self._all_names)))
        if bad is not None:
            name = str(written[bad].as_py())
            raise SourceFileError(
                str(self.path),
                f"unknown EIDB country name {name!r}",
                line=line + bad,
                field="country_eidb",
                expected="a spelling of the EIDB-to-ISO3 table",
                hint=self._close_matches(name),
            )
        partner = pc.take(self._iso_values, pc.index_in(key, value_set=self._iso_keys))
        # A few real rows have a quantity but no value: kept with a null value, and counted.
        value = numbers(
            where, batch, line, "value_usd_mn", nullable=True, non_negative=True, high=MAX_USD / 1e6
        )
        quantity = (
            numbers(
                where, batch, line, "quantity", nullable=True, non_negative=True, high=MAX_QUANTITY
            )
            if "quantity" in present
            else pa.nulls(batch.num_rows, pa.float64())
        )
        if "unit" in present:
            unit = pc.utf8_trim_whitespace(batch.column("unit"))
            unit = pc.if_else(pc.equal(unit, ""), pa.scalar(None, pa.string()), unit)
        else:
            unit = pa.nulls(batch.num_rows, pa.string())
        out = pa.RecordBatch.from_arrays(
            [
                pa.array([REPORTER] * batch.num_rows, pa.string()),
                fy,
                hs8,
                partner,
                written,
                pc.round(pc.multiply(value, 1e6), 0),  # USD million -> USD, exact to the dollar
                quantity,
                unit,
            ],
            schema=FACT_SCHEMAS["national_exports"],
        )
        self._tally(out)
        return out

    @cached_property
    def _all_names(self) -> pa.Array:
        return pa.array(sorted(self.names))

    @cached_property
    def _iso_keys(self) -> pa.Array:
        return pa.array([k for k, v in self.names.items() if v is not None])

    @cached_property
    def _iso_values(self) -> pa.Array:
        return pa.array([v for v in self.names.values() if v is not None], pa.string())

    def _tally(self, out: pa.RecordBatch) -> None:
        """Running totals for the manifest."""
        table = pa.Table.from_batches([out])
        for row in table.group_by("fy").aggregate([("value_usd", "sum")]).to_pylist():
            self.by_fy[row["fy"]] = self.by_fy.get(row["fy"], 0.0) + (row["value_usd_sum"] or 0.0)
        self.codes.update(pc.unique(out.column("code")).to_pylist())
        self.partner_names.update(pc.unique(out.column("partner_name")).to_pylist())
        lost = pc.filter(out.column("partner_name"), pc.is_null(out.column("partner")))
        self.unmapped.update(lost.to_pylist())
        self.without_value += out.column("value_usd").null_count

    # ------------------------------------------------------------------ raw JSON pages
    def _raw(self, file: Path) -> tuple[str, list[dict[str, Any]]]:
        """One scraped page -> (HS8, rows); refuses pages that are not USD exports."""
        try:
            doc: Any = load_json(read_text(file, "EIDB page", PAGE_LIMITS), str(file))
        except SourceFileError as exc:
            exc.hint = exc.hint or "Nothing was loaded from it; download or scrape the page again."
            raise
        if not isinstance(doc, dict) or not isinstance(doc.get("years"), dict) or not doc["years"]:
            raise SourceFileError(
                str(file),
                "is not a raw EIDB page: no 'years' blocks",
                field="years",
                expected='{"hsn_code", "years": {"YYYY": {...}}, "metadata"}',
            )
        code = str(doc.get("hsn_code", "")).strip()
        if not (len(code) == 8 and code.isdigit()):
            raise SourceFileError(
                str(file), f"hsn_code must have 8 digits, got {code!r}", field="hsn_code"
            )
        blocks: list[tuple[int, dict[str, Any]]] = []
        for key, block in doc["years"].items():
            if not (isinstance(key, str) and len(key) == 4 and key.isdigit()) or not (
                FIRST_FY < int(key) <= LAST_YEAR
            ):
                raise SourceFileError(
                    str(file),
                    f"year block {key!r} is not a year",
                    field="years",
                    expected=f"a year from {FIRST_FY + 1} to {LAST_YEAR}",
                )
            if not isinstance(block, dict) or not isinstance(block.get("countries"), list):
                raise SourceFileError(
                    str(file), f"year block {key} has no 'countries' list", field="countries"
                )
            blocks.append((int(key), block))
        blocks.sort(key=lambda item: item[0])
        self._refuse_if_not_usd_exports(file, doc, blocks)

        found: dict[tuple[str, str], dict[str, Any]] = {}
        for year, block in blocks:
            commodity = _mapping(file, block.get("commodity"), f"block {year}, commodity")
            if str(commodity.get("hsn_code", code)).strip() != code:
                raise SourceFileError(
                    str(file),
                    f"block {year}: commodity hsn_code {commodity.get('hsn_code')!r} "
                    f"differs from the page's {code}",
                    field="hsn_code",
                )
            unit = _text(file, commodity.get("unit"), f"block {year}, commodity.unit")
            listed: set[str] = set()
            for index, entry in enumerate(block["countries"]):
                where = f"block {year}, countries[{index}]"
                if not isinstance(entry, dict) or not isinstance(entry.get("country"), str):
                    raise SourceFileError(
                        str(file), f"{where} has no country name", field="country"
                    )
                name = _text(file, entry["country"], f"{where}, country") or ""
                if name.upper() not in self.names:
                    raise SourceFileError(
                        str(file),
                        f"{where}: unknown EIDB country name {name!r}",
                        field="country",
                        expected="a spelling of the EIDB-to-ISO3 table",
                        hint=self._close_matches(name),
                    )
                if name in listed:
                    raise SourceFileError(
                        str(file), f"{where}: {name!r} is listed twice", field="country"
                    )
                listed.add(name)
                values = _mapping(file, entry.get("values_usd"), f"{where}, values_usd")
                quantities = _mapping(
                    file, entry.get("values_quantity"), f"{where}, values_quantity"
                )
                for label, offset in FY_LABELS.items():
                    value = _number(
                        file, values.get(label), f"{where}, values_usd.{label}", MAX_USD / 1e6
                    )
                    quantity = _number(
                        file,
                        quantities.get(label),
                        f"{where}, values_quantity.{label}",
                        MAX_QUANTITY,
                    )
                    if value is None and quantity is None:
                        continue  # missing in this block; the other block may have it
                    fy = _fiscal_year(year + offset)
                    earlier = found.get((name, fy))
                    if earlier is not None and value is None:
                        continue  # keep the earlier block's value rather than a gap
                    if earlier is not None and earlier["value_usd_mn"] != value:
                        self.overlap_conflicts += 1
                    found[(name, fy)] = {  # later blocks overwrite: the newer publication
                        "fy": fy,
                        "name": name,
                        "value_usd_mn": value,
                        "quantity": quantity,
                        "unit": unit or None,
                    }
        return code, [{**row, "code": code} for row in found.values()]

    def _refuse_if_not_usd_exports(
        self, file: Path, doc: dict[str, Any], blocks: list[tuple[int, dict[str, Any]]]
    ) -> None:
        """The scraper's "import" pages are exports in INR crore: judge by content, not label."""
        label = str(_mapping(file, doc.get("metadata"), "metadata").get("trade_type", ""))
        label = label.strip().lower()
        urls = [
            str(
                _mapping(file, block.get("metadata"), f"block {year}, metadata").get(
                    "source_url", ""
                )
            )
            for year, block in blocks
        ]
        page = "export" if any("export" in u for u in urls) else None
        if any("import" in u for u in urls):
            page = "import"
        total: float | None = None
        for year, block in blocks:
            totals = _mapping(file, block.get("totals"), f"block {year}, totals")
            india_total = _mapping(file, totals.get("india_total"), f"block {year}, india_total")
            india = _mapping(file, india_total.get("values_usd"), f"block {year}, india_total")
            figure = india.get("y2023_2024")
            if isinstance(figure, int | float) and not isinstance(figure, bool):
                total = max(total or 0.0, _number(file, figure, f"block {year}, totals") or 0.0)
        looks_inr = total is not None and total > INR_CRORE_TOTAL
        inr_note = (
            f"values look like INR crore (India's total {total:,.0f}; in USD million it is "
            "about 300,000-450,000)"
            if looks_inr
            else ""
        )
        if label == "import" and page == "export":
            raise SourceFileError(
                str(file),
                "labelled import (metadata.trade_type) but scraped from the export "
                f"page{', ' + inr_note if inr_note else ''}: refusing",
                field="trade_type",
                hint="The scraper's 'import' pages are India's exports again, in INR crore. "
                "Load the matching *_export.json page instead.",
            )
        if page == "import" or label == "import":
            raise SourceFileError(
                str(file),
                "an EIDB import page: tradepivot loads India's exports only",
                field="trade_type",
            )
        if looks_inr:
            raise SourceFileError(
                str(file),
                f"{inr_note}, not USD million: refusing",
                field="values_usd",
                hint="Scrape the page in US dollars (the tidy CSV and *_export.json pages are).",
            )

    def _record(self, rows: list[dict[str, Any]]) -> pa.RecordBatch:
        names = [r["name"] for r in rows]
        out = pa.RecordBatch.from_arrays(
            [
                pa.array([REPORTER] * len(rows), pa.string()),
                pa.array([r["fy"] for r in rows], pa.string()),
                pa.array([r["code"] for r in rows], pa.string()),
                pa.array([self.names[n.upper()] for n in names], pa.string()),
                pa.array(names, pa.string()),
                pa.array([_usd(r["value_usd_mn"]) for r in rows], pa.float64()),
                pa.array([r["quantity"] for r in rows], pa.float64()),
                pa.array([r["unit"] for r in rows], pa.string()),
            ],
            schema=FACT_SCHEMAS["national_exports"],
        )
        self._tally(out)
        return out

    # ------------------------------------------------------------------ manifest
    def manifest(self, checksum: str) -> DatasetManifest:
        if not self.by_fy:
            raise InputError(f"{self.path} holds no export rows.")
        years = sorted(self.by_fy)
        gaps = [
            Gap(
                id="itc-hs-basis",
                text="Codes are India's 8-digit ITC-HS lines: HS2017-based up to FY2021-22, "
                "HS2022-based from FY2023-24 (the switch came on 1 January 2023, so FY2022-23 "
                "mixes both). Roll up to HS6 by the first six digits, in that year's edition.",
            ),
            Gap(
                id="exports-only",
                text="India's exports only, as recorded by DGCI&S (fiscal years April-March).",
            ),
            Gap(
                id="rounding",
                text="EIDB publishes USD million rounded to 0.01: 0 means less than USD 5,000.",
            ),
        ]
        if self.unmapped:
            lost = ", ".join(f"{name} ({n:,} rows)" for name, n in sorted(self.unmapped.items()))
            gaps.append(
                Gap(
                    id="unmapped-partners",
                    text=f"Destinations that are no country keep an empty partner and their EIDB "
                    f"name: {lost}.",
                )
            )
        if self.without_value:
            gaps.append(
                Gap(
                    id="missing-values",
                    text=f"{self.without_value:,} rows have a quantity but no value (empty "
                    "upstream): their value_usd is empty, not zero.",
                )
            )
        coverage: dict[str, Any] = {
            "total_usd_by_fy": {fy: self.by_fy[fy] for fy in years},
            "hs8_codes": len(self.codes),
            "partner_names": len(self.partner_names),
            "fy_hs_basis": {fy: _hs_basis(fy) for fy in years},
        }
        if self.without_value:
            coverage["rows_without_value"] = self.without_value
        if self.unmapped:
            coverage["rows_without_partner"] = dict(sorted(self.unmapped.items()))
        if self.files:
            coverage["raw_pages"] = len(self.files)
            coverage["fy_overlap_conflicts"] = self.overlap_conflicts
        if self.declared_edition:
            coverage["declared_hs_edition"] = self.declared_edition
        shape = "raw JSON pages" if self.files else "tidy CSV"
        return DatasetManifest(
            id=self.dataset_id,
            title=f"India's exports by HS8 and partner (EIDB), FY{years[0]} to FY{years[-1]}",
            kind="national_exports",
            source=f"India Export Import Data Bank (DGCI&S / Department of Commerce), {shape} "
            f"{self.path.name}",
            terms="Government of India open data (tradestat.commerce.gov.in)",
            edition=EDITION,
            years=years,
            unit="USD (EIDB USD million x 1,000,000); quantity in each row's unit; "
            "fiscal years April-March",
            rows=self.rows,
            coverage=coverage,
            gaps=gaps,
            files=[str(p.relative_to(self.path)) for p in self.files] if self.path.is_dir() else [],
            checksum_sha256=checksum,
            embedded=False,
            source_file=str(self.path),
        )


def _usd(million: float | None) -> float | None:
    """USD million -> USD, exact to the dollar."""
    return None if million is None else float(round(million * 1e6))


def _number(file: Path, value: Any, where: str, high: float | None = None) -> float | None:
    """A JSON value as a finite, non-negative, plausible number, or None when missing."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SourceFileError(str(file), f"{where}: {value!r} is not a number", expected="a number")
    number = float(value)  # a huge JSON integer becomes a float (or inf), checked below
    problem = implausible(number, high=high)
    if problem is not None:
        raise SourceFileError(
            str(file),
            f"{where}: value {str(value)[:40]} {problem}",
            expected="a value of zero or more" if number < 0 else "a plausible amount",
        )
    return number


def _mapping(file: Path, value: Any, where: str) -> dict[str, Any]:
    """A JSON object (``{}`` when absent); any other type names where it was found."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SourceFileError(
            str(file), f"{where} is a {type(value).__name__}, not an object", expected="{...}"
        )
    return value


def _text(file: Path, value: Any, where: str) -> str | None:
    """A JSON string, stripped (``None`` when absent or blank); no control characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise SourceFileError(
            str(file), f"{where} is a {type(value).__name__}, not text", expected="text"
        )
    if any(ord(c) < 32 and c not in "\t" for c in value):
        raise SourceFileError(str(file), f"{where} contains a control character", expected="text")
    return value.strip() or None
