"""UN Comtrade final data: trade as each country reports it, by HS6 and partner.

Three shapes of the same records are read: the comtradeplus "final data" CSV (47 columns,
header on line 1), the tab-separated bulk file (``.txt`` or ``.txt.gz``, same column names;
the delimiter is sniffed) and the API's JSON answer ``{"elapsedTime", "count", "data": [...],
"error"}``. Only leaf HS6 rows between two countries are kept: totals and chapter/heading
aggregates, partner World and Comtrade's non-country partners, breakdowns by second partner,
transport mode or customs procedure, and flows other than imports (M) and exports (X) are
skipped and counted in the manifest, never dropped silently. Values are ``primaryValue``
(imports CIF, exports FOB) as reported, not reconciled mirror flows.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tradepivot.data.catalog import DatasetManifest, Gap
from tradepivot.data.reference import Reference
from tradepivot.data.sources._csv import CsvBatches, Locator, first_true, numbers
from tradepivot.data.sources._csv import years as year_column
from tradepivot.data.sources.base import EDITION_ALIASES, SourceReader, slug
from tradepivot.data.store import FACT_SCHEMAS
from tradepivot.errors import InputError, SourceFileError
from tradepivot.inputs import JSON_LIMITS, MAX_QUANTITY, decode_text, load_json, read_bytes

__all__ = ["ComtradeReader"]

REQUIRED = ("reporterCode", "partnerCode", "flowCode", "cmdCode", "primaryValue")
OPTIONAL = (
    "refYear",
    "period",
    "freqCode",
    "classificationCode",
    "aggrLevel",
    "qty",
    "partner2Code",
    "motCode",
    "customsCode",
    "mosCode",
    "isOriginalClassification",
)
# Comtrade partner codes that are not countries: skipped and counted, like partner World (0).
WORLD = "0"
NON_COUNTRY_PARTNERS = {
    "837": "Bunkers",
    "838": "Free zones",
    "839": "Special categories",
    "899": "Areas, nes",
}
# Breakdown columns and the value meaning "all of them" (rows with another value double count).
TOTAL_OF = {"partner2Code": "0", "motCode": "0", "customsCode": "C00", "mosCode": "0"}
JSON_BATCH = 50_000
SUFFIXES = (".gz", ".csv", ".txt", ".tsv", ".json")


def _file_stem(path: Path) -> str:
    """The file name without its data suffixes (``x.txt.gz`` -> ``x``)."""
    name = path.name
    while True:
        lowered = name.lower()
        cut = next((s for s in SUFFIXES if lowered.endswith(s)), None)
        if cut is None or len(name) == len(cut):
            return name
        name = name[: -len(cut)]


def _json_text(value: Any) -> str:
    """A JSON scalar as the text a CSV download would hold (null -> empty, 1234.0 -> 1234)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    return str(value)


class _JsonRecords:
    """Records of a JSON answer, presented to the shared CSV validators.

    The shared validators only need ``fail()`` (the ``Locator`` protocol); line numbers mean nothing in a one-line
    JSON answer, so here the "line" is the record's index and errors name the record.
    """

    def __init__(self, path: Path, columns: Sequence[str]) -> None:  # no CSV header to read
        self.path = path
        self.columns = list(columns)

    def fail(self, line: int, field: str, problem: str, expected: str) -> SourceFileError:
        return SourceFileError(
            str(self.path),
            f"record {line + 1} (data[{line}]): {problem}",
            field=field,
            expected=expected,
        )


class ComtradeReader(SourceReader):
    """Reads one Comtrade download (CSV, tab-separated bulk file or API JSON)."""

    format = "comtrade"
    kind = "bilateral"

    def __init__(
        self,
        path: Path,
        reference: Reference,
        *,
        name: str | None = None,
        edition: str | None = None,
    ) -> None:
        super().__init__(path, reference, name=name, edition=edition)
        self.is_json = self._looks_like_json()
        self.csv: CsvBatches | None = None
        if not self.is_json:
            self.csv = CsvBatches(path, required=REQUIRED[:-1], optional=(REQUIRED[-1], *OPTIONAL))
            self._check_header(self.csv.present, self.csv.columns, line=1)
        self.classification: str | None = None  # classificationCode as written, e.g. "H5"
        self.edition: str | None = self.declared_edition
        self.years: set[int] = set()
        self.reporters: set[str] = set()
        self.partners: set[str] = set()
        self.value_usd = 0.0
        self.kept: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.converted_rows = 0
        self.api_count: int | None = None
        self._done = False

    def _check_header(self, present: Sequence[str], found: Sequence[str], line: int | None) -> None:
        """primaryValue and a year column are required: no silent fallback to cifvalue/fobvalue."""
        missing = [c for c in ("primaryValue",) if c not in present]
        if not {"refYear", "period"} & set(present):
            missing.append("refYear (or period)")
        if missing:
            fallback = {"cifvalue", "fobvalue"} & set(found)
            raise SourceFileError(
                str(self.path),
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                line=line,
                field=missing[0].split()[0],
                expected=f"a Comtrade header with {', '.join(REQUIRED)} and refYear "
                f"(found: {', '.join(found)})",
                hint="tradepivot does not use cifvalue/fobvalue in place of primaryValue: "
                "download the file again with primaryValue."
                if fallback and "primaryValue" in missing
                else None,
            )

    def _looks_like_json(self) -> bool:
        opener = gzip.open if self.path.suffix == ".gz" else Path.open
        try:
            with opener(self.path, "rb") as fh:
                head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        except (OSError, EOFError) as exc:
            raise SourceFileError(str(self.path), f"cannot be read: {exc}") from exc
        return head[:1] in (b"{", b"[")

    def default_id(self) -> str:
        return slug(_file_stem(self.path)) or "comtrade"

    @property
    def bytes_read(self) -> int:
        if self.csv is not None:
            return self.csv.bytes_read
        return self.bytes_total if self._done else 0

    # ------------------------------------------------------------------ reading
    def _batches(self) -> Iterator[pa.RecordBatch]:
        if self.csv is not None:
            for line, batch in self.csv:
                converted = self._convert(self.csv, batch, line)
                if converted is not None:
                    yield converted
            return
        records = self._json_records()
        columns = [c for c in (*REQUIRED, *OPTIONAL) if c in records[0]]
        missing = [c for c in REQUIRED[:-1] if c not in columns]
        if missing:
            raise SourceFileError(
                str(self.path),
                f"record 1 (data[0]) has no {', '.join(missing)}",
                field=missing[0],
                expected=f"Comtrade records with {', '.join(REQUIRED)} and refYear",
            )
        self._check_header(columns, list(records[0]), line=None)
        where = _JsonRecords(self.path, columns)
        for start in range(0, len(records), JSON_BATCH):
            chunk = records[start : start + JSON_BATCH]
            arrays = [pa.array([_json_text(r.get(c)) for r in chunk], pa.string()) for c in columns]
            converted = self._convert(
                where, pa.RecordBatch.from_arrays(arrays, names=columns), start
            )
            if converted is not None:
                yield converted
        self._done = True

    def _json_records(self) -> list[dict[str, Any]]:
        """The ``data`` list of an API answer; API errors are raised with the API's message."""
        text = decode_text(read_bytes(self.path, "Comtrade file", JSON_LIMITS), str(self.path))
        doc: Any = load_json(text, str(self.path))
        if isinstance(doc, dict):
            if doc.get("error"):
                raise SourceFileError(
                    str(self.path),
                    f"Comtrade API error: {doc['error']}",
                    field="error",
                    hint="The answer holds no data; fix the query and download it again.",
                )
            if "data" not in doc:
                if "statusCode" in doc or "message" in doc:
                    status = f" {doc['statusCode']}" if "statusCode" in doc else ""
                    raise SourceFileError(
                        str(self.path),
                        f"Comtrade API error{status}: {doc.get('message', '(no message)')}",
                        field="statusCode" if "statusCode" in doc else "message",
                        hint="The file is an error answer of the API, not data.",
                    )
                raise SourceFileError(
                    str(self.path),
                    "is not a Comtrade API answer: no 'data' list",
                    expected='{"elapsedTime", "count", "data": [...], "error"}',
                )
            count = doc.get("count")
            self.api_count = count if isinstance(count, int) else None
            doc = doc["data"]
        if not isinstance(doc, list):
            raise SourceFileError(str(self.path), "'data' is not a list of records", field="data")
        if not doc:
            raise SourceFileError(
                str(self.path),
                "the API answer holds no records (count 0)",
                field="data",
                hint="Check the query (reporter, period, classification) and download it again.",
            )
        for index, record in enumerate(doc):
            if not isinstance(record, dict):
                raise SourceFileError(
                    str(self.path),
                    f"record {index + 1} (data[{index}]) is not an object",
                    field="data",
                )
        records: list[dict[str, Any]] = doc
        return records

    def _convert(self, where: Locator, batch: pa.RecordBatch, first: int) -> pa.RecordBatch | None:
        """Validate one batch of text columns; keep leaf HS6 M/X rows between two countries."""
        present = set(batch.schema.names)
        self._check_annual(where, batch, first, present)
        self._check_classification(where, batch, first, present)
        years = self._years(where, batch, first, present)
        reporter = self._codes(where, batch, first, "reporterCode", None)
        partner = self._codes(
            where, batch, first, "partnerCode", set(NON_COUNTRY_PARTNERS) | {WORLD}
        )
        value = numbers(where, batch, first, "primaryValue", non_negative=True)
        quantity = (
            numbers(where, batch, first, "qty", nullable=True, non_negative=True, high=MAX_QUANTITY)
            if "qty" in present
            else pa.nulls(batch.num_rows, pa.float64())
        )
        flow = pc.utf8_upper(pc.utf8_trim_whitespace(batch.column("flowCode")))
        cmd = pc.utf8_trim_whitespace(batch.column("cmdCode"))
        if "aggrLevel" in present:
            level = numbers(where, batch, first, "aggrLevel", nullable=True, high=None)
            leaf = pc.fill_null(pc.equal(level, 6), pc.match_substring_regex(cmd, r"^\d{5,6}$"))
        else:
            leaf = pc.match_substring_regex(cmd, r"^\d{5,6}$")
        leaf = pc.and_(leaf, pc.not_equal(pc.utf8_upper(cmd), "TOTAL"))
        world = pc.equal(partner["key"], WORLD)
        special = pc.is_in(partner["key"], value_set=pa.array(list(NON_COUNTRY_PARTNERS)))
        breakdown = pa.array([False] * batch.num_rows)
        for column, total in TOTAL_OF.items():
            if column in present:
                text = pc.utf8_trim_whitespace(batch.column(column))
                other = pc.and_(pc.not_equal(text, total), pc.not_equal(text, ""))
                breakdown = pc.or_(breakdown, other)
        trade = pc.is_in(flow, value_set=pa.array(["M", "X"]))

        # Skip reasons in order of precedence, each row counted once.
        remaining = pa.array([True] * batch.num_rows)
        for reason, mask in (
            ("aggregate rows (TOTAL, aggrLevel < 6)", pc.invert(leaf)),
            ("partner World (0)", world),
            ("non-country partner (837, 838, 839, 899)", special),
            ("breakdown rows (partner2, transport mode, customs procedure)", breakdown),
        ):
            hit = pc.and_(remaining, mask)
            self.skipped[reason] += int(pc.sum(pc.cast(hit, pa.int64())).as_py() or 0)
            remaining = pc.and_(remaining, pc.invert(hit))
        other_flow = pc.and_(remaining, pc.invert(trade))
        for code, count in zip(*_counts(pc.filter(flow, other_flow)), strict=True):
            self.skipped[f"flow {code or '(empty)'}"] += count
        keep = pc.and_(remaining, trade)
        if not pc.any(keep).as_py():
            return None

        hs6 = self._hs6(where, cmd, keep, first)
        if "isOriginalClassification" in present:
            converted = pc.and_(keep, pc.equal(batch.column("isOriginalClassification"), "False"))
            self.converted_rows += int(pc.sum(pc.cast(converted, pa.int64())).as_py() or 0)
        imports = pc.equal(flow, "M")
        out = pa.RecordBatch.from_arrays(
            [
                pc.cast(years, pa.int16()),
                pc.if_else(imports, partner["iso3"], reporter["iso3"]),
                pc.if_else(imports, reporter["iso3"], partner["iso3"]),
                hs6,
                value,
                quantity,
                pc.if_else(imports, "importer", "exporter"),
            ],
            schema=FACT_SCHEMAS["bilateral"],
        ).filter(keep)
        self.years.update(int(y) for y in pc.unique(out.column("year")).to_pylist())
        self.reporters.update(pc.unique(pc.filter(reporter["iso3"], keep)).to_pylist())
        self.partners.update(pc.unique(pc.filter(partner["iso3"], keep)).to_pylist())
        self.value_usd += pc.sum(out.column("value_usd")).as_py() or 0.0
        for code, count in zip(*_counts(pc.filter(flow, keep)), strict=True):
            self.kept[code] += count
        return out

    def _check_annual(
        self, where: Locator, batch: pa.RecordBatch, first: int, present: set[str]
    ) -> None:
        if "freqCode" not in present:
            return
        freq = pc.utf8_upper(pc.utf8_trim_whitespace(batch.column("freqCode")))
        bad = first_true(pc.and_(pc.not_equal(freq, "A"), pc.not_equal(freq, "")))
        if bad is not None:
            raise where.fail(
                first + bad,
                "freqCode",
                f"freqCode {freq[bad].as_py()!r}: only annual data is loaded",
                "annual data (freqCode A): tradepivot stores yearly flows",
            )

    def _check_classification(
        self, where: Locator, batch: pa.RecordBatch, first: int, present: set[str]
    ) -> None:
        """One classification per file; it gives the edition unless --hs-edition was declared."""
        if "classificationCode" not in present:
            return
        codes = pc.utf8_upper(pc.utf8_trim_whitespace(batch.column("classificationCode")))
        if self.classification is None:
            self.classification = str(codes[0].as_py())
        bad = first_true(pc.not_equal(codes, self.classification))
        if bad is not None:
            raise where.fail(
                first + bad,
                "classificationCode",
                f"the file mixes classifications {self.classification} and {codes[bad].as_py()}",
                "one HS edition per file (download each classification separately)",
            )
        if self.edition is None:
            edition = EDITION_ALIASES.get(self.classification)
            if edition is None:
                raise where.fail(
                    first,
                    "classificationCode",
                    f"classificationCode {self.classification!r} is not an HS edition",
                    "H0-H6 (HS1992-HS2022), or declare the edition with --hs-edition",
                )
            self.edition = edition

    def _years(
        self, where: Locator, batch: pa.RecordBatch, first: int, present: set[str]
    ) -> pa.Array:
        if "refYear" in present:
            column, source = "refYear", batch
        else:  # period is YYYY for annual data
            period = pc.utf8_slice_codeunits(pc.utf8_trim_whitespace(batch.column("period")), 0, 4)
            column, source = "period", pa.RecordBatch.from_arrays([period], names=["period"])
        return year_column(where, source, first, column, low=1962)

    def _codes(
        self,
        where: Locator,
        batch: pa.RecordBatch,
        first: int,
        column: str,
        skipped: set[str] | None,
    ) -> dict[str, pa.Array]:
        """Numeric country codes -> {"key": code without leading zeros, "iso3": ISO3 or null}.

        Codes in ``skipped`` (World, non-country partners) are left unresolved for the caller
        to skip; any other code that does not resolve is an error naming line and field.
        """
        text = pc.utf8_trim_whitespace(batch.column(column))
        bad = first_true(pc.invert(pc.match_substring_regex(text, r"^\d+$")))
        if bad is not None:
            raise where.fail(
                first + bad,
                column,
                f"{column} {text[bad].as_py()!r} is not a number",
                "a numeric code",
            )
        key = pc.utf8_ltrim(text, "0")
        key = pc.if_else(pc.equal(key, ""), "0", key)
        known = pc.is_in(key, value_set=self._country_keys)
        if skipped:
            known = pc.or_(known, pc.is_in(key, value_set=pa.array(sorted(skipped))))
        bad = first_true(pc.invert(known))
        if bad is not None:
            raise where.fail(
                first + bad,
                column,
                f"unknown {column} {key[bad].as_py()}",
                "a Comtrade (M49-based) country code, e.g. 699 India, 643 Russia",
            )
        iso3 = pc.take(self._country_isos, pc.index_in(key, value_set=self._country_keys))
        return {"key": key, "iso3": iso3}

    def _hs6(self, where: Locator, cmd: pa.Array, keep: pa.Array, first: int) -> pa.Array:
        """Leaf cmdCodes as 6-digit strings (a lost leading zero restored), checked on kept rows."""
        bad = first_true(pc.and_(keep, pc.invert(pc.match_substring_regex(cmd, r"^\d{5,6}$"))))
        if bad is not None:
            raise where.fail(
                first + bad, "cmdCode", f"{cmd[bad].as_py()!r} is not a 6-digit HS code", "6 digits"
            )
        padded = pc.utf8_lpad(cmd, 6, "0")
        if self.edition is None:  # no classificationCode and nothing declared: detect
            self.edition = self.detect_edition(pc.filter(padded, keep).to_pylist())
        known = self.known_hs6(self.edition)
        if known is not None:
            bad = first_true(pc.and_(keep, pc.invert(pc.is_in(padded, value_set=known))))
            if bad is not None:
                raise where.fail(
                    first + bad,
                    "cmdCode",
                    f"unknown {self.edition} code {padded[bad].as_py()!r}",
                    f"an HS code of {self.edition} (declare another edition with --hs-edition)",
                )
        return padded

    @cached_property
    def _country_keys(self) -> pa.Array:
        return pa.array(list(self.numeric_countries))

    @cached_property
    def _country_isos(self) -> pa.Array:
        return pa.array(list(self.numeric_countries.values()))

    # ------------------------------------------------------------------ manifest
    def manifest(self, checksum: str) -> DatasetManifest:
        skipped = {reason: n for reason, n in sorted(self.skipped.items()) if n}
        if self.edition is None or not self.years:
            detail = "; ".join(f"{n:,} {reason}" for reason, n in skipped.items()) or "no records"
            raise InputError(
                f"{self.path} holds no leaf HS6 import or export rows between two countries ({detail}).",
                hint="Download HS6 (aggrLevel 6) data for individual partners, not only totals.",
            )
        reporters = sorted(self.reporters)
        years = sorted(self.years)
        gaps = [
            Gap(
                id="reported-values",
                text=f"Values are as reported by {', '.join(reporters)} (imports CIF, exports FOB), "
                "not reconciled mirror flows: the same flow reported by both sides differs.",
            )
        ]
        if skipped.get("non-country partner (837, 838, 839, 899)"):
            gaps.append(
                Gap(
                    id="non-country-partners",
                    text="Trade with Comtrade's non-country partners (bunkers, free zones, special "
                    "categories, areas nes) is not loaded: partner totals are slightly below the "
                    "reporter's total.",
                )
            )
        if self.converted_rows:
            gaps.append(
                Gap(
                    id="converted-classification",
                    text=f"{self.converted_rows:,} rows were converted by UN Comtrade from the "
                    f"reporter's original classification to {self.edition} "
                    "(isOriginalClassification False): conversion spreads values by estimate.",
                )
            )
        if self.known_hs6(self.edition) is None:
            gaps.append(
                Gap(
                    id="codes-unchecked",
                    text=f"tradepivot has no {self.edition} nomenclature: product codes were checked "
                    "for form only, and have no descriptions.",
                )
            )
        coverage: dict[str, Any] = {
            "total_value_usd": self.value_usd,
            "reporters": reporters,
            "partners": len(self.partners),
            "rows_by_flow": {"M (imports)": self.kept["M"], "X (exports)": self.kept["X"]},
            "skipped_rows": skipped,
        }
        if self.classification is not None:
            coverage["classificationCode"] = self.classification
            if (
                self.declared_edition
                and EDITION_ALIASES.get(self.classification) != self.declared_edition
            ):
                coverage["edition_declared_over_classificationCode"] = True
        if self.api_count is not None:
            coverage["api_count"] = self.api_count
        return DatasetManifest(
            id=self.dataset_id,
            title=f"UN Comtrade {self.edition} trade reported by {', '.join(reporters)}, "
            f"{', '.join(map(str, years))}",
            kind="bilateral",
            source=f"UN Comtrade final data ({'API JSON' if self.is_json else 'CSV download'}), "
            f"file {self.path.name}",
            terms="UN Comtrade terms of use (https://comtradeplus.un.org)",
            edition=self.edition,
            years=years,
            unit="USD (primaryValue: imports CIF, exports FOB); quantity = qty in each record's "
            "own unit (qtyUnitCode; units differ between products)",
            rows=self.rows,
            coverage=coverage,
            gaps=gaps,
            checksum_sha256=checksum,
            embedded=False,
            source_file=str(self.path),
        )


def _counts(values: pa.Array) -> tuple[list[str], list[int]]:
    """(distinct values, how often each occurs)."""
    counted = pc.value_counts(values)
    return counted.field("values").to_pylist(), counted.field("counts").to_pylist()
