"""Outcome sounds with QSoundEffect. No audio device (or no QtMultimedia) means silence."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QUrl

from ui.app.paths import SOUNDS
from ui.app.tones import TONES

log = logging.getLogger(__name__)


def _audio_available() -> bool:
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError as exc:  # libpulse missing, stripped install …
        log.info("sound off: QtMultimedia unavailable (%s)", exc)
        return False
    if not QMediaDevices.audioOutputs():
        log.info("sound off: no audio output device")
        return False
    return True


class SoundPlayer(QObject):
    """Plays the short tone of an outcome; silent when disabled or without a device."""

    def __init__(self, enabled: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effects: dict[str, Any] = {}
        self.played: list[str] = []  # what was asked for, for the status bar and tests
        self.active = enabled and _audio_available()
        if self.active:
            from PySide6.QtMultimedia import QSoundEffect

            for name in TONES:
                path = SOUNDS / f"{name}.wav"
                if not path.exists():
                    log.warning("missing sound %s", path)
                    continue
                eff = QSoundEffect(self)
                eff.setSource(QUrl.fromLocalFile(str(path)))
                eff.setVolume(0.8)
                self._effects[name] = eff

    def play(self, name: str) -> None:
        self.played.append(name)
        del self.played[:-20]
        eff = self._effects.get(name)
        if eff is not None:
            eff.stop()
            eff.play()
