"""Importing GSTR-1 files: one transaction over every batch; refused files store nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.integration.harness import S1, R, Sandbox, doc
from tests.integration.test_files_roundtrip import retsave, write_json
from typer.testing import CliRunner

from gstims.cli_files import app
from gstims.codec import loads, to_json_bytes
from gstims.domain.calendar import Period
from gstims.services import files, views


@pytest.fixture
def box(db):
    box = Sandbox(db)
    for gstin in (S1, R):
        box.register(gstin)
    box.today("01-11-2024")
    return box


def invoices(count: int, **changes: Any) -> list[Any]:
    return [doc(f"INV-{n}", "10-10-2024", **changes) for n in range(1, count + 1)]


def stored(box: Sandbox) -> int:
    summary = box.run(views.return_summary, S1, "GSTR1", Period.parse("102024"), write=False)
    return sum(summary.counts.values())


def refusal(box: Sandbox, path: Path, **options: Any) -> list[str]:
    with pytest.raises(files.FileRefused) as refused:
        files.import_gstr1(box.db, path, **options)
    return refused.value.lines()


def test_a_file_saved_in_several_batches_is_stored_whole(box, tmp_path):
    path = write_json(tmp_path / "r1.json", retsave(S1, "102024", *invoices(7)))
    seen: list[tuple[str, int]] = []
    result = files.import_gstr1(
        box.db, path, batch_size=2, progress=lambda stage, done, total: seen.append((stage, done))
    )
    assert (result.documents, result.saved, result.batches) == (7, 7, 4)
    assert stored(box) == 7
    assert {stage for stage, _ in seen} == {"checking", "storing"}
    again = files.import_gstr1(box.db, path, batch_size=3)
    assert (again.saved, again.unchanged) == (0, 7)  # saving the same file changes nothing


def test_r_in_4_a_rule_broken_in_the_last_batch_leaves_nothing_of_the_earlier_ones(box, tmp_path):
    docs = [*invoices(4), doc("INV-5", "10-10-2024", rate=18, igst=999)]
    path = write_json(tmp_path / "r1.json", retsave(S1, "102024", *docs))
    lines = refusal(box, path, batch_size=2)
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: b2b[0].inv[4].itms[0].iamt: b2b INV-5: IGST 999.00")
    assert stored(box) == 0


def test_r_in_4_a_number_twice_in_the_file_is_refused_even_across_batches(box, tmp_path):
    docs = [*invoices(3), doc("inv-1 ", "11-10-2024")]
    data = retsave(S1, "102024", *docs)
    data["b2b"][0]["inv"][3]["inum"] = "INV-1"
    path = write_json(tmp_path / "r1.json", data)
    lines = refusal(box, path, batch_size=2)
    assert lines == [
        f"{path}: b2b[0].inv[3]: b2b INV-1: INV (FY 2024-25) appears more than once in this file"
    ]
    assert stored(box) == 0


def test_a_truncated_file_is_refused_before_anything_is_written(box, tmp_path):
    whole = to_json_bytes(retsave(S1, "102024", *invoices(3)))
    path = tmp_path / "cut.json"
    path.write_bytes(whole[: len(whole) // 2])
    (line,) = refusal(box, path)
    assert "the JSON is cut short or broken near byte" in line
    assert line.startswith(f"{path}: after b2b[0].inv[")
    assert stored(box) == 0


def test_a_section_of_the_wrong_type_is_refused_with_its_path(box, tmp_path):
    data = retsave(S1, "102024", *invoices(1))
    data["cdnr"] = {"ctin": R}
    (line,) = refusal(box, write_json(tmp_path / "r1.json", data))
    assert line.endswith("cdnr: expected a list, got an object")
    assert stored(box) == 0


def test_the_envelope_must_agree_with_the_command_line(box, tmp_path):
    path = write_json(tmp_path / "r1.json", retsave(S1, "102024", *invoices(1)))
    (line,) = refusal(box, path, period="112024")
    assert line == f"{path}: fp: the file says '102024', the command line '112024'"
    data = retsave(S1, "102024", *invoices(1))
    del data["fp"]
    result = files.import_gstr1(box.db, write_json(tmp_path / "nofp.json", data), period="102024")
    assert result.saved == 1


def test_the_import_command_shows_progress_and_refuses_with_exit_status_2(box, tmp_path):
    runner = CliRunner()
    url = ["--database-url", box.db.url]
    good = write_json(tmp_path / "good.json", retsave(S1, "102024", *invoices(2)))
    ok = runner.invoke(app, ["import", "gstr1", str(good), *url])
    assert ok.exit_code == 0, ok.output
    assert "checking: 100%" in ok.output and "storing: 100%" in ok.output
    assert "2 documents, 2 saved" in ok.output

    bad = tmp_path / "bad.json"
    bad.write_bytes(good.read_bytes()[:-10])
    refused = runner.invoke(app, ["import", "gstr1", str(bad), *url])
    assert refused.exit_code == 2
    assert "cut short or broken" in refused.output
    assert f"refused: nothing of {bad} was stored" in refused.output


def test_the_export_and_compare_commands_round_trip(box, tmp_path):
    runner = CliRunner()
    url = ["--database-url", box.db.url]
    files.import_gstr1(
        box.db, write_json(tmp_path / "r1.json", retsave(S1, "102024", *invoices(2)))
    )
    box.file(S1, "102024")
    box.today("14-11-2024")
    two_b = tmp_path / "2b.json"
    result = runner.invoke(
        app, ["export", "gstr2b", str(two_b), "--gstin", R, "--period", "102024", *url]
    )
    assert result.exit_code == 0, result.output
    report = tmp_path / "diff.xlsx"
    same = runner.invoke(
        app,
        [
            "compare-2b",
            str(two_b),
            "--gstin",
            R,
            "--period",
            "102024",
            "--report",
            str(report),
            *url,
        ],
    )
    assert same.exit_code == 0, same.output
    assert "2 equal, 0 different" in same.output and report.exists()
    portal = loads(two_b.read_bytes())
    portal["data"]["docdata"]["b2b"][0]["inv"][0]["igst"] = Decimal("1.00")
    changed = str(write_json(tmp_path / "p.json", portal))
    differ = runner.invoke(app, ["compare-2b", changed, "--gstin", R, "--period", "102024", *url])
    assert differ.exit_code == 1
    assert "1 different" in differ.output and "igst 1800.00 → 1.00" not in differ.output
    assert "igst 1.00 → 1800.00" in differ.output
    actions = tmp_path / "actions.xlsx"
    exported = runner.invoke(app, ["export", "ims", str(actions), "--gstin", R, "--actions", *url])
    assert exported.exit_code == 0 and "2 IMS record(s)" in exported.output
