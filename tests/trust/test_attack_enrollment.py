"""Red team (issue 18): a malformed enrollment file (or the text of a pairing QR) given to
`init --enrollment` gets a clear message naming the file, exit 1, never "unexpected"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands

HEAD = '{"format": "forum-checkin-enrollment/1", "secret": "' + "00" * 32 + '"'
FILES = {
    "fields missing": HEAD + "}",
    "deeply nested": HEAD + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
}


@pytest.mark.xfail(strict=True, reason="kiosk/sync/enroll.read_enrollment checks only "
                   "`format` and `secret`: a missing field is a KeyError, deep nesting a "
                   "RecursionError, both 'unexpected' (exit 70); fix in enroll.py (upgrade)")  # fmt: skip
@pytest.mark.parametrize("what", list(FILES))
def test_attack_a_malformed_enrollment_file_gets_a_clear_message(tmp_path: Path, what: str) -> None:
    f = tmp_path / "x.enroll"
    f.write_text(FILES[what])
    r = CliRunner().invoke(load_commands(),
                           ["init", "--db", str(tmp_path / "s.sqlite"), "--enrollment", str(f)])  # fmt: skip
    assert r.exit_code == 1, r.output
    assert "not an enrollment file" in r.output and "unexpected" not in r.output


def test_attack_enrollment_files_that_are_not_json_objects_are_refused(tmp_path: Path) -> None:
    for body in (b"\xff\xfe\x00garbage", json.dumps([1]).encode(), b""):
        f = tmp_path / "x.enroll"
        f.write_bytes(body)
        r = CliRunner().invoke(load_commands(), ["init", "--db", str(tmp_path / "s.sqlite"),
                                                 "--enrollment", str(f)])  # fmt: skip
        assert r.exit_code == 1 and "enrollment file" in r.output, r.output
