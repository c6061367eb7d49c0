"""Sign-in and permissions: API keys, users, the pages' sessions."""
