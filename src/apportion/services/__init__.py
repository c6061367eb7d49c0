"""Use cases, in sub-packages by family: access, master data, billing, imports, chargebacks, runs, demo.

Each use case opens its own unit of work, reads through the store, decides with the domain and writes through the
store. `ids` is shared by every family; no service imports SQLAlchemy (the store's queries answer typed values).
"""
