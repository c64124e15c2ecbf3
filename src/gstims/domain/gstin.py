"""GSTIN (Goods and Services Tax Identification Number) validation.

A GSTIN has 15 characters, each an upper-case letter A-Z or a digit 0-9::

    27 AAPFU0939F 1 Z V
    |  |          | | +-- 15: check character (mod-36, see below)
    |  |          | +---- 14: 'Z' for normal registrations; other letters/digits
    |  |          |           for special ones (TDS 'D', TCS 'C', OIDAR 'S', ...)
    |  |          +------ 13: entity number for the same PAN in the same state
    |  +----------------- 3-12: the holder's PAN (or TAN / another identifier
    |                           for special registrations)
    +-------------------- 1-2: state / union territory code (see ``STATES``)

Check character (the GSTN's "Luhn mod 36" algorithm). Each character has a value,
its index in ``CHARSET`` = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" ('0' = 0 ... 'Z' = 35).
Going left to right over the first 14 characters, the factor alternates 1, 2, 1, 2, ...;
``product = value * factor`` and the sum collects ``product // 36 + product % 36``.
The check character is ``CHARSET[(36 - sum % 36) % 36]``.

Worked example, 27AAPFU0939F1ZV::

    pos  char  value  factor  product  product//36 + product%36
      1    2      2      1        2        0 +  2 =  2
      2    7      7      2       14        0 + 14 = 14
      3    A     10      1       10        0 + 10 = 10
      4    A     10      2       20        0 + 20 = 20
      5    P     25      1       25        0 + 25 = 25
      6    F     15      2       30        0 + 30 = 30
      7    U     30      1       30        0 + 30 = 30
      8    0      0      2        0        0 +  0 =  0
      9    9      9      1        9        0 +  9 =  9
     10    3      3      2        6        0 +  6 =  6
     11    9      9      1        9        0 +  9 =  9
     12    F     15      2       30        0 + 30 = 30
     13    1      1      1        1        0 +  1 =  1
     14    Z     35      2       70        1 + 34 = 35
                                            sum = 221

    221 % 36 = 5; (36 - 5) % 36 = 31; CHARSET[31] = 'V', so 27AAPFU0939F1ZV is valid.

Because doubling-and-folding is a permutation of 0..35, the check character catches
every single-character substitution in the first 14 characters.

Validity. A GSTIN is valid when it has 15 letters/digits, its first two characters are a
code in ``STATES`` (including 38 Ladakh, 97 Other Territory and 99 Centre Jurisdiction,
which some libraries reject) and its check character is right. Nothing else decides
validity: positions 3-14 are *not* required to look like a PAN, because special
registrations (TDS, TCS, UN bodies, non-resident OIDAR suppliers, ...) use other shapes.

Registration kind. ``Gstin.kind`` guesses the kind of registration from the shape of the
number (see ``RegistrationKind``). The guess is a heuristic for display and reporting
only; it never makes a GSTIN valid or invalid.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "CHARSET",
    "GSTIN_LENGTH",
    "STATES",
    "Gstin",
    "GstinError",
    "RegistrationKind",
    "compute_check_char",
    "gstin_problems",
    "is_place_of_supply",
    "is_valid_gstin",
    "make_gstin",
    "parse_gstin",
    "state_name",
]

CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
"""The 36 characters a GSTIN may contain; a character's index is its check-sum value."""

GSTIN_LENGTH = 15

_VALUE: Mapping[str, int] = MappingProxyType({ch: i for i, ch in enumerate(CHARSET)})
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_PAN_SHAPE = re.compile(r"[A-Z]{5}[0-9]{4}[A-Z]")

STATES: Mapping[str, str] = MappingProxyType(
    {
        "01": "Jammu and Kashmir",
        "02": "Himachal Pradesh",
        "03": "Punjab",
        "04": "Chandigarh",
        "05": "Uttarakhand",
        "06": "Haryana",
        "07": "Delhi",
        "08": "Rajasthan",
        "09": "Uttar Pradesh",
        "10": "Bihar",
        "11": "Sikkim",
        "12": "Arunachal Pradesh",
        "13": "Nagaland",
        "14": "Manipur",
        "15": "Mizoram",
        "16": "Tripura",
        "17": "Meghalaya",
        "18": "Assam",
        "19": "West Bengal",
        "20": "Jharkhand",
        "21": "Odisha",
        "22": "Chhattisgarh",
        "23": "Madhya Pradesh",
        "24": "Gujarat",
        "25": "Daman and Diu (old)",
        "26": "Dadra and Nagar Haveli and Daman and Diu",
        "27": "Maharashtra",
        "28": "Andhra Pradesh (old)",
        "29": "Karnataka",
        "30": "Goa",
        "31": "Lakshadweep",
        "32": "Kerala",
        "33": "Tamil Nadu",
        "34": "Puducherry",
        "35": "Andaman and Nicobar Islands",
        "36": "Telangana",
        "37": "Andhra Pradesh",
        "38": "Ladakh",
        "96": "Other Countries",
        "97": "Other Territory",
        "99": "Centre Jurisdiction",
    }
)
"""State / union territory code -> name. Every code here may start a GSTIN."""

_NOT_PLACE_OF_SUPPLY = frozenset({"99"})


def is_place_of_supply(code: str) -> bool:
    """Return whether ``code`` may be used as a place of supply (01-38, 96, 97; not 99)."""
    return code in STATES and code not in _NOT_PLACE_OF_SUPPLY


def state_name(code: str) -> str:
    """Return the name of state / union territory ``code``; ``ValueError`` if unknown."""
    try:
        return STATES[code]
    except KeyError:
        raise ValueError(f"unknown state code {code!r}") from None


class GstinError(ValueError):
    """A GSTIN (or a part given to ``make_gstin``) is malformed.

    ``problems`` holds each problem as a separate sentence; ``str(error)`` joins them.
    """

    def __init__(self, text: str, problems: list[str] | tuple[str, ...]) -> None:
        self.text = text
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__(f"invalid GSTIN {text!r}: " + "; ".join(self.problems))


class RegistrationKind(enum.Enum):
    """Kind of registration, guessed from the shape of a GSTIN (heuristic, see module doc).

    Rules, first match wins:

    * ``NON_RESIDENT_OIDAR``: state 99 and characters 13-14 are "OS"
      (e.g. 9917SGP29001OST);
    * ``UN_BODY``: characters 13-14 are "UN";
    * ``TDS``: character 14 is 'D' (tax deductor; characters 3-12 are usually a TAN);
    * ``TCS``: character 14 is 'C' (e-commerce operator collecting tax at source);
    * ``NORMAL``: characters 3-12 look like a PAN (5 letters, 4 digits, 1 letter) and
      character 14 is 'Z';
    * ``OTHER``: anything else with a correct check character.
    """

    NORMAL = "normal"
    TDS = "tds"
    TCS = "tcs"
    UN_BODY = "un_body"
    NON_RESIDENT_OIDAR = "non_resident_oidar"
    OTHER = "other"


def _normalise(text: str) -> str:
    """Strip surrounding whitespace and upper-case ASCII letters (only: keeps length)."""
    return text.strip().translate(_ASCII_UPPER)


def _checksum_problem(first14: str) -> str | None:
    if len(first14) != GSTIN_LENGTH - 1:
        return f"the check character needs 14 characters, got {len(first14)}"
    for position, ch in enumerate(first14, start=1):
        if ch not in _VALUE:
            return f"character {position} {ch!r} must be a letter A-Z or a digit 0-9"
    return None


def _check_char(first14: str) -> str:
    total = 0
    for index, ch in enumerate(first14):
        product = _VALUE[ch] * (1 if index % 2 == 0 else 2)
        total += product // 36 + product % 36
    return CHARSET[(36 - total % 36) % 36]


def compute_check_char(first14: str) -> str:
    """Return the check character (15th) for the first 14 characters of a GSTIN.

    ASCII letters may be lower case. Raises ``GstinError`` unless ``first14`` is exactly
    14 letters/digits.

    >>> compute_check_char("27AAPFU0939F1Z")
    'V'
    """
    normalised = first14.translate(_ASCII_UPPER)
    problem = _checksum_problem(normalised)
    if problem is not None:
        raise GstinError(first14, [problem])
    return _check_char(normalised)


def _problems(value: str) -> list[str]:
    """Problems of an already normalised GSTIN (empty list: valid)."""
    problems: list[str] = []
    if len(value) != GSTIN_LENGTH:
        problems.append(f"GSTIN must be {GSTIN_LENGTH} characters, got {len(value)}")
    problems.extend(
        f"character {position} {ch!r} must be a letter A-Z or a digit 0-9"
        for position, ch in enumerate(value, start=1)
        if ch not in _VALUE
    )
    if len(value) >= 2:
        state = value[:2]
        if not state.isascii() or not state.isdigit():
            problems.append(f"state code {state!r} must be two digits")
        elif state not in STATES:
            problems.append(f"unknown state code {state!r}")
    if len(value) == GSTIN_LENGTH and _checksum_problem(value[:14]) is None:
        expected = _check_char(value[:14])
        if value[14] != expected:
            problems.append(f"check character should be {expected!r}, not {value[14]!r}")
    return problems


def gstin_problems(text: str) -> list[str]:
    """Return every problem with ``text`` as a GSTIN; an empty list means it is valid.

    ``text`` is stripped and upper-cased first, as ``parse_gstin`` does.

    >>> gstin_problems("27AAPFU0939F1ZX")
    ["check character should be 'V', not 'X'"]
    """
    return _problems(_normalise(text))


def is_valid_gstin(text: str) -> bool:
    """Return whether ``text`` (stripped, upper-cased) is a valid GSTIN."""
    return not gstin_problems(text)


@dataclass(frozen=True, slots=True)
class Gstin:
    """A valid GSTIN in canonical form (15 upper-case letters/digits, right check character).

    Constructing ``Gstin(value)`` directly requires the canonical form; use
    ``parse_gstin`` (or ``Gstin.parse``) for user input with spaces or lower case.
    """

    value: str

    def __post_init__(self) -> None:
        problems = _problems(self.value)
        if problems and not _problems(_normalise(self.value)):
            problems = [
                "Gstin() needs the canonical form (upper case, no surrounding spaces); "
                "use parse_gstin for user input"
            ]
        if problems:
            raise GstinError(self.value, problems)

    @classmethod
    def parse(cls, text: str) -> Gstin:
        """Same as ``parse_gstin``."""
        return parse_gstin(text)

    @property
    def state_code(self) -> str:
        """Characters 1-2: the state / union territory code, e.g. "27"."""
        return self.value[:2]

    @property
    def state_name(self) -> str:
        """Name of the state / union territory, e.g. "Maharashtra"."""
        return STATES[self.state_code]

    @property
    def pan(self) -> str:
        """Characters 3-12: the PAN (or TAN / other identifier for special registrations)."""
        return self.value[2:12]

    @property
    def entity_code(self) -> str:
        """Character 13: the entity number for this PAN in this state."""
        return self.value[12]

    @property
    def check_char(self) -> str:
        """Character 15: the check character."""
        return self.value[14]

    @property
    def kind(self) -> RegistrationKind:
        """Kind of registration, guessed from the shape (heuristic; see RegistrationKind)."""
        value = self.value
        if self.state_code == "99" and value[12:14] == "OS":
            return RegistrationKind.NON_RESIDENT_OIDAR
        if value[12:14] == "UN":
            return RegistrationKind.UN_BODY
        if value[13] == "D":
            return RegistrationKind.TDS
        if value[13] == "C":
            return RegistrationKind.TCS
        if value[13] == "Z" and _PAN_SHAPE.fullmatch(self.pan):
            return RegistrationKind.NORMAL
        return RegistrationKind.OTHER

    def __str__(self) -> str:
        return self.value


def parse_gstin(text: str) -> Gstin:
    """Parse ``text`` (surrounding whitespace stripped, upper-cased) as a GSTIN.

    Raises ``GstinError`` listing every problem, e.g.
    "invalid GSTIN '27AAPFU0939F1ZX': check character should be 'V', not 'X'".
    """
    value = _normalise(text)
    problems = _problems(value)
    if problems:
        raise GstinError(text, problems)
    return Gstin(value)


def make_gstin(state_code: str, pan: str, entity: str = "1", default: str = "Z") -> Gstin:
    """Build a GSTIN from its parts, appending the right check character.

    ``pan`` is any 10 letters/digits (a PAN for normal registrations); ``entity`` and
    ``default`` are characters 13 and 14. Handy for generating test data.

    >>> str(make_gstin("27", "AAPFU0939F"))
    '27AAPFU0939F1ZV'
    """
    state_code, pan, entity, default = (
        part.translate(_ASCII_UPPER) for part in (state_code, pan, entity, default)
    )
    problems: list[str] = []
    if state_code not in STATES:
        problems.append(f"unknown state code {state_code!r}")
    for label, part, size in (
        ("PAN part", pan, 10),
        ("entity", entity, 1),
        ("default", default, 1),
    ):
        if len(part) != size:
            noun = "character" if size == 1 else "characters"
            problems.append(f"{label} must be {size} {noun}, got {len(part)}: {part!r}")
        elif any(ch not in _VALUE for ch in part):
            problems.append(f"{label} {part!r} must contain only letters A-Z and digits 0-9")
    first14 = state_code + pan + entity + default
    if problems:
        raise GstinError(first14, problems)
    return Gstin(first14 + _check_char(first14))
