"""Use cases, in sub-packages by family: access, master data, billing, imports, chargebacks, runs, demo.

Each use case opens its own unit of work, reads through the store, decides with the domain and writes through the
store. `ids` and `child_columns` are shared by every family (child_columns until its queries move into store/).
"""
