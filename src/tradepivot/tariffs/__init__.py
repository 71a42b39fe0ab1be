"""Tariff measures, scenarios, SMART-style shock simulation and exposure (pure computations)."""
