"""Chargeback runs: the processors, the split and calculation engines, queued runs and idempotent requests."""
