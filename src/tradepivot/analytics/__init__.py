"""Domain computations on trade data, written once as Ibis expressions."""

from __future__ import annotations
