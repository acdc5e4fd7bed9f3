"""`python main.py import FILE --db PATH`: summary, problems on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kiosk.cli import load_commands
from tests.helpers.data_files import CHINESE_HEADER, attendee_count, chinese_rows, write_csv


def _run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(load_commands(), list(args))
    return r.exit_code, r.stdout, r.stderr


def test_import_then_reimport(tmp_path: Path, demo_db: Path) -> None:
    f = write_csv(tmp_path / "cn.csv", CHINESE_HEADER, chinese_rows(), encoding="gb18030")
    before = attendee_count(demo_db)
    code, out, err = _run("import", str(f), "--db", str(demo_db))
    assert code == 0, err
    assert "cn.csv: 3 rows read; 3 inserted, 0 updated, 0 unchanged, 0 bad" in out
    assert "ignored columns: 序号" in err
    code, out, _ = _run("import", str(f), "--db", str(demo_db), "--json")
    assert code == 0
    result = json.loads(out)
    assert (result["inserted"], result["unchanged"], result["written"]) == (0, 3, True)
    assert attendee_count(demo_db) == before + 3


def test_bad_rows_are_listed_and_nothing_is_written(tmp_path: Path, demo_db: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(
        "姓名;邮箱;场次\n张三;zs@x.cn;opening\n;nobody@x.cn;opening\n李四;ls@;gala\n", "utf-8"
    )
    before = attendee_count(demo_db)
    code, out, err = _run("import", str(f), "--db", str(demo_db))
    assert code == 1
    lines = err.splitlines()
    assert "row 3, column 姓名: no name (neither English nor Chinese)" in lines
    assert "row 4, column 邮箱: malformed email 'ls@'" in lines
    assert any(line.startswith("row 4, column 场次: unknown session id 'gala'") for line in lines)
    assert "nothing imported" in out
    assert attendee_count(demo_db) == before
    code, out, err = _run("import", str(f), "--db", str(demo_db), "--skip-bad")
    assert code == 3
    assert "1 inserted" in out and "2 bad" in out
    assert attendee_count(demo_db) == before + 1


def test_map_option_and_unreadable_file(tmp_path: Path, demo_db: Path) -> None:
    f = write_csv(tmp_path / "m.csv", ["Who", "Mobile No."], [["Amy Fox", "+1 555"]])
    code, _, err = _run("import", str(f), "--db", str(demo_db))
    assert code == 1 and "no name column found" in err and "Traceback" not in err
    code, out, err = _run(
        "import", str(f), "--db", str(demo_db), "--map", "Who=name", "--map", "Mobile No.=phone"
    )
    assert code == 0, err
    assert "1 inserted" in out
    code, _, err = _run("import", str(f), "--db", str(demo_db), "--map", "nonsense")
    assert code == 2 and "expected" in err
    broken = tmp_path / "list.xlsx"
    broken.write_text("not a workbook")
    code, _, err = _run("import", str(broken), "--db", str(demo_db))
    assert code == 1
    assert err.strip() == f"error: {broken}: not an XLSX workbook (damaged, or not a zip archive)"


def test_progress_bar_on_long_files(tmp_path: Path, demo_db: Path) -> None:
    rows = [[f"Person {i}", f"p{i}@x.org", "opening"] for i in range(5200)]
    rows.append(["", "last@x.org", "opening"])  # one bad row: nothing is written (quick)
    f = write_csv(tmp_path / "long.csv", ["Name", "Email", "Sessions"], rows)
    code, out, err = _run("import", str(f), "--db", str(demo_db))
    assert code == 1
    assert "Checking rows" in err
    assert "row 5202, column Name: no name" in err
    assert "5201 rows read" in out


def test_missing_database(tmp_path: Path) -> None:
    f = write_csv(tmp_path / "a.csv", ["Name"], [["A"]])
    code, _, err = _run("import", str(f), "--db", str(tmp_path / "none.sqlite"))
    assert code == 1 and "no such database" in err
