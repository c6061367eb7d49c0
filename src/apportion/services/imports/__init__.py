"""Bill import: tasks, resolving codes, choosing the batch, saved profiles, and the import run itself."""
