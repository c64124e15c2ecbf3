"""Every environment variable is read in gstims.settings, once, and a bad value stops gstims."""

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gstims
from gstims.cli import app
from gstims.settings import (
    DEFAULT_DATABASE_URL,
    MIN_ADMIN_TOKEN,
    Environment,
    SettingsError,
    environment,
)

SOURCE = Path(gstims.__file__).parent
SETTINGS = SOURCE / "settings.py"
READERS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
TOKEN = "t" * MIN_ADMIN_TOKEN


def environment_readers(source: str) -> set[str]:
    """The ways `source` reaches the process environment (os.environ, os.getenv, ...)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in READERS:
            found.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found |= {alias.name for alias in node.names if alias.name in READERS}
    return found


def test_no_module_but_settings_reads_the_environment():
    readers = {
        str(path.relative_to(SOURCE)): found
        for path in sorted(SOURCE.rglob("*.py"))
        if path != SETTINGS and (found := environment_readers(path.read_text()))
    }
    assert readers == {}


def test_the_scan_catches_each_way_of_reading_the_environment():
    source = "import os\nos.environ['A']\nos.getenv('B')\nfrom os import environ\n"
    assert environment_readers(source) == {"environ", "getenv"}
    assert environment_readers(SETTINGS.read_text()) == {"environ"}


def test_nothing_set_means_sqlite_in_the_working_directory_and_generated_secrets():
    assert Environment.read({}) == Environment(
        database_url=DEFAULT_DATABASE_URL,
        admin_token=None,
        session_secret=None,
        secure_cookies=False,
    )


def test_each_variable_is_read_into_its_setting():
    read = Environment.read(
        {
            "GSTIMS_DATABASE_URL": "postgresql+psycopg://gst@db/ims",
            "GSTIMS_ADMIN_TOKEN": TOKEN,
            "GSTIMS_SESSION_SECRET": "s" * 40,
            "GSTIMS_SECURE_COOKIES": "1",
        }
    )
    assert read == Environment("postgresql+psycopg://gst@db/ims", TOKEN, "s" * 40, True)


def test_records_partitions_is_a_count_of_at_least_one():
    """Migration 0012 partitions records into this many (issue 13, docs/SCALE.md)."""
    assert Environment().records_partitions == 8
    assert Environment.read({"GSTIMS_RECORDS_PARTITIONS": "32"}).records_partitions == 32
    for bad in ("0", "-4", "eight"):
        with pytest.raises(SettingsError, match="GSTIMS_RECORDS_PARTITIONS"):
            Environment.read({"GSTIMS_RECORDS_PARTITIONS": bad})


def test_a_variable_set_to_nothing_counts_as_not_set():
    empty = dict.fromkeys(
        ["GSTIMS_DATABASE_URL", "GSTIMS_ADMIN_TOKEN", "GSTIMS_SESSION_SECRET"], ""
    )
    assert Environment.read({**empty, "GSTIMS_SECURE_COOKIES": ""}) == Environment()


@pytest.mark.parametrize(
    ("word", "secure"),
    [(word, True) for word in ("1", "true", "YES", "on")]
    + [(word, False) for word in ("0", "false", "No", "off")],
)
def test_secure_cookies_takes_the_usual_yes_and_no_words(word, secure):
    assert Environment.read({"GSTIMS_SECURE_COOKIES": word}).secure_cookies is secure


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("GSTIMS_DATABASE_URL", "mysql://db/gst", "not a SQLite or PostgreSQL URL"),
        ("GSTIMS_DATABASE_URL", "gstims.db", "not a SQLite or PostgreSQL URL"),
        ("GSTIMS_ADMIN_TOKEN", "short", "too short"),
        ("GSTIMS_ADMIN_TOKEN", TOKEN + " x", "cannot travel in an HTTP header"),
        ("GSTIMS_ADMIN_TOKEN", TOKEN + "\n", "cannot travel in an HTTP header"),
        ("GSTIMS_SESSION_SECRET", "secret", "too short"),
        ("GSTIMS_SECURE_COOKIES", "maybe", "not a yes or a no"),
    ],
)
def test_a_bad_value_is_refused_with_its_name_and_the_fix(name, value, complaint):
    with pytest.raises(SettingsError, match=complaint) as refused:
        Environment.read({name: value})
    assert str(refused.value).startswith(f"{name}={value!r} ")


def test_every_bad_value_is_reported_at_once():
    with pytest.raises(SettingsError) as refused:
        Environment.read({"GSTIMS_DATABASE_URL": "mysql://db/gst", "GSTIMS_SECURE_COOKIES": "2"})
    assert "GSTIMS_DATABASE_URL" in str(refused.value)
    assert "GSTIMS_SECURE_COOKIES" in str(refused.value)


@pytest.fixture
def fresh_environment():
    environment.cache_clear()
    yield
    environment.cache_clear()


def test_the_command_line_names_a_bad_variable_in_one_line(monkeypatch, fresh_environment):
    monkeypatch.setenv("GSTIMS_DATABASE_URL", "mysql://db/gst")
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: GSTIMS_DATABASE_URL='mysql://db/gst' is not a SQLite or PostgreSQL URL: "
        "write e.g. sqlite:///gstims.db or postgresql+psycopg://user@host/db"
    ]


def test_a_bad_variable_stops_even_a_command_that_does_not_use_it(
    monkeypatch, fresh_environment, tmp_path
):
    monkeypatch.setenv("GSTIMS_ADMIN_TOKEN", "short")
    url = f"sqlite:///{tmp_path / 'gstims.db'}"
    result = CliRunner().invoke(app, ["clock", "show", "--database-url", url])
    assert result.exit_code == 2
    assert "GSTIMS_ADMIN_TOKEN='short' is too short" in result.stderr


def test_the_environment_is_read_once(monkeypatch, fresh_environment):
    monkeypatch.setenv("GSTIMS_SECURE_COOKIES", "yes")
    first = environment()
    monkeypatch.setenv("GSTIMS_SECURE_COOKIES", "no")
    assert environment() is first
