"""Station settings kept in the user data folder (settings.json): the staff PIN hash …

The PIN is stored as a salted scrypt hash, never in clear. The file may hold the hub's
password: it is owner-only (0600) from its first byte, and replaced atomically.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from kiosk.storage.atomic import write_private

log = logging.getLogger(__name__)
DEFAULT_PIN = "2024"
PIN_ENV = "FORUM_CHECKIN_PIN"
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            pin.encode("utf-8"),
            salt=bytes.fromhex(salt_hex),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


class Settings:
    """A small JSON file; a corrupt file is reported once and replaced by defaults."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem = ""
        self._data: dict[str, Any] = {}
        if path.exists():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(loaded, dict):
                    raise ValueError("not a JSON object")
                self._data = loaded
            except (OSError, ValueError) as exc:
                self.problem = f"{path}: unreadable settings ({exc}); using defaults"
                log.warning(self.problem)

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._data[key] = value
        self.save()

    def save(self) -> None:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            text = json.dumps(self._data, indent=2, ensure_ascii=False)
            write_private(self.path, text.encode("utf-8"))
        except OSError as exc:
            self.problem = f"{self.path}: cannot save settings ({exc.strerror or exc})"
            log.warning(self.problem)

    # The staff PIN that unlocks the kiosk mode.
    def pin_hash(self) -> str:
        stored = self.get("pin_hash")
        if isinstance(stored, str) and stored.startswith("scrypt$"):
            return stored
        fresh = hash_pin(os.environ.get(PIN_ENV) or DEFAULT_PIN)
        self.set("pin_hash", fresh)
        return fresh

    def set_pin(self, pin: str) -> None:
        if not (4 <= len(pin) <= 12 and pin.isdigit()):
            raise ValueError("the PIN must be 4 to 12 digits")
        self.set("pin_hash", hash_pin(pin))

    def check_pin(self, pin: str) -> bool:
        return verify_pin(pin, self.pin_hash())
