"""The one error tree every tradepivot failure a user can meet belongs to.

Interfaces catch :class:`TradepivotError` once and show its message; programming
mistakes (``TypeError``, ``AssertionError`` ...) are deliberately *not* part of it.

::

    TradepivotError                   exit code 1 unless stated
    ├── InputError                    exit 2: the user asked for something invalid
    │   ├── UnknownCountryError       a country name/code that resolves to nothing
    │   ├── UnknownProductError       an HS code that does not exist in the edition
    │   ├── NoProductMatchError       plain words that match no product description
    │   ├── UnknownSectorError        a sector name that is not defined
    │   ├── UnknownDatasetError       a dataset name the warehouse does not hold
    │   ├── SourceFileError           an input file is malformed (file, line, field)
    │   │   └── InputLimitError       an input file is too large, too deep or too aliased
    │   ├── OutputPathError           an output path must not be written (folder, link, device)
    │   └── InfeasibleScheduleError   an event's fixed meetings or resources cannot all hold
    ├── DataSourceError               the warehouse or embedded data cannot serve the request
    │   ├── WarehouseLockedError      another process holds the warehouse for writing
    │   ├── WarehouseCorruptError     the warehouse file is damaged or not a tradepivot warehouse
    │   └── DataGapError              the data needed is a known gap of the dataset
    ├── StorageError                  the disk refused: full, read-only, no permission
    ├── ResourceLimitError            the work ran out of memory (or another resource)
    ├── UnsupportedOperationError     an engine lacks an operation (never a silent fallback)
    ├── ScheduleConflictError         another publish of the event came first or holds it
    └── Interrupted                   exit 130: Ctrl-C or SIGTERM; says what was kept

Foreign exceptions (DuckDB, Arrow, ``OSError``, ``RecursionError``, ``MemoryError``) are
translated into this tree at one boundary, :mod:`tradepivot.boundary`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = [
    "DataGapError",
    "DataSourceError",
    "InfeasibleScheduleError",
    "InputError",
    "InputLimitError",
    "Interrupted",
    "NoProductMatchError",
    "OutputPathError",
    "ResourceLimitError",
    "ScheduleConflictError",
    "SourceFileError",
    "StorageError",
    "TradepivotError",
    "UnknownCountryError",
    "UnknownDatasetError",
    "UnknownProductError",
    "UnknownSectorError",
    "UnsupportedOperationError",
    "WarehouseCorruptError",
    "WarehouseLockedError",
]


#: A parameter named in a message or hint: ``$level``, ``$hs``; see :meth:`TradepivotError.render`.
PARAM_MARK = re.compile(r"\$([a-z][a-z0-9_]*)")


class TradepivotError(Exception):
    """Root of every error a user can meet; ``exit_code`` is what the CLI returns.

    A message or hint may name the caller's parameters as ``$name`` (the parameter as the
    services call it, listed in ``mentions``): each interface names them its own way through
    :meth:`render`, the CLI as options (``--level``), the web API as query fields (``level``).
    ``message`` and ``str(error)`` read with the plain names.
    """

    exit_code: int = 1
    http_status: int = 500

    def __init__(
        self, message: str, *, hint: str | None = None, mentions: Sequence[str] = ()
    ) -> None:
        self.template = message
        self.hint_template = hint
        self.mentions: tuple[str, ...] = tuple(dict.fromkeys(mentions))
        self.hint: str | None = None
        self.message, self.hint = self.render(str)
        super().__init__(self.message if self.hint is None else f"{self.message}\n{self.hint}")

    def render(self, name: Callable[[str], str]) -> tuple[str, str | None]:
        """The message and hint with each mentioned parameter spelled by ``name``.

        Only the declared ``mentions`` are replaced, so a ``$`` in a value the user gave is
        kept as it is.
        """

        def fill(text: str) -> str:
            if not self.mentions:
                return text
            return PARAM_MARK.sub(lambda m: name(m[1]) if m[1] in self.mentions else m[0], text)

        # A hint set after construction (``exc.hint = ...``) is shown as it is.
        hint = self.hint_template if self.hint_template is not None else self.hint
        return fill(self.template), None if hint is None else fill(hint)


class InputError(TradepivotError):
    """Raised when an argument, option or input value is invalid.

    ``param`` names the parameter at fault as the services call it (``level``, ``exporter``);
    each interface shows it its own way: the CLI as its option (``--level``), the web API as
    the field of its 422 answer (``invalid-params``). Write it as ``$level`` in the message
    (and any other parameter the hint suggests, listed in ``mentions``)::

        raise InputError("$level must be 2, 4 or 6, not 3.", param="level")
    """

    exit_code = 2
    http_status = 422

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        param: str | None = None,
        mentions: Sequence[str] = (),
    ) -> None:
        self.param = param
        named = (param, *mentions) if param else tuple(mentions)
        super().__init__(message, hint=hint, mentions=named)


def _suggest(candidates: Sequence[str]) -> str | None:
    if not candidates:
        return None
    return "Did you mean: " + ", ".join(candidates) + "?"


class UnknownCountryError(InputError):
    """Raised when a country name or code matches no known country."""

    http_status = 404

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        super().__init__(
            f"Unknown country {query!r}. Use an ISO3 code (RUS), ISO2 (RU), "
            "an M49 number (643) or an English name.",
            hint=_suggest(self.suggestions),
        )


class UnknownProductError(InputError):
    """Raised when an HS code is malformed or does not exist in the edition asked for."""

    http_status = 404

    def __init__(
        self, query: str, edition: str, reason: str, suggestions: Sequence[str] = ()
    ) -> None:
        self.query = query
        self.edition = edition
        self.suggestions = list(suggestions)
        super().__init__(
            f"HS code {query!r} {reason} ({edition}).", hint=_suggest(self.suggestions)
        )


class NoProductMatchError(InputError):
    """Raised when a product search finds nothing: says what was searched and what to try."""

    http_status = 404

    def __init__(self, query: str, searched: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        hint = _suggest(self.suggestions)
        tips = (
            "Try other or fewer words (English or Russian: 'leather bags', 'сумки'), a "
            "trade name ('wallet', 'safety shoes'), or an HS code (`tradepivot hs 42` lists "
            "chapter 42's headings)."
        )
        super().__init__(
            f"No product matches {query!r} in {searched}.",
            hint=f"{hint} {tips}" if hint else tips,
        )


class UnknownSectorError(InputError):
    """Raised when a sector name is not in the sectors file."""

    http_status = 404

    def __init__(self, query: str, known: Sequence[str], suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        hint = _suggest(self.suggestions) or ""
        super().__init__(
            f"Unknown sector {query!r}. Known sectors: {', '.join(known)}.",
            hint=(hint + " Add your own in a $sectors file (see docs/sectors.md).").strip(),
            param="sector",
            mentions=("sectors",),
        )


class UnknownDatasetError(InputError):
    """Raised when a dataset name is not in the warehouse."""

    http_status = 404

    def __init__(self, query: str, known: Sequence[str]) -> None:
        self.query = query
        super().__init__(
            f"Unknown dataset {query!r}. Available: {', '.join(known) or 'none'}.",
            hint="List them with `tradepivot data status`.",
        )


class SourceFileError(InputError):
    """Raised when an input file cannot be read as its declared format.

    Carries the file, the 1-based physical line (``None`` when the problem is the file
    as a whole, e.g. a missing column) and the field.
    """

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        line: int | None = None,
        field: str | None = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.problem = problem
        self.expected = expected
        where = path if line is None else f"{path}, line {line}"
        if field is not None:
            where += f", field {field!r}"
        text = f"{where}: {problem}"
        if expected:
            text += f" (expected {expected})"
        super().__init__(text, hint=hint)


class InputLimitError(SourceFileError):
    """Raised when an input file exceeds a size, nesting-depth or alias limit.

    The limits keep a hostile or mistaken file (``/dev/zero``, a "billion laughs" YAML, JSON
    nested 10,000 deep) from exhausting memory or time; ``limit`` names the one exceeded.
    """

    def __init__(
        self,
        path: str,
        problem: str,
        *,
        limit: str,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.limit = limit
        super().__init__(path, problem, line=line, field=field, hint=hint)


class OutputPathError(InputError):
    """Raised when an output path must not be written: a folder, a link, a device, a
    read-only file (without ``--force``), or a place that cannot hold a file."""

    def __init__(self, path: str, problem: str, *, hint: str | None = None) -> None:
        self.path = path
        self.problem = problem
        shown = repr(path) if path in ("", ".") else path
        super().__init__(f"Cannot write {shown}: {problem}", hint=hint)


class DataSourceError(TradepivotError):
    """Raised when the warehouse or the embedded data cannot answer."""

    http_status = 503


class WarehouseLockedError(DataSourceError):
    """Raised when another process holds the warehouse file open for writing."""


class WarehouseCorruptError(DataSourceError):
    """Raised when the warehouse file is damaged or is not a tradepivot (DuckDB) warehouse."""


class DataGapError(DataSourceError):
    """Raised when a request falls entirely into a known gap of the data."""

    exit_code = 2
    http_status = 404


class StorageError(TradepivotError):
    """Raised when the file system refuses: the disk is full, a folder is read-only, a file
    cannot be read or written for lack of permission, or the device fails."""

    http_status = 507

    def __init__(self, path: str, problem: str, *, hint: str | None = None) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem, hint=hint)


class ResourceLimitError(TradepivotError):
    """Raised when the work needs more memory (or another resource) than it may use."""

    http_status = 503


class Interrupted(TradepivotError):
    """Raised when the user interrupts the work (Ctrl-C, SIGTERM); ``kept`` says what was
    completed before the interrupt (nothing, unless listed)."""

    exit_code = 130
    http_status = 503

    def __init__(self, kept: Sequence[str] = (), *, signal_name: str = "SIGINT") -> None:
        self.kept = list(kept)
        self.signal_name = signal_name
        if self.kept:
            text = (
                "Interrupted: kept "
                + "; ".join(self.kept)
                + " (complete); nothing else was changed."
            )
        else:
            text = "Interrupted: nothing was changed."
        super().__init__(text)


class UnsupportedOperationError(TradepivotError):
    """Raised when the chosen engine cannot run an operation."""

    http_status = 501


class InfeasibleScheduleError(InputError):
    """Raised when an event's fixed meetings or resources cannot all hold at once.

    Names the constraint and the participants involved, so an organiser knows what to change.
    """

    http_status = 409

    def __init__(
        self, constraint: str, participants: Sequence[str], detail: str, *, hint: str | None = None
    ) -> None:
        self.constraint = constraint
        self.participants = list(participants)
        who = ", ".join(self.participants) if self.participants else "no participant in particular"
        super().__init__(
            f"Infeasible schedule ({constraint}): {detail} [participants: {who}]", hint=hint
        )


class ScheduleConflictError(TradepivotError):
    """Raised when an event's schedule changed under a writer: another publish came first
    (the schedule was computed from an older version) or still holds the event."""

    http_status = 409
