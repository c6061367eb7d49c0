"""Bills and batches: entering, listing, editing, voiding and deleting bills; batch statuses and defaults."""
