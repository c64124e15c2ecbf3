"""Document numbers as a reconciliation compares them (R-REC-6, R-REC-7).

R-REC-6: a number is upper-cased, stripped of everything that is not a letter or a digit,
stripped of a financial-year token of the document's FY or the previous FY in any common
spelling, and every run of digits loses its leading zeros. The raw number stays for display:

    >>> from datetime import date
    >>> normalise("INV/0012/24-25", date(2024, 11, 5)), normalise("INV-12", date(2024, 11, 5))
    ('INV12', 'INV12')
    >>> normalise("1", date(2024, 11, 5)) == normalise("101", date(2024, 11, 5))
    False

A financial-year token is a single digit group (`2425`, `202425`, `20242025`) or two groups
split by a separator (`24-25`, `2024/25`, `2024-2025`). **(decision)** A token is not dropped
when it is all the digits the number has: `2425` alone is invoice 2425, not a year.

R-REC-7: two different normalised numbers are *similar* only when their digit runs are equal
and the letters differ by a known prefix or suffix (`BILL-23-00012` and `BILL-23-00012-A`), or
when the letters are equal and the digits differ by one inserted or dropped digit
(`INV10010` and `INV1001`), the shorter run having at least `MIN_EDIT_DIGITS` digits
(`INV1` and `INV10` are a series, not a typo). **(decision)** A changed digit (`BILL-23-00040` and
`BILL-23-00045`) or two swapped digits (`INV-12` and `INV-21`) is never similar: that is how
the next document of a supplier's series looks.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from gstims.domain.calendar import financial_year_of

_GROUP = re.compile(r"[A-Za-z]+|[0-9]+")
_DIGIT_RUN = re.compile(r"[0-9]+")
_DIGIT = re.compile(r"[0-9]")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")
_SEPARATOR = r"[^A-Z0-9]+"

# Letters a supplier adds to the same document number (a revision mark, a series prefix).
MIN_EDIT_DIGITS = 3
KNOWN_AFFIXES = frozenset({"A", "B", "R", "REV", "INV", "TI", "TAX", "GST", "BILL", "NO"})


def _fy_spellings(start: int) -> list[str]:
    """Patterns of FY `start`-`start+1` as one digit group or two split by a separator."""
    a2, b2 = f"{start % 100:02d}", f"{(start + 1) % 100:02d}"
    a4, b4 = str(start), str(start + 1)
    singles = [a2 + b2, a4 + b2, a4 + b4]
    pairs = [f"{a}{_SEPARATOR}{b}" for a, b in ((a2, b2), (a4, b2), (a4, b4))]
    return singles + pairs


@cache
def _fy_token(fy: int) -> re.Pattern[str]:
    """A whole digit group (or pair) spelling FY `fy` or the one before it."""
    spellings = _fy_spellings(fy) + _fy_spellings(fy - 1)
    return re.compile(rf"(?<![0-9])(?:{'|'.join(spellings)})(?![0-9])")


def normalise(raw: str, doc_date: date) -> str:
    """R-REC-6: the number two documents must share to pair on it."""
    upper = raw.upper()
    without_fy = _fy_token(financial_year_of(doc_date)).sub("", upper)
    if without_fy != upper and not _DIGIT.search(without_fy):
        without_fy = upper  # the "year" was the document's only number
    return _LEADING_ZEROS.sub("", _NOT_ALNUM.sub("", without_fy))


def _split(number: str) -> tuple[str, tuple[str, ...]]:
    """The letters (in order) and the digit runs of a normalised number."""
    letters = "".join(g for g in _GROUP.findall(number) if not g.isdigit())
    return letters, tuple(_DIGIT_RUN.findall(number))


def _differ_by_affix(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short):
        return long_[len(short) :] in KNOWN_AFFIXES
    if long_.endswith(short):
        return long_[: len(long_) - len(short)] in KNOWN_AFFIXES
    return False


def _one_digit_inserted(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    if len(short) < MIN_EDIT_DIGITS or len(long_) != len(short) + 1:
        return False
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def are_similar(a: str, b: str) -> bool:
    """R-REC-7 on two normalised numbers (equal numbers are not "similar", they are equal)."""
    if a == b:
        return False
    letters_a, digits_a = _split(a)
    letters_b, digits_b = _split(b)
    if digits_a and digits_a == digits_b:
        return _differ_by_affix(letters_a, letters_b)
    if letters_a != letters_b or len(digits_a) != len(digits_b):
        return False
    unequal = [(x, y) for x, y in zip(digits_a, digits_b, strict=True) if x != y]
    return len(unequal) == 1 and _one_digit_inserted(*unequal[0])
