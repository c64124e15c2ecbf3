"""Server-rendered SVG charts: the geometry here, the markup in `templates/_charts.html`.

Coordinates are whole pixels computed from `Decimal` amounts (no float anywhere). A chart
always comes with its figures as a table for screen readers and for anyone who would rather
read than look.

Example: `bars([("Accepted", Decimal("900")), ("Rejected", Decimal("300"))])` gives two
horizontal bars of 300 and 100 units of the plot width, labelled with their amounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gstims.domain.money import ZERO

WIDTH = 560
LABEL_W = 110
VALUE_W = 120
ROW_H = 30
COL_H = 180
COL_TOP = 16
COL_AXIS = 26
MAX_COL_W = 40


def _px(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal
    x: int
    y: int
    width: int
    height: int
    css: str  # a class naming its colour


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    series: list[tuple[str, str]]  # (name, class) for the legend
    axis_y: int = 0
    labels: list[tuple[str, int]] | None = None  # column labels (text, x centre)


def bars(title: str, items: Sequence[tuple[str, Decimal, str]]) -> Chart:
    """Horizontal bars, one per (label, amount, class); lengths ∝ |amount|."""
    plot = Decimal(WIDTH - LABEL_W - VALUE_W)
    top = max((abs(v) for _, v, _ in items), default=ZERO) or Decimal(1)
    out = [
        Bar(label, value, LABEL_W, i * ROW_H + 4, _px(abs(value) * plot / top), ROW_H - 10, css)
        for i, (label, value, css) in enumerate(items)
    ]
    return Chart(title, WIDTH, len(items) * ROW_H + 4, out, [])


def columns(
    title: str, groups: Sequence[tuple[str, Sequence[Decimal]]], series: Sequence[tuple[str, str]]
) -> Chart:
    """Grouped columns: one group per label, one column per series; negatives go below zero."""
    values = [v for _, vs in groups for v in vs]
    high = max([ZERO, *values])
    low = min([ZERO, *values])
    span = (high - low) or Decimal(1)
    plot_h = Decimal(COL_H - COL_TOP - COL_AXIS)
    zero_y = COL_TOP + _px(high * plot_h / span)
    slot = Decimal(WIDTH - 20) / max(len(groups), 1)
    col_w = min(max(_px(slot * Decimal("0.7") / max(len(series), 1)), 4), MAX_COL_W)
    out, labels = [], []
    for i, (label, vs) in enumerate(groups):
        left = 10 + _px(slot * i + slot / 2) - col_w * len(vs) // 2
        labels.append((label, 10 + _px(slot * i + slot / 2)))
        for j, value in enumerate(vs):
            h = _px(abs(value) * plot_h / span)
            y = zero_y - h if value >= 0 else zero_y
            out.append(Bar(label, value, left + j * col_w, y, col_w - 2, h, series[j][1]))
    return Chart(title, WIDTH, COL_H, out, list(series), zero_y, labels)
