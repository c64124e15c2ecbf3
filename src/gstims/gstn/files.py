"""Large IMS downloads (gstn-protocol.md §7, item 13): a token, then files at signed URLs.

Above `large_download` records GETINV answers `{token, est}` instead of the records. The
records are cut into parts of `file_records`; each part is a tar.gz whose one `.json` member
holds base64(AES(ek, base64(JSON))), with `ek` a fresh 32-byte key per download. FILEDET
answers `{fc, ek, urls: [{ul, ic, hash}]}`: `hash` is the SHA-256 hex of the tar.gz bytes and
`ul` a path relative to the host, signed and expiring, served without auth headers:

    /gstims/v1/gstn-files/<token>/<part>?expires=<unix seconds>&md5=<signature>

The parts are made (and kept) when GETINV answers, so `est` is 0 minutes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
import tarfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from gstims.codec import to_json_bytes
from gstims.domain.errors import GSTIMSFILE, RET11416
from gstims.gstn.crypto import aes_encrypt, b64encode, new_key
from gstims.gstn.sessions import GstnRefusal
from gstims.gstn.tables import gstn_downloads, gstn_files
from gstims.store.db import UnitOfWork

FILES_PATH = "/gstims/v1/gstn-files"
DOWNLOAD_HOURS = 24  # a token's files stay this long (each FILEDET signs URLs afresh)


def record_count(getinv: Mapping[str, Sequence[Any]]) -> int:
    return sum(len(records) for records in getinv.values())


def parts(getinv: Mapping[str, Sequence[Any]], size: int) -> Iterator[dict[str, list[Any]]]:
    """The sections cut into parts of at most `size` records (a section may span parts)."""
    part: dict[str, list[Any]] = {}
    count = 0
    for section, records in getinv.items():
        for record in records:
            part.setdefault(section, []).append(record)
            count += 1
            if count == size:
                yield part
                part, count = {}, 0
    if part:
        yield part


def tar_gz(name: str, text: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo(name)
        info.size = len(text)
        archive.addfile(info, io.BytesIO(text))
    return buffer.getvalue()


def create_download(
    uow: UnitOfWork, gstin: str, getinv: Mapping[str, Sequence[Any]], size: int, now: datetime
) -> str:
    """Keep the records as encrypted tar.gz parts under a new token."""
    token, key = secrets.token_hex(16), new_key()
    rows = []
    for number, part in enumerate(parts(getinv, size), start=1):
        sealed = b64encode(aes_encrypt(key, base64.b64encode(to_json_bytes(part)))).encode()
        content = tar_gz(f"{token}_{number}.json", sealed)
        rows.append(
            {
                "token": token,
                "part": number,
                "content": content,
                "sha256": hashlib.sha256(content).hexdigest(),
                "records": record_count(part),
            }
        )
    uow.conn.execute(
        insert(gstn_downloads).values(
            token=token,
            gstin=gstin,
            file_key=key,
            parts=len(rows),
            expires_at=now + timedelta(hours=DOWNLOAD_HOURS),
        )
    )
    uow.conn.execute(insert(gstn_files), rows)
    return token


@dataclass(frozen=True, slots=True)
class UrlSigner:
    secret: bytes
    seconds: int

    def path(self, token: str, part: int, now: datetime) -> str:
        expires = int(now.replace(tzinfo=UTC).timestamp()) + self.seconds
        return (
            f"{FILES_PATH}/{token}/{part}?expires={expires}&md5={self._sign(token, part, expires)}"
        )

    def check(self, token: str, part: int, expires: str, signature: str, now: datetime) -> None:
        """The URL is one we signed and has not expired (GSTIMSFILE otherwise)."""
        if not expires.isdigit() or not hmac.compare_digest(
            self._sign(token, part, int(expires)), signature
        ):
            raise GstnRefusal(GSTIMSFILE, "the file URL is not one gstims signed")
        if int(expires) <= now.replace(tzinfo=UTC).timestamp():
            raise GstnRefusal(GSTIMSFILE, "the file URL has expired; ask FILEDET again")

    def _sign(self, token: str, part: int, expires: int) -> str:
        message = f"{token}/{part}/{expires}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:32]


def file_details(
    uow: UnitOfWork, gstin: str, token: str, signer: UrlSigner, now: datetime
) -> dict[str, Any]:
    """FILEDET `data`: the key and a signed URL, record count and hash for each part."""
    download = uow.conn.execute(
        select(gstn_downloads).where(
            gstn_downloads.c.token == token, gstn_downloads.c.gstin == gstin
        )
    ).first()
    if download is None or download.expires_at <= now:
        raise GstnRefusal(RET11416, "no download with this token for this GSTIN")
    files = uow.conn.execute(
        select(gstn_files.c.part, gstn_files.c.records, gstn_files.c.sha256)
        .where(gstn_files.c.token == token)
        .order_by(gstn_files.c.part)
    ).all()
    urls = [
        {"ul": signer.path(token, f.part, now), "ic": f.records, "hash": f.sha256} for f in files
    ]
    return {"fc": download.parts, "ek": b64encode(download.file_key), "urls": urls}


def file_content(uow: UnitOfWork, token: str, part: int) -> bytes:
    content = uow.conn.execute(
        select(gstn_files.c.content).where(gstn_files.c.token == token, gstn_files.c.part == part)
    ).scalar()
    if content is None:
        raise GstnRefusal(GSTIMSFILE, "no such file")
    return bytes(content)
