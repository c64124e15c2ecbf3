"""The dashboard served over real HTTP on a test's database (SQLite or PostgreSQL): uvicorn in
a thread on a free port of 127.0.0.1, and clients signed in as a user with their CSRF token."""

from __future__ import annotations

import html
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

from gstims.api.app import create_app
from gstims.api.settings import Settings
from gstims.store.db import Database

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Served:
    url: str
    clients: list[httpx.Client] = field(default_factory=list)

    def signed_in(self, user: str) -> tuple[httpx.Client, str]:
        """A client signed in as `user` (password PASSWORD), and its session's CSRF token."""
        http = httpx.Client(base_url=self.url, follow_redirects=False, timeout=60)
        self.clients.append(http)
        token = TOKEN.search(http.get("/login").text)
        assert token is not None
        form = {"username": user, "password": PASSWORD, "csrf_token": token.group(1)}
        assert http.post("/login", data=form).status_code == 303
        token = TOKEN.search(http.get("/home").text)
        assert token is not None
        return http, token.group(1)


@contextmanager
def served(db: Database) -> Iterator[Served]:
    app = create_app(Settings(database_url=db.url, session_secret="served-" + db.url[-12:]), db)
    with in_thread(app) as url:
        found = Served(url)
        try:
            yield found
        finally:
            for http in found.clients:
                http.close()


@contextmanager
def in_thread(app: Any) -> Iterator[str]:
    """`app` under uvicorn in a thread on a free port of 127.0.0.1: its base URL, until exit."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def shown(answer: httpx.Response) -> str:
    """A page's text as a reader sees it: entities decoded, white space collapsed."""
    return html.unescape(re.sub(r"\s+", " ", answer.text))
