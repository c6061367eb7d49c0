"""Wire schemas: EnergyCAP's JSON models."""
