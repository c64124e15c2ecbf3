"""Recipient IMS use cases (R-ACT-1..11), where the edges take them: GETINV, GETCNT, REQSTS
and a record's trail (`ims_read`), SAVE and RESETIMS (`ims_save`, finding the records each
names by `ims_find`).
"""

from gstims.services.ims_find import records_named
from gstims.services.ims_read import (
    RequestStatus,
    counts,
    current_period_2b,
    history,
    ims_record,
    list_records,
    request_status,
)
from gstims.services.ims_save import ActionResult, reset_actions, save_actions

__all__ = [
    "ActionResult",
    "RequestStatus",
    "counts",
    "current_period_2b",
    "history",
    "ims_record",
    "list_records",
    "records_named",
    "request_status",
    "reset_actions",
    "save_actions",
]
