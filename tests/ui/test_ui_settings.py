"""The staff PIN is stored hashed, checked, changeable; a corrupt settings file is survived."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ui.app.settings import DEFAULT_PIN, Settings, hash_pin, verify_pin


def test_pin_is_hashed_with_salt(tmp_path: Path) -> None:
    s = Settings(tmp_path / "settings.json")
    assert s.check_pin(DEFAULT_PIN)
    assert not s.check_pin("0000")
    raw = (tmp_path / "settings.json").read_text()
    assert DEFAULT_PIN not in json.loads(raw)["pin_hash"].split("$")[-1]
    assert hash_pin("2024") != hash_pin("2024")  # salted
    s.set_pin("97531")
    again = Settings(tmp_path / "settings.json")
    assert again.check_pin("97531") and not again.check_pin(DEFAULT_PIN)


def test_pin_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORUM_CHECKIN_PIN", "8642")
    s = Settings(tmp_path / "s.json")
    assert s.check_pin("8642") and not s.check_pin(DEFAULT_PIN)


def test_bad_pins_are_refused(tmp_path: Path) -> None:
    s = Settings(tmp_path / "s.json")
    for bad in ("12", "abcd", "1234567890123"):
        with pytest.raises(ValueError, match="4 to 12 digits"):
            s.set_pin(bad)
    assert not verify_pin("2024", "garbage")
    assert not verify_pin("2024", "scrypt$x$y$z$00$00")


def test_corrupt_settings_file_is_reported_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    s = Settings(path)
    assert str(path) in s.problem and "unreadable" in s.problem
    assert s.check_pin(DEFAULT_PIN)  # defaults, and the file is rewritten
    assert json.loads(path.read_text())["pin_hash"].startswith("scrypt$")


def test_unwritable_settings_folder_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    s = Settings(blocker / "settings.json")  # a folder that is a file
    s.set("print_on_first_checkin", True)
    assert "cannot save settings" in s.problem and str(blocker) in s.problem
    assert s.get("print_on_first_checkin") is True
