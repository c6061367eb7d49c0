"""Chargeback configuration and what runs leave: workflows and steps, version history and details, aggregate
meters, tasks and reversal, the digest, lineage reports and corrections."""
