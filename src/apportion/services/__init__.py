"""Use cases: one module per use case family; each opens its own unit of work."""
