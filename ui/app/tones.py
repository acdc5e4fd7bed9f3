"""Short distinct WAV tones for the outcomes, written with the standard `wave` module.

`python -m ui.app.tones` regenerates resources/sounds/*.wav (committed; Qt-free).
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 22050
# name -> list of (frequency Hz, duration s); 0 Hz is a pause.
TONES: dict[str, list[tuple[float, float]]] = {
    "admitted": [(880.0, 0.09), (1318.5, 0.14)],  # rising two-note chime
    "already": [(660.0, 0.12), (0.0, 0.05), (660.0, 0.12)],  # double beep, same pitch
    "refused": [(330.0, 0.16), (247.0, 0.26)],  # falling low buzz
    "attention": [(988.0, 0.08), (1318.5, 0.08), (1760.0, 0.16)],  # bright arpeggio (VIP)
}


def synth(notes: list[tuple[float, float]], volume: float = 0.45) -> bytes:
    frames = bytearray()
    for freq, dur in notes:
        n = int(RATE * dur)
        fade = max(1, int(RATE * 0.008))
        for i in range(n):
            env = min(1.0, i / fade, (n - 1 - i) / fade)
            v = math.sin(2 * math.pi * freq * i / RATE) if freq else 0.0
            # a little second harmonic so small speakers sound less thin
            v = 0.8 * v + 0.2 * (math.sin(4 * math.pi * freq * i / RATE) if freq else 0.0)
            frames += struct.pack("<h", int(32767 * volume * env * v))
    return bytes(frames)


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, notes in TONES.items():
        path = folder / f"{name}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(synth(notes))
        out.append(path)
    return out


if __name__ == "__main__":
    target = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[2] / "resources" / "sounds"
    )
    for p in write_all(target):
        print(p)
