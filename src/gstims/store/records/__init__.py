"""The records table's one owner: row mapping, named selections, the repository, the audit log.

uow.records   Records(conn): the set-based reads and writes of the IMS use cases
uow.audit     Audit(conn): the one writer of the append-only audit log
"""

from gstims.store.records.audit import Audit
from gstims.store.records.repository import Records

__all__ = ["Audit", "Records"]
