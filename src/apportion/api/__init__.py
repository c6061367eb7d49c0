"""The EnergyCAP-compatible HTTP API: routes, wire schemas, auth, paging and errors."""
