"""Pure chargeback domain: periods, money, splits, calculations, version history, batch modes, filters.

Rule: modules in this package import only the standard library and each other. No database, no web,
no clock, no randomness: time and identifiers are passed in as arguments. An import-linter contract
in pyproject.toml enforces it.
"""
