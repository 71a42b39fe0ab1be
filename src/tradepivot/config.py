"""Settings: one declarative model, merged in one place.

Precedence, lowest first: defaults < config file (TOML) < ``TRADEPIVOT_*`` environment
variables < command-line flags (passed as ``overrides``). Unknown keys and wrong types fail
at start-up with a message naming the key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, ValidationError
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
        description="Most memory the DuckDB engine may use before spilling to disk (e.g. 6GB).",
    )
    engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Analytics engine that runs the Ibis expressions: duckdb, or spark (the spark extra and Java 17).",
    )


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
        try:
            from_file = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"Config file {path} is not valid TOML: {exc}") from exc
    elif named is not None:
        raise InputError(f"Config file {path} does not exist.")
    env_keys = {
        name for name in Settings.model_fields if f"TRADEPIVOT_{name.upper()}" in os.environ
    }
    # The environment outranks the file: drop file keys the environment sets.
    merged = {k: v for k, v in from_file.items() if k not in env_keys}
    merged.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return Settings(**merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise InputError(
            f"Invalid settings ({path if from_file else 'environment/flags'}): {problems}"
        ) from exc
