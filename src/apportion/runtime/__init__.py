"""What every layer above the store may use: the garbage-collector pause, progress reporting, the read cache."""
