"""Tax periods and the GST calendar (R-CAL-1..4, R-2B-2 windows, R-CAL-3 limits, eras).

A `Period` is a calendar month, written `MMYYYY`. A quarterly (QRMP) taxpayer's return period
is its quarter, named by the quarter's last month: `122025` is Oct–Dec 2025.

Worked example (R-2B-2, rules.md §9 ex. 1 and 5): a monthly supplier's GSTR-1 is due on the
11th of the next month, so a record filed on 10-12-2024 falls in the window
(11-11-2024, 11-12-2024] and its 2B month is Nov 2024 (`112024`). Filed on 12-12-2024 it falls
in the December window instead. For a quarterly recipient the 2B period is the quarter that
contains that month: 2B(122025) covers the Oct, Nov and Dec windows.

Eras (rules.md §0): E1 for 2B periods Oct 2024 – Sep 2025, E2 from Oct 2025. The era follows
the 2B period, never the document date.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# R-CAL-1: quarterly GSTR-3B is due on the 22nd for these states, the 24th for the rest.
QUARTERLY_3B_DAY_22_STATES = frozenset(
    ["22", "23", "24", "25", "26", "27", "29", "30", "31", "32", "33", "34", "35", "36", "37"]
)
MONTHLY_GSTR1_DUE_DAY = 11
QUARTERLY_GSTR1_DUE_DAY = 13  # IFF for months 1 and 2, GSTR-1 for the quarter
FEED_DUE_DAY = 13  # GSTR-5 and GSTR-6
MONTHLY_3B_DUE_DAY = 20
GSTR2B_DAY = 14


class Frequency(StrEnum):
    MONTHLY = "M"
    QUARTERLY = "Q"


class Era(StrEnum):
    E1 = "E1"  # 2B period Oct 2024 – Sep 2025
    E2 = "E2"  # 2B period Oct 2025 onwards


_FIRST_YEAR, _LAST_YEAR = 2017, 2099  # the years a Period may name


class PeriodError(ValueError):
    """A period string or value that cannot be a tax period."""


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A calendar month; ordered by time."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"month must be 01-12, got {self.month:02d}")
        if not _FIRST_YEAR <= self.year <= _LAST_YEAR:
            raise PeriodError(f"year must be 2017-2099, got {self.year}")

    @classmethod
    def parse(cls, code: str) -> Period:
        """`MMYYYY` → Period, with an error that says what is wrong."""
        if len(code) != 6 or not code.isdigit():
            raise PeriodError(f"period must be MMYYYY (six digits), got {code!r}")
        return cls(int(code[2:]), int(code[:2]))

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def code(self) -> str:
        return f"{self.month:02d}{self.year:04d}"

    def __str__(self) -> str:
        return self.code

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, _cal.monthrange(self.year, self.month)[1])

    def plus(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def next(self) -> Period:
        return self.plus(1)

    def prev(self) -> Period:
        return self.plus(-1)

    def day(self, day: int) -> date:
        return date(self.year, self.month, day)

    @property
    def financial_year(self) -> int:
        """The starting year of the financial year (1 April – 31 March) holding this month."""
        return self.year if self.month >= 4 else self.year - 1

    @property
    def quarter_end(self) -> Period:
        """The last month of the (April-based) quarter holding this month."""
        return Period(self.year, ((self.month - 1) // 3 + 1) * 3)

    @property
    def is_quarter_end(self) -> bool:
        return self.month % 3 == 0

    def months_through(self, last: Period) -> list[Period]:
        """This month and every month up to `last`, inclusive."""
        out: list[Period] = []
        p = self
        while p <= last:
            out.append(p)
            p = p.next()
        return out


FIRST_PERIOD = Period(2024, 10)  # R-CAL-4: the system starts at the Oct 2024 period
E2_START = Period(2025, 10)


def era_of(period_2b: Period) -> Era:
    """The era of a 2B period (rules.md §0)."""
    return Era.E2 if period_2b >= E2_START else Era.E1


def financial_year_of(day: date) -> int:
    """The starting year of the financial year (1 April – 31 March) holding `day`.

    Plain arithmetic on the hot path (it runs several times per document of a lakh-document
    save); a year outside `Period`'s range still fails exactly as `Period.of(day)` does.
    """
    year = day.year
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return Period.of(day).financial_year  # raises PeriodError
    return year if day.month >= 4 else year - 1


def return_period(month: Period, frequency: Frequency) -> Period:
    """The return period a month belongs to: itself, or its quarter for a quarterly taxpayer."""
    return month.quarter_end if frequency is Frequency.QUARTERLY else month


def months_of(period: Period, frequency: Frequency) -> list[Period]:
    """The months a return period covers."""
    if frequency is Frequency.QUARTERLY:
        return [period.plus(-2), period.plus(-1), period]
    return [period]


def is_return_period(period: Period, frequency: Frequency) -> bool:
    return frequency is Frequency.MONTHLY or period.is_quarter_end


def first_period(registered_on: date, frequency: Frequency) -> Period:
    """The first return period: the one containing the registration date (rules.md §0)."""
    return return_period(max(Period.of(registered_on), FIRST_PERIOD), frequency)


def previous_return_period(period: Period, frequency: Frequency) -> Period:
    return period.plus(-3 if frequency is Frequency.QUARTERLY else -1)


def next_return_period(period: Period, frequency: Frequency) -> Period:
    return period.plus(3 if frequency is Frequency.QUARTERLY else 1)


# -- due dates (R-CAL-1) ---------------------------------------------------------------------


def supplier_due_day(frequency: Frequency) -> int:
    """Day of the next month on which a supplier's GSTR-1 / IFF for a month is due."""
    return MONTHLY_GSTR1_DUE_DAY if frequency is Frequency.MONTHLY else QUARTERLY_GSTR1_DUE_DAY


def gstr1_due(month: Period, frequency: Frequency) -> date:
    """Due date of the GSTR-1 or IFF covering `month` (for a quarter, pass its last month)."""
    return month.next().day(supplier_due_day(frequency))


def gstr3b_due(period: Period, frequency: Frequency, state_code: str) -> date:
    """Due date of the GSTR-3B for a return period."""
    if frequency is Frequency.MONTHLY:
        return period.next().day(MONTHLY_3B_DUE_DAY)
    day = 22 if state_code in QUARTERLY_3B_DAY_22_STATES else 24
    return period.quarter_end.next().day(day)


def gstr2b_date(period: Period) -> date:
    """R-CAL-2: the 2B of a return period is drafted on the 14th of the following month."""
    return period.next().day(GSTR2B_DAY)


def section_16_4_limit(document_date: date) -> date:
    """R-CAL-3: 30 November after the end of the document's financial year."""
    return date(financial_year_of(document_date) + 1, 11, 30)


def rule_37a_date(supplier_period: Period) -> date:
    """R-2B-8: 30 September after the end of the period's financial year."""
    return date(supplier_period.financial_year + 1, 9, 30)


# -- 2B windows (R-2B-2) ---------------------------------------------------------------------


def filing_month(filed_on: date, due_day: int) -> Period:
    """The month M whose window (due(M-1), due(M)] holds the filing date."""
    this = Period.of(filed_on)
    return this.prev() if filed_on.day <= due_day else this


def record_2b_month(source_period: Period, filed_on: date, due_day: int) -> Period:
    """The month whose 2B first takes a record filed on `filed_on` (R-2B-2).

    Never earlier than the supplier's return period: a record is never in the 2B of a
    period before the one its supplier reported it for.
    """
    return max(filing_month(filed_on, due_day), source_period)


def record_2b_period(
    source_period: Period, filed_on: date, due_day: int, recipient_frequency: Frequency
) -> Period:
    """The recipient's 2B period for a record: the 2B month, or its quarter."""
    return return_period(record_2b_month(source_period, filed_on, due_day), recipient_frequency)


def window(month: Period, due_day: int) -> tuple[date, date]:
    """The filing window (start exclusive, end inclusive) of a month for one due day."""
    return (month.day(due_day), month.next().day(due_day))
