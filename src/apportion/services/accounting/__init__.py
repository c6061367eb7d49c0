"""The accounting hand-off: workflow settings, approval and export hold, and the AP/GL bill export (accounting.md)."""
