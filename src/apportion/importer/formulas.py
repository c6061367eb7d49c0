"""Cells a spreadsheet would run as formulas: neutralised in CSV kickout files, and restored when those are imported.

A CSV cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is taken for a formula by spreadsheet
programs (OWASP, "CSV Injection"). A kickout file repeats the cells of an upload, for someone to open in a
spreadsheet, so each such cell is written with a single quote before it: `=cmd|' /C calc'!A0` becomes
`'=cmd|' /C calc'!A0`, and `-12.50` becomes `'-12.50`.

The quote is taken off again when a CSV kickout file (its first column "*Kickout Message") is imported, so a
corrected kickout file imports the values of the original upload: `'-12.50` is -12.50 again. A cell that starts
with quotes before such a character gets one more quote, so every cell comes back exactly:

    neutralise("=1+1") == "'=1+1"        restore("'=1+1") == "=1+1"
    neutralise("'=1+1") == "''=1+1"      restore("''=1+1") == "'=1+1"
    neutralise("'quoted") == "'quoted"   restore("'quoted") == "'quoted"
"""

from __future__ import annotations

MESSAGE_HEADER = "*Kickout Message"
"""The first column of every kickout file; its `*` makes the reader skip it on import."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _quoted_formula(text: str) -> bool:
    """Whether `text` is quotes followed by a formula start (what `neutralise` wrote, or would have to)."""
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """`text` as a CSV kickout file writes it: a formula start (or quotes before one) gets a quote in front."""
    if text.startswith(FORMULA_STARTS) or (text.startswith(QUOTE) and _quoted_formula(text)):
        return QUOTE + text
    return text


def restore(text: str) -> str:
    """The cell `neutralise` was given: one leading quote off, when a formula start follows the quotes."""
    if text.startswith(QUOTE) and _quoted_formula(text):
        return text[1:]
    return text
