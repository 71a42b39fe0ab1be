"""The public surface is pinned: changing it is a decision, not an accident."""

from __future__ import annotations

import tradepivot
import tradepivot.errors
import tradepivot.services


def test_exported_names() -> None:
    assert tradepivot.__all__ == ["__version__", "open"]
    assert tradepivot.services.__all__ == [
        "Provenance",
        "Report",
        "bilateral_flows",
        "market_overview",
    ]
    assert set(tradepivot.errors.__all__) == {
        "DataGapError",
        "DataSourceError",
        "InfeasibleScheduleError",
        "InputError",
        "SourceFileError",
        "TradepivotError",
        "UnknownCountryError",
        "UnknownDatasetError",
        "UnknownProductError",
        "UnknownSectorError",
        "UnsupportedOperationError",
        "WarehouseLockedError",
    }


def test_every_user_error_descends_from_the_root_with_its_exit_code() -> None:
    for name in tradepivot.errors.__all__:
        cls = getattr(tradepivot.errors, name)
        assert issubclass(cls, tradepivot.errors.TradepivotError)
        if cls is not tradepivot.errors.TradepivotError:
            assert cls.__doc__ and cls.__doc__.startswith("Raised when"), name
        user_mistake = issubclass(
            cls, tradepivot.errors.InputError | tradepivot.errors.DataGapError
        )
        expected = 2 if user_mistake else 1
        assert cls.exit_code == expected, name


def test_open_works_on_the_embedded_data(tmp_path: object) -> None:
    wh = tradepivot.open(warehouse=str(tmp_path) + "/w.duckdb")
    assert wh.dataset().id == "world-2024"
    wh.close()
