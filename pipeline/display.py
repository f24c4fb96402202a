"""Text from outside (file names, cell values) made harmless for a terminal or a file name.

Control characters (C0, DEL, C1: ANSI escape sequences start with one), bidirectional overrides and
isolates (which can make `exe.xlsx` read as `xslx.exe`), and line/paragraph separators are shown as
visible escapes such as `\\x1b` or `\\u202e`, so what is printed is what is on disk.
"""

from __future__ import annotations

import unicodedata

BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SEPARATORS = frozenset("\u2028\u2029\ufeff")


def unsafe_char(ch: str) -> bool:
    """A character that must not reach a terminal or a file name as it is."""
    return ch in BIDI or ch in SEPARATORS or unicodedata.category(ch) in ("Cc", "Cs")


def escape_text(text: str) -> str:
    """`text` with every unsafe character written as a visible escape."""
    if not any(unsafe_char(ch) for ch in text):
        return text
    return "".join(_escape(ch) if unsafe_char(ch) else ch for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 in a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
