"""Apportion: a utility-bill chargeback engine with an EnergyCAP-compatible REST API."""

__version__ = "0.1.0"
