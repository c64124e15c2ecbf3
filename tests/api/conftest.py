"""`gstims serve --sandbox` in a subprocess, once per test module and backend.

Each module gets a fresh server on a free loopback port: SQLite in a temporary file, or
PostgreSQL in a throwaway schema (`tests/conftest.py`'s `PostgresSchema`, reached through
`?options=-csearch_path%3D<schema>`). The fixture waits until the server answers, and at the
end terminates it and drops its database. The admin token is set through
`GSTIMS_ADMIN_TOKEN`, as an operator would.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from tests.api.wire import Sandbox
from tests.conftest import PostgresSchema

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Server:
    backend: str
    base_url: str
    admin_token: str
    database_url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(
    database_url: str, workdir: Path, today: str | None, settings: Mapping[str, str]
) -> Server | None:
    """One attempt at starting the server; None when its port was taken meanwhile."""
    port, token = free_port(), secrets.token_urlsafe(16)
    env = {k: v for k, v in os.environ.items() if k != "GSTIMS_DATABASE_URL"}
    env.update(settings)
    env["GSTIMS_ADMIN_TOKEN"] = token
    args = [sys.executable, "-m", "gstims.cli", "serve", "--sandbox"]
    args += ["--database-url", database_url, "--port", str(port)]
    if today:
        args += ["--today", today]
    log = workdir / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text(errors="replace")
            if "address already in use" in text.lower():
                return None
            raise RuntimeError(f"gstims serve exited with {process.returncode}:\n{text[-4000:]}")
        try:
            answer = httpx.get(
                f"{base_url}/sandbox/v1/clock", headers={"admin-token": token}, timeout=2
            )
            if answer.status_code == 200:
                return Server("", base_url, token, database_url, process, log)
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    _stop(process)
    raise RuntimeError(f"gstims serve did not answer in {STARTUP_SECONDS} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@contextmanager
def served(
    backend: str,
    workdir: Path,
    today: str | None = None,
    settings: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """A running `gstims serve --sandbox` on a fresh database of `backend` (`settings`: more
    `GSTIMS_...` environment for it)."""
    schema = None
    if backend == "sqlite":
        database_url = f"sqlite:///{workdir / 'gstims.db'}"
    else:
        if os.environ.get("GSTIMS_SKIP_POSTGRES") == "1":
            pytest.skip("GSTIMS_SKIP_POSTGRES=1 set by hand")
        schema = PostgresSchema()
        database_url = schema.url
    try:
        for _ in range(5):
            server = _start(database_url, workdir, today, settings or {})
            if server is not None:
                break
        else:
            raise RuntimeError("no free port for gstims serve after 5 attempts")
        try:
            yield replace(server, backend=backend)
        finally:
            _stop(server.process)
    finally:
        if schema is not None:
            schema.drop()


PROTOCOLS = ["plain", "gstn"]


@pytest.fixture(scope="module")
def protocol() -> str:
    """How the taxpayer calls travel: plain JSON here; a module that overrides this fixture
    with `params=PROTOCOLS` runs every test both ways, each on a server of its own."""
    return "plain"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request, tmp_path_factory, protocol) -> Iterator[Server]:
    """A fresh served gstims for this module, on SQLite and on PostgreSQL."""
    workdir = tmp_path_factory.mktemp(f"api-{request.param}-{protocol}")
    with served(request.param, workdir) as running:
        yield running


@pytest.fixture(scope="module")
def sandbox(server, protocol) -> Iterator[Sandbox]:
    client = Sandbox(server.base_url, server.admin_token, protocol)
    yield client
    client.close()
