"""YAML input files: safe, bounded, YAML 1.2 scalars, and the line of every value.

PyYAML implements YAML 1.1, whose implicit types surprise: ``0101`` is the octal number 65,
``1:20`` is 80, ``NO`` (Norway) is ``False``, ``2025-13-01`` crashes the date constructor.
tradepivot composes the document with PyYAML's safe composer and builds the values itself:

- plain scalars follow the YAML 1.2 core schema: ``null``/``~``/empty, ``true``/``false``,
  decimal integers and floats; everything else is text (dates, ``yes``/``no``, ``1:20``);
- an integer written with a leading zero (``0101``), in octal (``0o17``) or hex (``0x1f``)
  stays text too: in these files it is a code, never a number;
- numbers remember how they were written (:class:`Written`), so ``hs: 4202.10`` is code
  420210, not 4202.1;
- every number is finite: ``1e400`` and ``.inf`` are errors with their line;
- a key may appear once per mapping; only the standard tags are accepted (``!!str`` …);
- size, nesting depth, alias count and alias expansion are bounded (:class:`Limits`).

:class:`YamlDocument` maps a location (``("measures", 3, "products", 0)``) to its line and
turns pydantic validation errors into :class:`~tradepivot.errors.SourceFileError` naming the
file, the line, the field, what was expected and, for a misspelt key, the likely one.
"""

from __future__ import annotations

import difflib
import math
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from tradepivot.errors import InputLimitError, SourceFileError
from tradepivot.inputs._files import DEFAULT_LIMITS, Limits, read_text

__all__ = [
    "Location",
    "Written",
    "WrittenFloat",
    "WrittenInt",
    "YamlDocument",
    "load_yaml",
    "read_yaml",
]

Location = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9]+$")  # 0101: a code, not a number
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_PLAIN = "tag:tradepivot,2025:plain"  # a plain (unquoted, untagged) scalar, typed below
_COLLECTIONS = {_TAG + "map", _TAG + "seq"}


class Written:
    """A number that remembers the text it was written as (``.text``)."""

    text: str


class WrittenInt(int, Written):
    """An integer from YAML, with the text it was written as."""

    def __new__(cls, value: int, text: str) -> WrittenInt:
        number = super().__new__(cls, value)
        number.text = text
        return number


class WrittenFloat(float, Written):
    """A float from YAML, with the text it was written as (``4202.10`` keeps its zero)."""

    def __new__(cls, value: float, text: str) -> WrittenFloat:
        number = super().__new__(cls, value)
        number.text = text
        return number


class _Problem(Exception):
    def __init__(self, problem: str, node: Node, *, limit: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = node.start_mark.line + 1
        self.limit = limit


class _BoundedLoader(Reader, Scanner, Parser, Composer, BaseResolver):
    """PyYAML's pure-Python composer with the nesting depth and alias count bounded.

    One implicit resolver marks plain scalars (``_PLAIN``) so :func:`_scalar` can tell them
    from quoted or explicitly tagged ones and type them by the YAML 1.2 rules.
    """

    def __init__(self, text: str, limits: Limits) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)
        self.yaml_implicit_resolvers = {None: [(_PLAIN, re.compile(r".*", re.DOTALL))]}
        self.limits = limits
        self.depth = 0
        self.aliases = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _LimitAt(
                    f"uses more than {self.limits.max_aliases:,} aliases (*name)",
                    event.start_mark.line + 1,
                    "aliases",
                )
        self.depth += 1
        try:
            if self.depth > self.limits.max_depth:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _LimitAt(
                    f"nests collections more than {self.limits.max_depth} levels deep",
                    event.start_mark.line + 1,
                    "depth",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _LimitAt(Exception):
    def __init__(self, problem: str, line: int, limit: str) -> None:
        super().__init__(problem)
        self.problem, self.line, self.limit = problem, line, limit


def _number(node: ScalarNode, text: str, kind: str) -> int | float:
    if kind == "int":
        try:
            return WrittenInt(int(text), text)
        except ValueError:  # more digits than Python converts (4,300)
            raise _Problem(f"number {text[:20]}… is too long", node) from None
    value = float(text)
    if not math.isfinite(value):
        raise _Problem(f"number {text[:40]!r} is not finite", node)
    return WrittenFloat(value, text)


def _scalar(node: ScalarNode) -> object:
    """A scalar by the YAML 1.2 core schema, with tradepivot's safer exceptions."""
    text, tag = node.value, node.tag
    if tag == _TAG + "str":
        return text  # quoted, or tagged !!str: always text
    if tag == _PLAIN:
        if _NULL.match(text):
            return None
        if text in _BOOL:
            return _BOOL[text]
        if _LEADING_ZERO.match(text):
            return text
        if _INT.match(text):
            return _number(node, text, "int")
        if _FLOAT.match(text):
            return _number(node, text, "float")
        if _SPECIAL_FLOAT.match(text):
            raise _Problem(f"{text!r} is not a finite number", node)
        return text
    explicit = tag.removeprefix(_TAG)
    if explicit == "null" and _NULL.match(text):
        return None
    if explicit == "bool" and text in _BOOL:
        return _BOOL[text]
    if explicit == "int" and _INT.match(text):
        return _number(node, text, "int")
    if explicit == "float" and (_FLOAT.match(text) or _INT.match(text)):
        return _number(node, text, "float")
    if explicit in ("null", "bool", "int", "float"):
        raise _Problem(f"{text!r} is not a valid !!{explicit}", node)
    raise _Problem(f"tag {tag!r} is not allowed here", node)


@dataclass
class _Builder:
    """Python values from composed nodes, recording lines and bounding alias expansion."""

    limits: Limits
    lines: dict[Location, int] = field(default_factory=dict)
    built: dict[int, Any] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)

    def size(self, node: Node) -> int:
        """Values in ``node`` with its aliases expanded (memoised: linear in the nodes)."""
        key = id(node)
        if key not in self.sizes:
            self.sizes[key] = 0  # a self-referencing alias counts once
            if isinstance(node, MappingNode):
                total = 1 + sum(self.size(k) + self.size(v) for k, v in node.value)
            elif isinstance(node, SequenceNode):
                total = 1 + sum(self.size(v) for v in node.value)
            else:
                total = 1
            self.sizes[key] = min(total, self.limits.max_nodes + 1)
        return self.sizes[key]

    def build(self, node: Node, at: Location) -> Any:
        if isinstance(node, ScalarNode):
            return _scalar(node)
        if id(node) in self.built:  # an alias: the same value, as PyYAML gives it
            return self.built[id(node)]
        if node.tag not in _COLLECTIONS:
            raise _Problem(f"tag {node.tag!r} is not allowed here", node)
        if isinstance(node, MappingNode):
            out: dict[str, Any] = {}
            self.built[id(node)] = out
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise _Problem("keys must be plain text, not lists or mappings", key_node)
                key = str(key_node.value)  # a key is a name, whatever it looks like
                if key in out:
                    raise _Problem(f"key {key!r} appears twice in this mapping", key_node)
                self.lines[(*at, key)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, (*at, key))
            return out
        assert isinstance(node, SequenceNode)
        items: list[Any] = []
        self.built[id(node)] = items
        for index, item in enumerate(node.value):
            self.lines[(*at, index)] = item.start_mark.line + 1
            items.append(self.build(item, (*at, index)))
        return items


def _model_at(model: type[BaseModel] | None, loc: Location) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``loc`` (for "did you mean")."""
    current: Any = model
    for part in loc:
        current = _unwrap(current, part)
        if current is None:
            return None
    found = _unwrap(current, None)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def _unwrap(annotation: Any, part: str | int | None) -> Any:
    """Step into ``annotation`` by ``part`` (a field name, a list index, a dict key)."""
    for _ in range(8):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if part is None:
                return annotation
            if isinstance(part, str) and part in annotation.model_fields:
                return annotation.model_fields[part].annotation
            return None
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in args if a is not type(None)]
            annotation = next(
                (
                    a
                    for a in models
                    if typing.get_origin(a) in (list, tuple, dict)
                    or (isinstance(a, type) and issubclass(a, BaseModel))
                ),
                models[0] if models else None,
            )
        elif origin in (list, tuple, set, frozenset) and part is not None:
            return args[0] if args else None
        elif origin is dict and part is not None:
            return args[1] if len(args) > 1 else None
        else:
            return None if part is not None else annotation
    return None


@dataclass(frozen=True)
class YamlDocument:
    """A loaded YAML file: its data and the line of every key and item."""

    path: str
    data: Any
    lines: Mapping[Location, int]

    def line(self, at: Sequence[str | int]) -> int:
        """The line of ``at``, or of its deepest ancestor the file has (1 for the root)."""
        for cut in range(len(at), 0, -1):
            found = self.lines.get(tuple(at[:cut]))
            if found is not None:
                return found
        return 1

    def fail(
        self,
        at: Sequence[str | int],
        problem: str,
        *,
        expected: str | None = None,
        hint: str | None = None,
    ) -> SourceFileError:
        """An error at ``at``: file, line, dotted field name."""
        named = ".".join(str(p) for p in at) or None
        return SourceFileError(
            self.path, problem, line=self.line(at), field=named, expected=expected, hint=hint
        )

    def validation_error(
        self,
        exc: ValidationError,
        model: type[BaseModel] | None = None,
        *,
        expected: Mapping[str, str] | None = None,
        hint: str | None = None,
    ) -> SourceFileError:
        """The first problem pydantic found, located in the file.

        ``model`` is the root model (for the keys a misspelt key could have meant);
        ``expected`` maps field names to what a value should look like.
        """
        errors = exc.errors()
        # A misspelt key also leaves the right one missing: report the misspelling.
        error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        at: list[str | int] = []
        for part in error["loc"]:
            fields = _model_at(model, tuple(at))
            if (
                isinstance(part, int)
                or (*at, part) in self.lines
                or (fields is not None and part in fields.model_fields)
            ):
                at.append(part)  # drop the union-member tags pydantic appends
        last = next((p for p in reversed(at) if isinstance(p, str)), "")
        known = expected or {}
        if error["type"] == "missing":  # the line of the mapping that lacks the key
            return SourceFileError(
                self.path,
                f"required key {last!r} is missing",
                line=self.line(at[:-1]),
                field=".".join(str(p) for p in at),
                expected=known.get(last),
                hint=hint,
            )
        if error["type"] == "extra_forbidden":
            parent = _model_at(model, tuple(at[:-1]))
            keys = list(parent.model_fields) if parent is not None else []
            close = difflib.get_close_matches(str(last), keys, n=1)
            return self.fail(
                at,
                f"unknown key {last!r}",
                expected="one of " + ", ".join(keys) if keys else None,
                hint=f"Did you mean {close[0]!r}?" if close else hint,
            )
        context = error.get("ctx") or {}
        if error["type"] == "value_error" and "error" in context:
            problem = str(context["error"])
        else:
            problem = str(error["msg"])
            value = error.get("input")
            if value is not None and not isinstance(value, Mapping | list):
                problem += f": {value.text if isinstance(value, Written) else repr(value)}"
        return self.fail(at, problem, expected=known.get(last), hint=hint)


def load_yaml(text: str, path: str, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Parse one YAML document (see the module docstring for the rules).

    >>> doc = load_yaml("products: [0101, 4202.10]\\nmarket: NO\\n", "s.yaml")
    >>> doc.data["products"], doc.data["market"], doc.line(("market",))
    (['0101', 4202.1], 'NO', 2)
    >>> doc.data["products"][1].text
    '4202.10'
    """
    loader = _BoundedLoader(text, limits)
    try:
        node = loader.get_single_node()
    except _LimitAt as exc:
        raise InputLimitError(
            path, exc.problem, limit=exc.limit, line=exc.line, hint="Simplify the file."
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SourceFileError(
            path,
            f"is not valid YAML: {exc.problem or exc.context}",
            line=mark.line + 1 if mark else None,
            hint="Check the indentation and quoting around this line.",
        ) from None
    except yaml.YAMLError as exc:
        raise SourceFileError(path, f"is not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        return YamlDocument(path, None, {})
    builder = _Builder(limits)
    if builder.size(node) > limits.max_nodes:
        raise InputLimitError(
            path,
            f"expands to more than {limits.max_nodes:,} values through its aliases",
            limit="aliases",
            line=1,
            hint="Write the values out, or use fewer nested aliases.",
        )
    try:
        data = builder.build(node, ())
    except _Problem as exc:
        raise SourceFileError(path, exc.problem, line=exc.line) from None
    return YamlDocument(path, data, builder.lines)


def read_yaml(path: Path, what: str, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Read and parse a YAML input file (:func:`~tradepivot.inputs.read_text`, then
    :func:`load_yaml`); ``what`` names it in messages ("scenario file")."""
    return load_yaml(read_text(path, what, limits), str(path), limits)
