"""GSTR-2B and GSTR-3B as files: the GET2B envelope and the full GSTR-3B return JSON.

- GSTR-2B (R-2B-7): `{"chksum": ..., "data": <gstr2b_json>}`, the GET2B response shape of
  the portal samples. `chksum` is the SHA-256 of the compact `data` JSON **(decision)**: GSTN
  does not publish how its own is made, and a reader only needs it to notice a changed file.
- GSTR-3B (R-3B-5): every table of the GSTN template (`gstr3b_template_india_compliance.json`)
  — `sup_details`, `eco_dtls`, `inter_sup`, `itc_elg`, `inward_sup` — with the parts gstims
  computes (3.1(a) `osup_det`, 3.1(d) `isup_rev`, Table 4 `itc_elg`) filled from
  `gstr3b.gstr3b_json` and the rest at 0, so the file is a whole return the taxpayer completes.
  AUTOLIAB's `stale_2b` is gstims' own flag, not a return field: it is left out.

Example: `gstr3b_file(...)["itc_elg"]["itc_avl"][4]` is `{"ty": "OTH", "iamt": 1620.00, ...}`
for R's 102024 (example-month.md); `["inward_sup"]["isup_details"][0]` is `{"ty": "GST",
"inter": 0.00, "intra": 0.00}`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from gstims.codec import to_json_bytes
from gstims.domain.calendar import Period
from gstims.domain.gstr3b import SupplyTotals, Table4
from gstims.domain.money import ZERO
from gstims.formats.gstr3b import gstr3b_json

__all__ = ["gstr2b_file", "gstr3b_file"]


def gstr2b_file(data: Mapping[str, Any]) -> dict[str, Any]:
    """A GET2B `data` object (as `gstr2b.get_2b` returns it) in its response envelope."""
    return {"chksum": hashlib.sha256(to_json_bytes(data)).hexdigest(), "data": data}


def gstr3b_file(gstin: str, period: Period, t: Table4, outward: SupplyTotals) -> dict[str, Any]:
    """The whole GSTR-3B return JSON of `gstin` for `period`, computed parts filled in."""
    computed = gstr3b_json(gstin, period, t, outward, False)
    supplies = computed["sup_details"]
    return {
        "gstin": gstin,
        "ret_period": period.code,
        "sup_details": {
            "osup_det": supplies["osup_det"],
            "osup_zero": _zeros("txval", "iamt", "csamt"),
            "osup_nil_exmp": _zeros("txval"),
            "isup_rev": supplies["isup_rev"],
            "osup_nongst": _zeros("txval"),
        },
        "eco_dtls": {
            "eco_sup": _zeros("txval", "iamt", "camt", "samt", "csamt"),
            "eco_reg_sup": _zeros("txval"),
        },
        "inter_sup": {"unreg_details": [], "comp_details": [], "uin_details": []},
        "itc_elg": computed["itc_elg"],
        "inward_sup": {
            "isup_details": [
                {"ty": "GST", **_zeros("inter", "intra")},
                {"ty": "NONGST", **_zeros("inter", "intra")},
            ]
        },
    }


def _zeros(*keys: str) -> dict[str, Any]:
    return dict.fromkeys(keys, ZERO)
