"""Bill import: file readers, profile mapping and kickout files (pure; no database)."""
