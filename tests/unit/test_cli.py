"""The `gstims` command: clear help, and every mistake answered by one line that says the fix."""

import pytest
from typer.testing import CliRunner

from gstims.cli import app

runner = CliRunner()
S1 = "27AAPFU0939F1ZV"
R = "29AABCR1718E1ZL"
COMMANDS = [
    ["serve"],
    ["demo"],
    ["generate"],
    ["db", "upgrade"],
    ["users", "create"],
    ["taxpayers", "add"],
    ["clock", "show"],
    ["clock", "set"],
    ["import", "gstr1"],
    ["export", "gstr2b"],
]


def run(*args: str):
    return runner.invoke(app, list(args))


def one_error_line(result) -> str:
    """The failure is exactly one line on stderr, `error: ...`, exit status 2, no traceback."""
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'gstims.db'}"


def test_gstims_help_lists_every_command():
    result = run("--help")
    assert result.exit_code == 0
    for name in ("serve", "demo", "generate", "db", "users", "taxpayers", "clock", "import"):
        assert name in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_each_command_has_help_that_describes_its_options(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and "--help" in result.stdout


def test_a_bare_group_prints_its_help_rather_than_an_error():
    result = run("clock")
    assert result.exit_code == 0
    assert "show" in result.stdout and "set" in result.stdout


def test_an_unknown_command_is_one_line_pointing_at_the_help():
    line = one_error_line(run("nope"))
    assert "No such command 'nope'" in line and "gstims --help" in line


def test_a_bad_date_names_the_format_and_gives_an_example(url):
    line = one_error_line(run("clock", "set", "31-02-2025", "--database-url", url))
    assert "'31-02-2025' is not a date" in line and "dd-mm-yyyy" in line


def test_a_bad_period_names_the_format(url):
    line = one_error_line(run("generate", "--period", "2025-10", "--database-url", url))
    assert "MMYYYY" in line and "--period" in line


def test_a_wrong_number_is_one_line():
    line = one_error_line(run("generate", "--records", "lots"))
    assert "--records" in line


def test_a_missing_database_directory_says_to_create_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'missing' / 'gstims.db'}"
    line = one_error_line(run("clock", "show", "--database-url", url))
    assert "does not exist" in line and "create it" in line


def test_a_bad_database_url_is_one_line():
    line = one_error_line(run("clock", "show", "--database-url", "not a url"))
    assert "not a database URL" in line


def test_a_missing_file_is_one_line(url, tmp_path):
    line = one_error_line(
        run("import", "gstr1", str(tmp_path / "none.json"), "--database-url", url)
    )
    assert "none.json" in line


def test_a_gstin_with_a_wrong_check_character_is_refused_with_the_right_one(url):
    line = one_error_line(
        run("taxpayers", "add", "27AAPFU0939F1ZX", "--name", "X", "--database-url", url)
    )
    assert "check character should be 'V'" in line


def test_a_user_for_an_unregistered_gstin_is_told_to_register_it(url):
    line = one_error_line(run("users", "create", "ca", "--gstin", S1, "--database-url", url))
    assert "not registered" in line and "gstims taxpayers add" in line


def test_taxpayers_users_and_the_clock_work_together(url):
    for gstin in (S1, R):
        result = run(
            "taxpayers", "add", gstin, "--name", f"Taxpayer {gstin[:2]}", "--database-url", url
        )
        assert result.exit_code == 0, result.output
    args = ["users", "create", "mehta-ca", "--gstin", S1, "--gstin", R, "--password"]
    typed = "ledger maple violet\n" * 2  # issue 14 item 16: asked for, never on argv
    made = runner.invoke(app, [*args, "--database-url", url], input=typed)
    assert made.exit_code == 0 and "auth-token:" in made.stdout
    assert "ledger maple violet" not in made.output
    assert run("clock", "show", "--database-url", url).stdout.strip() == "01-10-2024"
    moved = run("clock", "set", "15-11-2024", "--database-url", url)
    assert moved.exit_code == 0, moved.output
    assert "gstr2b_drafts" in moved.stdout and "14-11-2024" in moved.stdout


def test_the_clock_never_moves_back(url):
    run("clock", "set", "15-11-2024", "--database-url", url)
    line = one_error_line(run("clock", "set", "01-11-2024", "--database-url", url))
    assert "forward only" in line


def test_generate_prints_its_rate(url):
    result = run(
        "generate", "--records", "500", "--recipients", "2", "--suppliers", "3",
        "--period", "102025", "--database-url", url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "500 records" in result.stdout and "records/s" in result.stdout


def test_demo_refuses_a_database_holding_other_data(url):
    run("taxpayers", "add", S1, "--name", "Someone", "--database-url", url)
    line = one_error_line(run("demo", "--build-only", "--database-url", url))
    assert "gstims demo --fresh" in line


def test_demo_fresh_deletes_only_a_sqlite_file():
    line = one_error_line(
        run("demo", "--fresh", "--build-only", "--database-url", "postgresql+psycopg://u@h/db")
    )
    assert "only a SQLite" in line
