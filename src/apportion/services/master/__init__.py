"""Master data use cases: vendors, places and floor areas, accounts, meters and their links, meter groups, channels
and readings, rates, cost centers, reference lists, and what depends on each."""
