"""The input toolkit every reader shares: files, YAML, JSON, HS codes, numbers.

One implementation of each rule, so every file tradepivot reads obeys the same promises
(docs/reliability.md): a regular file within a size limit, UTF-8, YAML by the 1.2 rules with
bounded depth and aliases, JSON with bounded depth and finite numbers, HS codes normalised
one way, numbers finite and plausible, and every problem reported with its file, line and
field.
"""

from __future__ import annotations

from tradepivot.inputs._files import (
    DEFAULT_LIMITS,
    Limits,
    check_input_file,
    decode_text,
    read_bytes,
    read_text,
)
from tradepivot.inputs._hs import HS_EXPECTED, HsCodeError, NormalisedHs, normalise_hs
from tradepivot.inputs._json import JSON_LIMITS, finite_decoder, load_json
from tradepivot.inputs._numbers import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_QUANTITY,
    MAX_USD,
    IsoDate,
    check_number,
    implausible,
    iso_date,
)
from tradepivot.inputs._yaml import (
    Location,
    Written,
    WrittenFloat,
    WrittenInt,
    YamlDocument,
    load_yaml,
    read_yaml,
)

__all__ = [
    "DEFAULT_LIMITS",
    "FIRST_YEAR",
    "HS_EXPECTED",
    "JSON_LIMITS",
    "LAST_YEAR",
    "MAX_QUANTITY",
    "MAX_USD",
    "HsCodeError",
    "IsoDate",
    "Limits",
    "Location",
    "NormalisedHs",
    "Written",
    "WrittenFloat",
    "WrittenInt",
    "YamlDocument",
    "check_input_file",
    "check_number",
    "decode_text",
    "finite_decoder",
    "implausible",
    "iso_date",
    "load_json",
    "load_yaml",
    "normalise_hs",
    "read_bytes",
    "read_text",
    "read_yaml",
]
