"""Issue 14: files gstims writes and reads cannot be turned against their user.

Item 5: every spreadsheet the CLI writes keeps text as text — a trade name, remark or portal
number that begins with `=` never becomes a live formula (`formats/excel.text_cells`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from tests.integration.harness import S1, R, Sandbox, doc
from typer.testing import CliRunner

from gstims.cli import app
from gstims.codec import loads, to_json_bytes
from gstims.domain.records import Action
from gstims.formats.limits import MAX_JSON_DEPTH, MAX_RATIO, MiB, json_problems

HOSTILE_NAME = '=HYPERLINK("http://example.invalid/refund","Claim refund")'
HOSTILE_REMARK = "=1+1"
HOSTILE_NUMBER = "=2+2"


def cli(*args: str | Path) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code in (0, 1), result.output
    return result.output


def cells(path: Path) -> list[tuple[object, str]]:
    book = load_workbook(path)
    return [(c.value, c.data_type) for ws in book.worksheets for row in ws.iter_rows() for c in row]


def test_every_cli_spreadsheet_keeps_a_leading_equals_sign_as_text(db, tmp_path):
    """Issue 14 item 5: export ims (--actions), export gstr2b and compare-2b --report."""
    box = Sandbox(db)
    box.register(S1, name=HOSTILE_NAME)
    box.register(R)
    box.today("05-11-2024")
    box.save(S1, "102024", doc("INV-1", "10-10-2024"), doc("INV-2", "11-10-2024"))
    box.file(S1, "102024")
    box.act("INV-1", Action.ACCEPT, remarks=HOSTILE_REMARK)
    box.today("14-11-2024")
    where = ("--gstin", R, "--database-url", db.url)
    cli("export", "ims", tmp_path / "ims.xlsx", *where)
    cli("export", "ims", tmp_path / "actions.xlsx", "--actions", *where)
    cli("export", "gstr2b", tmp_path / "2b.xlsx", "--period", "102024", *where)
    cli("export", "gstr2b", tmp_path / "2b.json", "--period", "102024", *where)
    portal = loads((tmp_path / "2b.json").read_bytes())
    invoices = portal["data"]["docdata"]["b2b"][0]["inv"]
    invoices[0]["inum"] = HOSTILE_NUMBER
    (tmp_path / "portal.json").write_bytes(to_json_bytes(portal))
    report = tmp_path / "report.xlsx"
    cli("compare-2b", tmp_path / "portal.json", "--period", "102024", "--report", report, *where)
    expected = {
        "ims.xlsx": {HOSTILE_REMARK},
        "actions.xlsx": {HOSTILE_REMARK},
        "2b.xlsx": {HOSTILE_NAME},
        "report.xlsx": {HOSTILE_NUMBER},
    }
    for name, hostile in expected.items():
        found = cells(tmp_path / name)
        assert not [value for value, kind in found if kind == "f"], name
        assert hostile <= {value for value, _ in found}, name


# -- bounded imports (items 7 and 14) ---------------------------------------------------------


def brackets(path: Path, depth: int = 100_000) -> Path:
    """A 100 KB JSON of nested brackets: it once took a streaming parser to 6 GB."""
    path.write_bytes(b"[" * depth + b"]" * depth)
    return path


def bomb(path: Path, unpacked: int = 64 * MiB) -> Path:
    """An .xlsx-shaped zip whose one sheet unpacks from ~64 KB to `unpacked` bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("[Content_Types].xml", "<Types/>")
        with packed.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b" " * MiB
            for _ in range(unpacked // MiB):
                sheet.write(block)
    return path


def filed_october(db) -> Sandbox:
    """S1 has filed INV-1 and INV-2 of October to R; the clock is on 05-11-2024."""
    box = Sandbox(db)
    box.register(S1)
    box.register(R)
    box.today("05-11-2024")
    box.save(S1, "102024", doc("INV-1", "10-10-2024"), doc("INV-2", "11-10-2024"))
    box.file(S1, "102024")
    return box


def refused_in_one_line(*args: str | Path) -> str:
    """Issue 14 item 14: one red line on stderr, exit status 2, no traceback."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_deeply_nested_json_is_refused_in_one_line_by_every_import(db, tmp_path):
    """Issue 14 items 7 and 14: the nesting bound (limits.MAX_JSON_DEPTH) before parsing."""
    box = Sandbox(db)
    box.register(S1)
    box.register(R)
    deep = brackets(tmp_path / "deep.json")
    where = ("--gstin", R, "--database-url", db.url)
    for args in (
        ("import", "gstr1", deep, "--database-url", db.url),
        ("import", "actions", deep, *where),
        ("compare-2b", deep, "--period", "102024", *where),
    ):
        line = refused_in_one_line(*args)
        assert f"nested deeper than {MAX_JSON_DEPTH} levels" in line, args


def test_a_workbook_that_unpacks_far_beyond_its_size_is_refused_before_it_is_opened(db, tmp_path):
    """Issue 14 item 7: the unpacked-size ratio bound (limits.MAX_RATIO) of an .xlsx."""
    box = Sandbox(db)
    box.register(R)
    line = refused_in_one_line(
        "import", "actions", bomb(tmp_path / "bomb.xlsx"), "--gstin", R, "--database-url", db.url
    )
    assert f"at most {MAX_RATIO}" in line


def test_json_one_level_inside_the_bound_still_reads(tmp_path):
    """Issue 14 item 7: the bound refuses only what is over it."""
    assert json_problems(brackets(tmp_path / "ok.json", MAX_JSON_DEPTH)) == []
    assert json_problems(brackets(tmp_path / "over.json", MAX_JSON_DEPTH + 1)) != []


def test_the_cli_import_refuses_invisible_characters_and_never_echoes_an_escape(db, tmp_path):
    """Issue 14 item 13: ESC, NUL and U+202E in an imported remark refuse the file, naming
    each record and field, and what the CLI prints carries no terminal escape."""
    box = filed_october(db)
    where = ("--gstin", R, "--database-url", db.url)
    cli("export", "ims", tmp_path / "ims.json", *where)
    getinv = loads((tmp_path / "ims.json").read_bytes())
    records = getinv["b2b"]  # the GETINV data object: one entry per record
    for record, remark in zip(records, ("\x1b[2Jgone\x00", "paid\u202eon 01-11"), strict=True):
        record.update(action="R", remarks=remark)
    (tmp_path / "edited.json").write_bytes(to_json_bytes(getinv))
    result = CliRunner().invoke(app, ["import", "actions", str(tmp_path / "edited.json"), *where])
    assert result.exit_code == 2
    assert result.output.count("remarks: b2b INV-") == 2, result.output
    assert result.output.count("invisible character") == 2
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert {r.state.action for r in box.ims()} == {Action.NO_ACTION}
