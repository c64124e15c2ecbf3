"""One example body per call, for the OpenAPI document at /docs."""

from __future__ import annotations

from typing import Any

S1, R = "27AAPFU0939F1ZV", "29AABCR1718E1ZL"


def body(example: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}, "example": example}},
        }
    }


RETSAVE = {
    "action": "RETSAVE",
    "data": {
        "gstin": S1,
        "fp": "102024",
        "b2b": [
            {
                "ctin": R,
                "inv": [
                    {
                        "inum": "INV-101",
                        "idt": "10-10-2024",
                        "val": 11800,
                        "pos": "29",
                        "rchrg": "N",
                        "inv_typ": "R",
                        "itms": [
                            {
                                "num": 1,
                                "itm_det": {
                                    "rt": 18,
                                    "txval": 10000,
                                    "iamt": 1800,
                                    "camt": 0,
                                    "samt": 0,
                                    "csamt": 0,
                                },
                            }
                        ],
                    }
                ],
            }
        ],
    },
}
RETFILE = {"action": "RETFILE", "data": {"gstin": S1, "ret_period": "102024"}}
SAVE = {
    "action": "SAVE",
    "data": {
        "rtin": R,
        "reqtyp": "SAVE",
        "invdata": {
            "b2b": [
                {
                    "stin": S1,
                    "inum": "INV-101",
                    "idt": "10-10-2024",
                    "action": "R",
                    "prev_status": "N",
                    "remarks": "not ordered",
                }
            ]
        },
    },
}
GEN2B = {"action": "GEN2B", "data": {"rtin": R, "itcprd": "102024"}}
TAXPAYER = {
    "gstin": S1,
    "legal_name": "Supplier One Pvt Ltd",
    "trade_name": "Supplier One",
    "filing_frequency": "M",
    "registered_on": "01-10-2024",
}
USER = {"name": "ca-firm", "gstins": [S1, R], "password": "ledger maple violet"}
CLOCK = {"today": "14-11-2024"}
GSTR5 = {
    "gstin": "9917SGP29001OST",
    "ret_period": "102024",
    "b2b": [
        {
            "ctin": R,
            "inv": [
                {
                    "inum": "NR-1",
                    "idt": "10-10-2024",
                    "val": 1180,
                    "pos": "29",
                    "rchrg": "N",
                    "inv_typ": "R",
                    "itms": [
                        {
                            "num": 1,
                            "itm_det": {
                                "rt": 18,
                                "txval": 1000,
                                "iamt": 180,
                                "camt": 0,
                                "samt": 0,
                                "csamt": 0,
                            },
                        }
                    ],
                }
            ],
        }
    ],
}
GSTR6 = {
    "gstin": "29AABCI1234E1ZX",
    "ret_period": "102024",
    "doclist": [
        {
            "ctin": R,
            "doctyp": "ISDI",
            "docnum": "ISD-1",
            "docdt": "20-10-2024",
            "igst": 500,
            "cgst": 0,
            "sgst": 0,
            "cess": 0,
        }
    ],
}
ICEGATE = {
    "boes": [
        {
            "rtin": R,
            "portcode": "INMAA4",
            "boenum": "1234567",
            "boedt": "02-10-2025",
            "refdt": "04-10-2025",
            "sez": False,
            "txval": 100000,
            "igst": 18000,
            "cess": 0,
        }
    ]
}
