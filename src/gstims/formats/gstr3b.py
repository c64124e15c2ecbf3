"""GSTR-3B JSON: Table 4, 3.1(a) and 3.1(d) in the AUTOLIAB shape (R-3B-5, api.md), and back.

GSTR-3B spells the heads `iamt`, `camt`, `samt`, `csamt` (formats.md §0, §4.1) and names the
Table 4 rows by `ty`, in the order of the GSTN template
(`gstr3b_template_india_compliance.json`):

    itc_avl    IMPG 4(A)(1), IMPS 4(A)(2), ISRC 4(A)(3), ISD 4(A)(4), OTH 4(A)(5)
    itc_rev    RUL 4(B)(1), OTH 4(B)(2)
    itc_net    4(C) = 4(A) − 4(B)
    itc_inelg  RUL 4(D)(1), OTH 4(D)(2)
    sup_details.osup_det  3.1(a) {txval, iamt, camt, samt, csamt};  isup_rev  3.1(d)

`stale_2b` (R-3B-2) says an IMS action changed after the 2B was computed. The other 3B tables
(3.1(b), (c), (e), 3.2, 5, eco_dtls) are not auto-populated by gstims and are left out.

Example (example-month.md, AUTOLIAB of R for 102024): `itc_avl` OTH `iamt` 1620.00, ISRC
`iamt` 100.00, `itc_net.iamt` 1720.00, `itc_inelg` OTH `camt`/`samt` 450.00 / 450.00,
`sup_details.isup_rev` `txval` 2000.00, `iamt` 100.00, `stale_2b` false.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gstims.domain.calendar import Period
from gstims.domain.documents import Problem
from gstims.domain.gstr3b import (
    ItcAvailable,
    ItcIneligible,
    ItcReversed,
    SupplyTotals,
    Table4,
)
from gstims.domain.money import ZERO, Tax
from gstims.formats.encoding import amount
from gstims.formats.reading import Fields, kind_of, objects

__all__ = ["ParsedGstr3B", "gstr3b_json", "read_gstr3b"]

_AVAILABLE = ("IMPG", "IMPS", "ISRC", "ISD", "OTH")
_RULES_OTHERS = ("RUL", "OTH")
_HEADS = ("iamt", "camt", "samt", "csamt")


def gstr3b_json(
    gstin: str, period: Period, t: Table4, outward: SupplyTotals | None, stale: bool
) -> dict[str, Any]:
    """The AUTOLIAB `data` of `gstin` for `period`; `outward` None is a 3.1(a) of zeros."""
    available = t.available
    return {
        "gstin": gstin,
        "ret_period": period.code,
        "stale_2b": stale,
        "sup_details": {
            "osup_det": _supply(outward or SupplyTotals()),
            "isup_rev": _supply(t.inward_reverse_charge),
        },
        "itc_elg": {
            "itc_avl": _rows(
                _AVAILABLE,
                (
                    available.import_of_goods,
                    available.import_of_services,
                    available.inward_reverse_charge,
                    available.isd,
                    available.all_other,
                ),
            ),
            "itc_rev": _rows(_RULES_OTHERS, (t.reversed_itc.rules, t.reversed_itc.others)),
            "itc_net": _heads(t.net),
            "itc_inelg": _rows(_RULES_OTHERS, (t.ineligible.rules, t.ineligible.others)),
        },
    }


def _heads(tax: Tax) -> dict[str, Decimal]:
    return {
        "iamt": amount(tax.igst),
        "camt": amount(tax.cgst),
        "samt": amount(tax.sgst),
        "csamt": amount(tax.cess),
    }


def _supply(totals: SupplyTotals) -> dict[str, Decimal]:
    return {"txval": amount(totals.taxable), **_heads(totals.tax)}


def _rows(types: tuple[str, ...], taxes: tuple[Tax, ...]) -> list[dict[str, Any]]:
    return [{"ty": ty, **_heads(tax)} for ty, tax in zip(types, taxes, strict=True)]


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedGstr3B:
    """Table 4, 3.1(a) and 3.1(d) of a GSTR-3B JSON (AUTOLIAB, RETSUM or the template)."""

    gstin: str
    period: str  # ret_period; "" when blank (the template)
    stale_2b: bool
    table4: Table4
    outward: SupplyTotals  # 3.1(a)
    problems: tuple[Problem, ...]


def read_gstr3b(obj: Mapping[str, Any]) -> ParsedGstr3B:
    """A GSTR-3B JSON read back into `Table4`; missing rows are zeros, problems collected."""
    problems: list[Problem] = []
    if not isinstance(obj, Mapping):
        problems.append(Problem("", "", "data", f"expected an object, got {kind_of(obj)}"))
        return ParsedGstr3B("", "", False, Table4(), SupplyTotals(), tuple(problems))
    top = Fields(obj, "", problems, "")
    gstin = top.text("gstin", required=False) or ""
    period = top.text("ret_period", required=False) or ""
    stale = top.obj.get("stale_2b") is True
    supplies = top.child("sup_details", required=False)
    outward = _read_supply(supplies, "osup_det")
    inward_rc = _read_supply(supplies, "isup_rev")
    itc = top.child("itc_elg", required=False)
    available = _read_rows(itc, "itc_avl", _AVAILABLE)
    reversed_ = _read_rows(itc, "itc_rev", _RULES_OTHERS)
    ineligible = _read_rows(itc, "itc_inelg", _RULES_OTHERS)
    table4 = Table4(
        available=ItcAvailable(*(available[ty] for ty in _AVAILABLE)),
        reversed_itc=ItcReversed(reversed_["RUL"], reversed_["OTH"]),
        ineligible=ItcIneligible(ineligible["RUL"], ineligible["OTH"]),
        inward_reverse_charge=inward_rc,
    )
    return ParsedGstr3B(gstin, period, stale, table4, outward, tuple(problems))


def _read_heads(fields: Fields) -> Tax:
    igst, cgst, sgst, cess = (fields.amount(head) or ZERO for head in _HEADS)
    return Tax(igst, cgst, sgst, cess)


def _read_supply(parent: Fields | None, key: str) -> SupplyTotals:
    fields = None if parent is None else parent.child(key, required=False)
    if fields is None:
        return SupplyTotals()
    return SupplyTotals(fields.amount("txval") or ZERO, _read_heads(fields))


def _read_rows(parent: Fields | None, key: str, types: tuple[str, ...]) -> dict[str, Tax]:
    out = {ty: Tax() for ty in types}
    if parent is None or parent.obj.get(key) is None:
        return out
    for row in objects(parent.obj[key], parent.at(key), parent.problems, ""):
        ty = row.choice("ty", types)
        if ty is not None:
            out[ty] = _read_heads(row)
    return out
