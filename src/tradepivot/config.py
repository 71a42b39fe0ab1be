"""Settings: one declarative model, merged in one place.

Precedence, lowest first: defaults < config file (TOML) < ``TRADEPIVOT_*`` environment
variables < command-line flags (passed as ``overrides``). Unknown keys and wrong types fail
at start-up with a message naming the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from tradepivot.errors import InputError

__all__ = [
    "Settings",
    "default_cache_path",
    "default_config_path",
    "default_warehouse_path",
    "load_settings",
]

APP_NAME = "tradepivot"


def default_warehouse_path() -> Path:
    """Where user-ingested datasets live unless told otherwise."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "warehouse.duckdb"


def default_cache_path() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME))


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


class Settings(BaseSettings):
    """Every setting tradepivot reads; each field's description is its documentation."""

    model_config = SettingsConfigDict(env_prefix="TRADEPIVOT_", extra="forbid", frozen=True)

    warehouse: Path = Field(
        default_factory=default_warehouse_path,
        description="DuckDB file holding user-ingested datasets (created on first ingest).",
    )
    cache_dir: Path = Field(
        default_factory=default_cache_path,
        description="Folder for results computed once per dataset (e.g. export-potential pair terms).",
    )
    dataset: str = Field(
        default="world-2024",
        description="Bilateral trade dataset queries use when none is named.",
    )
    sectors_file: Path | None = Field(
        default=None,
        description="Extra YAML file of named HS scopes, added to (and overriding) the shipped sectors.",
    )
    currency: Literal["USD", "INR"] = Field(
        default="USD", description="Currency amounts are displayed in."
    )
    memory_limit: str = Field(
        default="6GB",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="Most memory the DuckDB engine may use before spilling to disk (e.g. 6GB; at least 256MB).",
    )
    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Analytics engine that runs the Ibis expressions: duckdb, or spark (the spark extra and Java 17).",
    )
    spark_master: str | None = Field(
        default=None,
        min_length=1,
        description="Master URL the spark engine starts its session with: local[N], spark://HOST:7077, yarn, k8s://URL (unset: local[2], or the master spark-submit was given).",
    )
    spark_connect_url: str | None = Field(
        default=None,
        pattern=r"^sc://[^\s]+$",
        description="Spark Connect server the spark engine uses instead of starting Spark itself, e.g. sc://HOST:15002 (the spark extra installs the Connect client).",
    )
    spark_data_dir: Path | None = Field(
        default=None,
        description="Folder where the spark engine writes the Parquet copy of an ingested dataset (one file per year) that Spark reads; on a cluster, one every executor can read (unset: cache_dir/spark/datasets).",
    )
    upload_limit: int = Field(
        default=5_000_000,
        ge=1_000,
        description="Largest request body the web app accepts, in bytes (uploaded scenarios and portfolios).",
    )
    database_url: str | None = Field(
        default=None,
        description="The event portal's database: sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DB (unset: portal.sqlite3 in the user data folder).",
    )
    mail_mode: Literal["console", "smtp"] = Field(
        default="console",
        description="How the portal sends e-mail: console (print messages and their links, for local use) or smtp.",
    )
    mail_from: str = Field(
        default="tradepivot@localhost", description="Sender address of the portal's e-mail."
    )
    smtp_host: str = Field(default="localhost", description="SMTP server of the portal's e-mail.")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP server port.")
    smtp_user: str | None = Field(default=None, description="SMTP user name (none: no login).")
    smtp_password: SecretStr | None = Field(
        default=None,
        description="SMTP password: set TRADEPIVOT_SMTP_PASSWORD in the environment, never in a file in a repository.",
    )
    smtp_starttls: bool = Field(
        default=True, description="Upgrade the SMTP connection with STARTTLS before logging in."
    )
    schedule_time_limit: float = Field(
        default=60.0,
        gt=0,
        le=86_400,
        description="Solver budget of `match schedule`, in seconds of CP-SAT deterministic time (about seconds on a laptop); --time-limit overrides it.",
    )
    reschedule_time_limit: float = Field(
        default=30.0,
        gt=0,
        le=86_400,
        description="Solver budget of `match reschedule` (a change on the day wants an answer fast); --time-limit overrides it.",
    )
    schedule_workers: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Threads CP-SAT searches with when scheduling; more finds good schedules sooner on a machine with more cores, and the same seed gives the same schedule only with the same number.",
    )
    result_cache_entries: int = Field(
        default=256,
        ge=0,
        description="Results the web app keeps per process, keyed by the datasets' checksums and the query (0 turns the cache off).",
    )


_UNITS = {
    "KB": 1e3,
    "MB": 1e6,
    "GB": 1e9,
    "TB": 1e12,
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
    "TiB": 2**40,
}
MIN_MEMORY = 256e6  # below this DuckDB cannot even read the embedded reference tables


def _memory_bytes(text: str) -> float:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(\w+)", text.strip())
    assert match is not None  # the field's pattern guarantees the form
    return float(match[1]) * _UNITS[match[2]]


def load_settings(
    config_file: Path | None = None, overrides: dict[str, Any] | None = None
) -> Settings:
    """Build settings from the config file, the environment and explicit overrides.

    ``config_file`` defaults to ``TRADEPIVOT_CONFIG`` or the user config directory; a
    missing default file is fine, a missing named file is an error.
    """
    named = config_file or (
        Path(os.environ["TRADEPIVOT_CONFIG"]) if "TRADEPIVOT_CONFIG" in os.environ else None
    )
    path = named or default_config_path()
    from_file: dict[str, Any] = {}
    if path.exists():
        from tradepivot.inputs import read_text

        text = read_text(path, "config file")
        try:
            from_file = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"Config file {path} is not valid TOML: {exc}") from exc
        except RecursionError:
            raise InputError(f"Config file {path} nests tables or arrays too deeply.") from None
    elif named is not None:
        raise InputError(f"Config file {path} does not exist.")
    env_keys = {
        name for name in Settings.model_fields if f"TRADEPIVOT_{name.upper()}" in os.environ
    }
    # The environment outranks the file: drop file keys the environment sets.
    merged = {k: v for k, v in from_file.items() if k not in env_keys}
    merged.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        settings = Settings(**merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise InputError(
            f"Invalid settings ({path if from_file else 'environment/flags'}): {problems}"
        ) from exc
    if _memory_bytes(settings.memory_limit) < MIN_MEMORY:
        raise InputError(
            f"Invalid settings: memory_limit {settings.memory_limit} is too small to work in.",
            hint="Give at least 256MB (TRADEPIVOT_MEMORY_LIMIT=4GB, for example).",
        )
    return settings
