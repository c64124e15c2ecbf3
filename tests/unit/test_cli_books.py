"""`gstims books import`: a register in, every problem out (R-REC-4)."""

from typer.testing import CliRunner

from gstims.cli import app

runner = CliRunner()
S = "24AABCR6898M1ZN"
R = "29AABCR1718E1ZL"
HEADER = "GSTIN of supplier,Invoice No,Invoice Date,Taxable Value,IGST\n"


def books_import(tmp_path, text: str, *extra: str):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + text)
    url = f"sqlite:///{tmp_path / 'gstims.db'}"
    runner.invoke(app, ["db", "upgrade", "--database-url", url])
    return runner.invoke(
        app, ["books", "import", str(path), "--gstin", R, "--database-url", url, *extra]
    )


def test_r_rec_4_a_bad_register_prints_each_problem_and_exits_2(tmp_path):
    result = books_import(tmp_path, f"{S},INV-1,31-02-2024,100,18\n{S},,05-11-2024,100,18\n")
    assert result.exit_code == 2, result.output
    assert "row 2, Invoice Date: not a date" in result.stderr
    assert "row 3, Invoice No: missing document number" in result.stderr


def test_r_rec_4_skip_invalid_stores_the_good_rows_and_a_second_run_changes_nothing(tmp_path):
    text = f"{S},INV-1,05-11-2024,100,18\n{S},,05-11-2024,100,18\n"
    first = books_import(tmp_path, text, "--skip-invalid")
    assert first.exit_code == 0, first.output
    assert f"books version 1 of {R}: 1 documents, 1 problem(s) skipped" in first.stdout
    second = books_import(tmp_path, text, "--skip-invalid")
    assert "unchanged: the same documents as books version 1" in second.stdout


def test_r_rec_4_a_bad_file_is_a_cli_error_and_stores_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'gstims.db'}"
    runner.invoke(app, ["db", "upgrade", "--database-url", url])
    for name, data in (
        ("register.pdf", b"%PDF-1.4"),
        ("register.csv", (HEADER + f"{S},Facture é,05-11-2024,100,18\n").encode("latin-1")),
        ("register.xlsx", b"not a zip"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        result = runner.invoke(
            app, ["books", "import", str(path), "--gstin", R, "--database-url", url]
        )
        assert result.exit_code == 2, result.output
        assert name in result.stderr and "BOOKS400" in result.stderr
    good = books_import(tmp_path, f"{S},INV-1,05-11-2024,100,18\n")
    assert f"books version 1 of {R}" in good.stdout  # nothing was stored before it
