"""Settings: precedence, validation, documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradepivot.config import Settings, load_settings
from tradepivot.errors import InputError

DOCS = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def test_precedence_defaults_file_environment_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('dataset = "from-file"\ncurrency = "INR"\n')
    assert load_settings(config).dataset == "from-file"
    monkeypatch.setenv("TRADEPIVOT_DATASET", "from-env")
    settings = load_settings(config)
    assert (settings.dataset, settings.currency) == ("from-env", "INR")
    assert load_settings(config, {"dataset": "from-flag"}).dataset == "from-flag"
    assert load_settings(config, {"dataset": None}).dataset == "from-env"


def test_unknown_keys_and_bad_values_fail_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('datset = "typo"\n')
    with pytest.raises(InputError, match="datset"):
        load_settings(config)
    config.write_text('currency = "EUR"\n')
    with pytest.raises(InputError, match="currency"):
        load_settings(config)
    config.write_text("not toml [")
    with pytest.raises(InputError, match="not valid TOML"):
        load_settings(config)
    with pytest.raises(InputError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"`{name}`" in text and f"TRADEPIVOT_{name.upper()}" in text, name
