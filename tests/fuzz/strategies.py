"""Hypothesis strategies: malformed versions of real-format files.

Each strategy starts from a real-format fixture (tests/fixtures) and applies a few
mutations a careless or hostile user, a broken download or a spreadsheet program produces:
hostile values in fields (infinities, 400 digits, fractional years, NUL, quotes, control and
bidi characters), fields and lines dropped or doubled, renamed or shuffled headers, the file
truncated or spliced with bytes, other encodings and line ends. JSON and YAML documents are
mutated as trees (a value replaced, a key dropped, the nesting deepened) and as text.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from typing import Any

import yaml
from hypothesis import strategies as st

__all__ = [
    "HOSTILE_TEXT",
    "HOSTILE_VALUES",
    "mutated_csv",
    "mutated_json",
    "mutated_yaml",
]

# Field values that broke (or could break) a reader: numbers that overflow or are not
# numbers, years that are not whole, text that is not text, and separators inside fields.
HOSTILE_TEXT = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1",
    "-0",
    "0",
    "+5",
    "9" * 400,
    "1e306",
    "1e-400",
    "2024.5",
    "99999",
    "0x1F",
    "1_000",
    "１２",
    "٣",
    "12,5x",
    "NA",
    "null",
    "None",
    "true",
    "\x00",
    "a\x00b",
    "\u202e",
    "\ufeff",
    "\x1b[31m",
    '"',
    '""',
    "'",
    ",",
    ";",
    "\t",
    "\r",
    "\n",
    "a" * 300,
    "00000000",
    "000001",
    "é",
    "../../x",
    "=cmd|'/c calc'!A1",
    "1e308",
    "18446744073709551616",
    "2147483648",
    "-2147483649",
]
HOSTILE_VALUES: list[Any] = [
    None,
    "",
    "x",
    -1,
    0,
    1e308,
    10**400,
    -(10**30),
    2**63,
    True,
    [],
    {},
    [1, [2]],
    {"a": None},
    "NaN",
    "1e400",
    "\x00",
    2024.5,
    "9999-00",
    "1800-01",
]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _edit_field(value: str) -> Callable[[list[str], int, int], None]:
    def edit(lines: list[str], row: int, col: int) -> None:
        ending = (
            "\r\n" if lines[row].endswith("\r\n") else "\n" if lines[row].endswith("\n") else ""
        )
        fields = lines[row][: len(lines[row]) - len(ending)].split(",")
        fields[col % len(fields)] = value
        lines[row] = ",".join(fields) + ending

    return edit


@st.composite
def _line_mutation(draw: st.DrawFn, lines: list[str]) -> None:
    """Change ``lines`` in place, one mutation."""
    row = draw(st.integers(0, max(0, len(lines) - 1)))
    kind = draw(
        st.sampled_from(
            [
                "value",
                "value",
                "value",
                "quoted",
                "drop_field",
                "add_field",
                "drop_line",
                "double_line",
                "header_rename",
                "header_swap",
                "header_space",
                "blank_line",
            ]
        )
    )
    if not lines:
        return
    col = draw(st.integers(0, 60))
    ending = "\r\n" if lines[row].endswith("\r\n") else "\n"
    fields = lines[row].rstrip("\r\n").split(",")
    if kind == "value":
        _edit_field(draw(st.sampled_from(HOSTILE_TEXT) | st.text(max_size=12)))(lines, row, col)
    elif kind == "quoted":
        value = draw(st.sampled_from(HOSTILE_TEXT))
        _edit_field('"' + value.replace('"', '""') + '"')(lines, row, col)
    elif kind == "drop_field":
        del fields[col % len(fields)]
        lines[row] = ",".join(fields) + ending
    elif kind == "add_field":
        fields.insert(col % (len(fields) + 1), draw(st.sampled_from(HOSTILE_TEXT)))
        lines[row] = ",".join(fields) + ending
    elif kind == "drop_line":
        del lines[row]
    elif kind == "double_line":
        lines.insert(row, lines[row])
    elif kind == "header_rename":
        head = lines[0].rstrip("\r\n").split(",")
        head[col % len(head)] = draw(st.sampled_from(["", "x", head[0], "T", "value", '"v"']))
        lines[0] = ",".join(head) + ending
    elif kind == "header_swap":
        head = lines[0].rstrip("\r\n").split(",")
        other = draw(st.integers(0, len(head) - 1))
        i = col % len(head)
        head[i], head[other] = head[other], head[i]
        lines[0] = ",".join(head) + ending
    elif kind == "header_space":
        lines[0] = lines[0].replace(",", ", ")
    else:
        lines.insert(row, ending)


@st.composite
def _byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "splice",
                "bom",
                "bom2",
                "latin1",
                "utf16",
                "crlf",
                "lf",
                "no_newline",
                "nothing",
            ]
        )
    )
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "splice":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if kind == "bom":
        return codecs.BOM_UTF8 + data
    if kind == "bom2":
        return codecs.BOM_UTF8 * 2 + data
    if kind == "latin1":
        return data.decode("utf-8", "replace").replace("a", "\xe9", 1).encode("latin-1", "replace")
    if kind == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if kind == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "lf":
        return data.replace(b"\r\n", b"\n")
    if kind == "no_newline":
        return data.rstrip(b"\r\n")
    return data


@st.composite
def mutated_csv(draw: st.DrawFn, text: str, max_mutations: int = 3) -> bytes:
    """``text`` (a CSV file) with 1 to ``max_mutations`` line mutations, then maybe a byte one."""
    lines = _lines(text)
    for _ in range(draw(st.integers(1, max_mutations))):
        draw(_line_mutation(lines))
    data = "".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = draw(_byte_mutation(data))
    return data


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:4]):  # enough elements to reach every shape
            found += _paths(value, (*prefix, i))
    return found


def _set(node: Any, path: tuple[Any, ...], value: Any, *, delete: bool = False) -> Any:
    if not path:
        return value
    parent = node
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return node


@st.composite
def _tree_mutation(draw: st.DrawFn, doc: Any) -> Any:
    paths = _paths(doc)
    path = draw(st.sampled_from(paths))
    kind = draw(st.sampled_from(["value", "value", "delete", "deepen", "wrap"]))
    if kind == "delete" and path:
        return _set(doc, path, None, delete=True)
    if kind == "deepen":
        nested: Any = 1
        for _ in range(draw(st.sampled_from([10, 70, 200]))):
            nested = [nested]
        return _set(doc, path, nested)
    if kind == "wrap":
        parent = doc
        for key in path:
            parent = parent[key]
        return _set(doc, path, [parent])
    return _set(doc, path, draw(st.sampled_from(HOSTILE_VALUES) | st.text(max_size=8)))


@st.composite
def mutated_json(draw: st.DrawFn, text: str, max_mutations: int = 2) -> bytes:
    """A JSON document mutated as a tree, then maybe as bytes (truncated, spliced, ...)."""
    doc = json.loads(text)
    for _ in range(draw(st.integers(1, max_mutations))):
        doc = draw(_tree_mutation(doc))
    data = json.dumps(doc, allow_nan=True).encode()
    if draw(st.integers(0, 3)) == 0:
        data = draw(_byte_mutation(data))
    return data


# YAML text that tripped YAML readers: aliases, tags, octal/sexagesimal scalars, tabs, merges.
YAML_SNIPPETS = [
    "&a x",
    "*a",
    "*nope",
    "!!python/object:os.system ls",
    "!!binary aGk=",
    "0101",
    "0o17",
    "1:30:00",
    "0x1F",
    "yes",
    "no",
    "on",
    "~",
    ".inf",
    "-.nan",
    "2025-13-01",
    "2025-09-01T10:00",
    "<<: *a",
    "\t",
    "? [a]\n: b",
    "'unterminated",
    '"\\x00"',
    "|\n  block",
    "- - - -",
    "{a: [",
    "1e400",
    "2147483648",
    "%YAML 1.1\n---",
    "--- \n---",
    "...",
]


@st.composite
def mutated_yaml(draw: st.DrawFn, text: str, max_mutations: int = 2) -> bytes:
    """A YAML document mutated as a tree (through JSON-like values) or as text."""
    if draw(st.booleans()):
        doc = yaml.safe_load(text)
        for _ in range(draw(st.integers(1, max_mutations))):
            doc = draw(_tree_mutation(doc))
        try:
            out = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        except (yaml.YAMLError, OverflowError, ValueError):
            out = text
    else:
        lines = _lines(text)
        for _ in range(draw(st.integers(1, max_mutations))):
            row = draw(st.integers(0, max(0, len(lines) - 1)))
            snippet = draw(st.sampled_from(YAML_SNIPPETS))
            line = lines[row] if lines else ""
            if ":" in line and draw(st.booleans()):
                key = line.split(":", 1)[0]
                lines[row] = f"{key}: {snippet}\n"
            else:
                lines.insert(row, snippet + "\n")
        out = "".join(lines)
    data = out.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        data = draw(_byte_mutation(data))
    return data
