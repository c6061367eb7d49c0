"""The demo campus: generated places, accounts, meters and 24 months of bills, and its chargeback workflow."""
