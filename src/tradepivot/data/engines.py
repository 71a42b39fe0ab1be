"""The engine registry: which engines can run the analytics, and what each of them can do.

The analytics are Ibis expressions written once (DESIGN.md section 3); an *engine* is the
backend that runs them. Each engine is a small, immutable record with a name and a set of
declared capabilities, so a caller asks ``engine.require("user_datasets", ...)`` and gets a
named :class:`~tradepivot.errors.UnsupportedOperationError` instead of a silent fallback, and
the conformance suite (tests/conformance) reads the same declarations to mark each engine's
known gaps.

=========== ========================================= =================================
engine      runs on                                   lacks
=========== ========================================= =================================
``duckdb``  in-process DuckDB (the default)           nothing
``spark``   a local or cluster SparkSession (PySpark, ``cursors``: no web app on Spark
            or a Spark Connect server)
=========== ========================================= =================================

The spark engine reads an ingested dataset through a Parquet copy that it writes from the
DuckDB file once per ingest (:meth:`tradepivot.data.spark.SparkWarehouse.user_parquet`).

:func:`open_warehouse` is the one place that turns ``settings.engine`` into a warehouse
object; an unknown engine name is an :class:`~tradepivot.errors.InputError`, never a fallback.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from tradepivot.config import Settings
from tradepivot.errors import InputError, UnsupportedOperationError

if TYPE_CHECKING:
    from tradepivot.data.warehouse import Warehouse

__all__ = [
    "CAPABILITIES",
    "ENGINES",
    "Capability",
    "Engine",
    "get_engine",
    "open_warehouse",
]

Capability = Literal["materialise", "window_functions", "write_cache", "user_datasets", "cursors"]
#: Every capability an engine may declare, with what it means for a caller.
CAPABILITIES: Mapping[Capability, str] = MappingProxyType(
    {
        "materialise": "run an expression once and keep the result for later queries",
        "window_functions": "ranks and shares over windows (row_number, sum over partitions)",
        "write_cache": "write derived tables (e.g. export-potential pair terms) to the cache dir",
        "user_datasets": "query datasets ingested into the user's DuckDB warehouse file",
        "cursors": "a connection per request for concurrent queries (the web app)",
    }
)


@dataclass(frozen=True)
class Engine:
    """One analytics engine: its name, what it can do, and the class that implements it.

    ``warehouse`` is ``"module:Class"`` and imported only when the engine is opened, so
    choosing DuckDB never imports PySpark.
    """

    name: str
    description: str
    capabilities: frozenset[Capability]
    warehouse: str
    install_hint: str | None = None

    def supports(self, capability: Capability) -> bool:
        """Whether the engine declares ``capability``."""
        return capability in self.capabilities

    def require(self, capability: Capability, operation: str, *, hint: str | None = None) -> None:
        """Raise :class:`UnsupportedOperationError` naming ``operation`` when it is lacking.

        >>> ENGINES["spark"].require("materialise", "caching a result")
        >>> ENGINES["spark"].require("cursors", "serving the web app")
        Traceback (most recent call last):
        ...
        tradepivot.errors.UnsupportedOperationError: The spark engine cannot do this: serving the web app (it lacks cursors: a connection per request for concurrent queries (the web app)).
        """
        if capability not in self.capabilities:
            raise UnsupportedOperationError(
                f"The {self.name} engine cannot do this: {operation} "
                f"(it lacks {capability}: {CAPABILITIES[capability]}).",
                hint=hint,
            )

    def warehouse_class(self) -> type[Warehouse]:
        """The :class:`Warehouse` subclass that runs this engine (imported on demand)."""
        module_name, _, class_name = self.warehouse.partition(":")
        cls: type[Warehouse] = getattr(importlib.import_module(module_name), class_name)
        return cls


SPARK_INSTALL_HINT = "pip install 'tradepivot[spark]' (PySpark 4.0 needs Java 17 or newer)"

#: The engines by the name ``settings.engine`` / ``--engine`` uses.
ENGINES: Mapping[str, Engine] = MappingProxyType(
    {
        "duckdb": Engine(
            name="duckdb",
            description="DuckDB in process: embedded data and the user's warehouse file.",
            capabilities=frozenset(
                {"materialise", "window_functions", "write_cache", "user_datasets", "cursors"}
            ),
            warehouse="tradepivot.data.warehouse:Warehouse",
        ),
        "spark": Engine(
            name="spark",
            description="PySpark (local[2] by default, a cluster master or a Spark Connect "
            "server): for data that outgrows one machine.",
            capabilities=frozenset(
                {"materialise", "window_functions", "write_cache", "user_datasets"}
            ),
            warehouse="tradepivot.data.spark:SparkWarehouse",
            install_hint=SPARK_INSTALL_HINT,
        ),
    }
)


def get_engine(name: str) -> Engine:
    """The engine called ``name``; an unknown name fails, listing the known ones.

    >>> get_engine("duckdb").supports("user_datasets")
    True
    >>> get_engine("polars")
    Traceback (most recent call last):
    ...
    tradepivot.errors.InputError: Unknown engine 'polars'. Known engines: duckdb, spark.
    Choose one with --engine or TRADEPIVOT_ENGINE.
    """
    engine = ENGINES.get(name)
    if engine is None:
        raise InputError(
            f"Unknown engine {name!r}. Known engines: {', '.join(ENGINES)}.",
            hint="Choose one with --engine or TRADEPIVOT_ENGINE.",
        )
    return engine


def open_warehouse(settings: Settings | None = None) -> Warehouse:
    """Open the warehouse of the engine ``settings.engine`` names (DuckDB by default).

    The only place that maps an engine name to a warehouse class: the CLI, the web app and
    ``tradepivot.open()`` all come through here.

    >>> wh = open_warehouse(Settings(engine="duckdb"))
    >>> type(wh).__name__
    'Warehouse'
    """
    settings = settings or Settings()
    return get_engine(settings.engine).warehouse_class()(settings)
