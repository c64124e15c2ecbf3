"""A live server over real HTTP and Debian's Chromium driven by Playwright.

The app runs under uvicorn in a thread on a free port of 127.0.0.1, over a fresh SQLite
database seeded by `world.seed`. Chromium is the system one (`/usr/bin/chromium`, installed
by `make install`); Playwright never downloads a browser. Screenshots go to
`test-artifacts/e2e/`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from tests.e2e.world import PASSWORD, TOKEN, World, seed
from tests.integration.served import in_thread

from gstims.api.app import create_app
from gstims.api.settings import Settings
from gstims.store.db import Database

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("GSTIMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LAPTOP = {"width": 1366, "height": 768}


@dataclass
class LiveServer:
    url: str
    db: Database
    world: World


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    db = Database(f"sqlite:///{tmp_path / 'web.db'}")
    db.migrate()
    world = seed(db)
    app = create_app(Settings(database_url=db.url, session_secret="e2e-" + tmp_path.name), db)
    with in_thread(app) as url:
        yield LiveServer(url, db, world)
    db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install` (apt-get install chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


class Shots:
    """Numbered full-page screenshots of one test, kept as artifacts."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page: Page, what: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{what}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)


SignedIn = Callable[[str | None], tuple[httpx.Client, str]]


@pytest.fixture
def client(live) -> Iterator[SignedIn]:
    """HTTP clients signed in as a user (or not signed in) with their session's CSRF token;
    each is closed after the test."""
    opened: list[httpx.Client] = []

    def signed_in(user: str | None) -> tuple[httpx.Client, str]:
        http = httpx.Client(base_url=live.url, follow_redirects=False, timeout=30)
        opened.append(http)
        token = TOKEN.search(http.get("/login").text)
        assert token is not None
        if user is not None:
            signed = http.post(
                "/login",
                data={"username": user, "password": PASSWORD, "csrf_token": token.group(1)},
            )
            assert signed.status_code == 303, signed.text
            token = TOKEN.search(http.get("/home").text)
            assert token is not None
        return http, token.group(1)

    yield signed_in
    for http in opened:
        http.close()
