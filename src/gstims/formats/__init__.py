"""GSTN JSON in and out: the only package that knows the wire spellings.

The same fact is spelt differently by each form — IGST is `iamt` in GSTR-1, IMS and GSTR-3B but
`igst` in GSTR-2B; a date is `idt` in GSTR-1 and IMS but `dt` in GSTR-2B; a note number is
`nt_num` in GSTR-1 and IMS but `ntnum` in GSTR-2B; cess is `csamt` in GSTR-1 and GSTR-3B but
`cess` in IMS and GSTR-2B (formats.md §0). Each module translates one family:

    gstr1     RETSAVE data → SupplierDocument (+ problems with JSON paths)
    ims       GETINV records, SAVE / RESETIMS bodies → ActionItem, REQSTS errors, GETCNT
    gstr2b    Gstr2B → GET2B data (v4 shape); any 2B JSON (v1, v4, ours) → ParsedGstr2B
    gstr3b    Table 4 → AUTOLIAB data; any 3B JSON → ParsedGstr3B
    encoding  the wire spelling of a date, a flag, an amount (the exact-JSON codec: gstims.codec)

Money crosses the boundary as `Decimal` both ways, never `float`:

    >>> to_json_bytes(loads(b'{"iamt": 1800.00}'))
    b'{"iamt":1800.00}'
"""

from gstims.codec import loads, to_json_bytes

__all__ = ["loads", "to_json_bytes"]
