"""Tests for gstims.formats.gstr3b: Table 4 in the AUTOLIAB shape, and back."""

from __future__ import annotations

from typing import Any

from builders import OCT_2024, S1, S2, R, credit_note, entry, gstr2b, invoice
from tests.shared import SAMPLES

from gstims.codec import loads, to_json_bytes
from gstims.domain.gstr3b import ItcReversed, SupplyTotals, Table4, table4
from gstims.domain.money import Tax, money
from gstims.domain.records import Action, Route
from gstims.formats.gstr3b import gstr3b_json, read_gstr3b

TEMPLATE: dict[str, Any] = loads((SAMPLES / "gstr3b_template_india_compliance.json").read_bytes())


def october_table4() -> Table4:
    """example-month.md: R's Table 4 for 102024 from its 2B."""
    return table4(
        gstr2b(
            entry(invoice("INV-101", taxable=10000, igst=1800)),
            entry(invoice("INV-102", taxable=5000, igst=600), Action.REJECT),
            entry(
                invoice("RCM-1", taxable=2000, igst=100, reverse_charge=True),
                route=Route.REVERSE_CHARGE,
            ),
            entry(credit_note("CN-11", taxable=1000, igst=180), Action.ACCEPT),
            entry(
                invoice("INV-201", supplier=S2, pos="24", taxable=5000, cgst=450, sgst=450),
                route=Route.POS_INELIGIBLE,
            ),
            period=OCT_2024,
        )
    )


def row(rows: list[dict[str, Any]], ty: str) -> dict[str, Any]:
    [found] = [r for r in rows if r["ty"] == ty]
    return found


def test_example_month_autoliab_of_r() -> None:
    """Rule: R-3B-1, R-3B-5 (example-month.md, GSTR-3B for 102024)."""
    data = gstr3b_json(R, OCT_2024, october_table4(), None, False)
    itc = data["itc_elg"]

    assert (data["gstin"], data["ret_period"], data["stale_2b"]) == (R, "102024", False)
    assert row(itc["itc_avl"], "OTH")["iamt"] == money(1620)
    assert row(itc["itc_avl"], "ISRC")["iamt"] == money(100)
    for ty in ("IMPG", "IMPS", "ISD"):
        assert row(itc["itc_avl"], ty) == {
            "ty": ty,
            "iamt": money(0),
            "camt": money(0),
            "samt": money(0),
            "csamt": money(0),
        }
    assert [r["iamt"] for r in itc["itc_rev"]] == [money(0), money(0)]
    assert itc["itc_net"]["iamt"] == money(1720)
    assert (row(itc["itc_inelg"], "OTH")["camt"], row(itc["itc_inelg"], "OTH")["samt"]) == (
        money(450),
        money(450),
    )
    assert data["sup_details"]["isup_rev"] == {
        "txval": money(2000),
        "iamt": money(100),
        "camt": money(0),
        "samt": money(0),
        "csamt": money(0),
    }
    assert b'"itc_net":{"iamt":1720.00,' in to_json_bytes(data)


def test_supplier_own_3_1a_goes_to_osup_det() -> None:
    """Rule: R-3B-4 (example-month.md: S1's 3.1(a) for 102024 is 14000 / 2220)."""
    outward = SupplyTotals(money(14000), Tax.of(igst=2220))
    data = gstr3b_json(S1, OCT_2024, Table4(), outward, False)

    assert data["sup_details"]["osup_det"] == {
        "txval": money(14000),
        "iamt": money(2220),
        "camt": money(0),
        "samt": money(0),
        "csamt": money(0),
    }


def test_stale_2b_is_reported() -> None:
    """Rule: R-3B-2 (rules.md §9 ex. 4)."""
    assert gstr3b_json(R, OCT_2024, Table4(), None, True)["stale_2b"] is True


def test_table_4_rows_and_keys_follow_the_gstn_template() -> None:
    data = gstr3b_json(R, OCT_2024, october_table4(), None, False)
    ours, template = data["itc_elg"], TEMPLATE["itc_elg"]

    for part in ("itc_avl", "itc_rev", "itc_inelg"):
        assert [r["ty"] for r in ours[part]] == [r["ty"] for r in template[part]]
        assert all(set(o) == set(t) for o, t in zip(ours[part], template[part], strict=True))
    assert set(ours["itc_net"]) == set(template["itc_net"])
    for part in ("osup_det", "isup_rev"):
        assert set(data["sup_details"][part]) == set(TEMPLATE["sup_details"][part])


def test_the_template_reads_as_a_table_4_of_zeros() -> None:
    parsed = read_gstr3b(TEMPLATE)

    assert parsed.problems == ()
    assert (parsed.gstin, parsed.period, parsed.stale_2b) == ("", "", False)
    assert parsed.table4 == Table4()
    assert parsed.outward == SupplyTotals()


def test_round_trip_gives_back_the_same_table_4() -> None:
    t4 = october_table4()
    outward = SupplyTotals(money(14000), Tax.of(igst=2220))
    parsed = read_gstr3b(loads(to_json_bytes(gstr3b_json(R, OCT_2024, t4, outward, True))))

    assert parsed.problems == ()
    assert (parsed.gstin, parsed.period, parsed.stale_2b) == (R, "102024", True)
    assert parsed.table4 == t4
    assert parsed.table4.net == t4.net
    assert parsed.outward == outward


def test_negative_4c_is_written_and_read_as_a_negative_number() -> None:
    """R-3B-1: a 4(A) shortfall goes to 4(B)(2), so 4(C) may be negative (rules.md §9 ex. 13)."""
    t4 = Table4(reversed_itc=ItcReversed(others=Tax.of(igst=900)))
    data = gstr3b_json(R, OCT_2024, t4, None, False)

    assert b'"itc_net":{"iamt":-900.00,' in to_json_bytes(data)
    assert read_gstr3b(data).table4.net == Tax.of(igst=-900)


def test_unknown_rows_and_bad_amounts_are_problems() -> None:
    bad = {
        "gstin": R,
        "ret_period": "102024",
        "itc_elg": {"itc_avl": [{"ty": "XYZ", "iamt": 1}, {"ty": "OTH", "iamt": "1.234"}]},
        "sup_details": {"isup_rev": []},
    }
    parsed = read_gstr3b(bad)

    assert [p.field for p in parsed.problems] == [
        "sup_details.isup_rev",
        "itc_elg.itc_avl[0].ty",
        "itc_elg.itc_avl[1].iamt",
    ]
    assert read_gstr3b("x").problems[0].field == "data"  # type: ignore[arg-type]
