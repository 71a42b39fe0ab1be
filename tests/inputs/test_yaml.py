"""YAML inputs: 1.2 scalars, finite numbers, limits, and the line of every value."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from tradepivot.errors import InputLimitError, SourceFileError
from tradepivot.inputs import Limits, load_yaml, read_yaml


def test_scalars_follow_yaml_1_2_and_codes_stay_text() -> None:
    doc = load_yaml(
        "a: [0101, 010121, 4202, 4202.10, yes, NO, 1:20, 2025-13-01, 0o17, 0x1f, ~, true, -3]\n",
        "x.yaml",
    )
    values = doc.data["a"]
    assert values[:3] == ["0101", "010121", 4202]
    assert values[3] == 4202.1 and values[3].text == "4202.10"
    assert values[4:] == ["yes", "NO", "1:20", "2025-13-01", "0o17", "0x1f", None, True, -3]


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        ("a: 1\nb: 1e400\n", "not finite", 2),
        ("a: .inf\n", "not a finite", 1),
        ("a: .nan\n", "not a finite", 1),
        ("a: 1\na: 2\n", "appears twice", 2),
        ("a: !!python/object:os.system x\n", "not allowed", 1),
        ("a: !!binary aGk=\n", "not allowed", 1),
        ("a: !!int x\n", "not a valid !!int", 1),
        ("a:\n  b: [1,\n", "not valid YAML", None),
        ("? [a]\n: 1\n", "plain text", 1),
    ],
)
def test_bad_documents_name_their_line(text: str, problem: str, line: int | None) -> None:
    with pytest.raises(SourceFileError, match=problem) as caught:
        load_yaml(text, "x.yaml")
    if line is not None:
        assert caught.value.line == line


def test_limits_depth_aliases_and_expansion() -> None:
    with pytest.raises(InputLimitError) as deep:
        load_yaml("a: " + "[" * 1000 + "]" * 1000, "x.yaml")
    assert deep.value.limit == "depth"
    laughs = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    with pytest.raises(InputLimitError) as laughed:
        load_yaml(laughs, "x.yaml")
    assert laughed.value.limit == "aliases"
    many = "m: &m {add: 1}\nmeasures:\n" + "  - *m\n" * 20_000
    with pytest.raises(InputLimitError, match="aliases"):
        load_yaml(many, "x.yaml")
    shared = "e: &e [A, B]\nx: [*e, *e]\n"
    assert load_yaml(shared, "x.yaml", Limits(max_aliases=2)).data["x"] == [["A", "B"]] * 2


def test_read_yaml_refuses_devices_big_files_and_bad_bytes(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="device"):
        read_yaml(Path("/dev/zero"), "scenario file")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 1000)
    with pytest.raises(InputLimitError, match="larger"):
        read_yaml(big, "scenario file", Limits(max_bytes=100))
    for content, problem in [
        (b"\xff\xfea\x00", "UTF-16"),
        (b"a: \xe9\n", "not UTF-8"),
        (b"\xef\xbb\xbf\xef\xbb\xbfa: 1\n", "two byte-order marks"),
        (b"a: b\x00c\n", "NUL"),
    ]:
        bad = tmp_path / "bad.yaml"
        bad.write_bytes(content)
        with pytest.raises(SourceFileError, match=problem):
            read_yaml(bad, "scenario file")
    with pytest.raises(SourceFileError, match="folder"):
        read_yaml(tmp_path, "scenario file")
    with pytest.raises(SourceFileError, match="does not exist"):
        read_yaml(tmp_path / "none.yaml", "scenario file")


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hs: str
    value: float


class _Root(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    items: list[_Item]


@pytest.mark.parametrize(
    ("text", "field", "line", "words"),
    [
        (
            "name: x\nitems:\n  - hs: '42'\n    valeu: 3\n",
            "items.0.valeu",
            4,
            "Did you mean 'value'",
        ),
        ("name: x\nitems:\n  - hs: '42'\n    value: abc\n", "items.0.value", 4, "abc"),
        ("name: x\nitems:\n  - hs: '42'\n", "items.0.value", 3, "'value' is missing"),
        ("items: []\n", "name", 1, "'name' is missing"),
    ],
)
def test_validation_errors_are_located(text: str, field: str | None, line: int, words: str) -> None:
    doc = load_yaml(text, "x.yaml")
    with pytest.raises(ValidationError) as caught:
        _Root.model_validate(doc.data)
    error = doc.validation_error(caught.value, _Root)
    assert (error.field, error.line) == (field, line)
    assert words in str(error)
