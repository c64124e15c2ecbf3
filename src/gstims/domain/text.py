"""Free text as gstims keeps it: one canonical form, no invisible characters (issue 14 item 13).

Remarks, trade and legal names come from suppliers, recipients and their files, and are shown
to the other party, in the audit trail and on a terminal. Every such text is:

- canonical: Unicode NFKC, trimmed — `ＡＢＣ` (full-width) is kept as `ABC`, a ligature `ﬁ` as
  `fi`, so what looks the same is the same;
- visible: no control character (category Cc: NUL, ESC, newline ...), no format character
  (Cf: the bidi overrides U+202A–U+202E and isolates U+2066–U+2069 that make a remark read
  backwards, zero-width spaces and joiners, U+FEFF), no lone surrogate (Cs). Such text is
  refused, not silently cleaned: the sender learns what was wrong.

    >>> canonical_text("  ＩＮＶ ﬁne ")
    'INV fine'
    >>> text_problem("paid\\u202e01-01-2025")
    'contains the invisible character U+202E at position 4'

`printable` is for echoing text that may not have been checked (a file's contents in an error
message): each invisible character is shown as its code point.
"""

from __future__ import annotations

import unicodedata

_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})


def canonical_text(text: str) -> str:
    """NFKC and trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def text_problem(text: str) -> str | None:
    """Why `text` may not be kept (the first invisible character), or None.

    Fast path: a string `str.isprintable()` accepts holds no character of category C at all
    (nor Z but the space), so it holds no invisible one; a test holds the two paths equal."""
    if text.isprintable():
        return None
    return first_invisible(text)


def first_invisible(text: str) -> str | None:
    """The plain path of `text_problem`: each character's category, one by one."""
    for position, char in enumerate(text):
        if unicodedata.category(char) in _INVISIBLE:
            return f"contains the invisible character U+{ord(char):04X} at position {position}"
    return None


def printable(text: str) -> str:
    """`text` with every invisible character written as `<U+XXXX>` (safe on a terminal)."""
    if not any(unicodedata.category(c) in _INVISIBLE for c in text):
        return text
    return "".join(
        f"<U+{ord(c):04X}>" if unicodedata.category(c) in _INVISIBLE else c for c in text
    )
