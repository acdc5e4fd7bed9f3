"""A guard against a reference-count bug of the PySide6 build in use (6.12.0).

Measured here: every call of a PySide6 method that returns nothing (`update()`,
`setText()`, `QTimer.start()` …) releases one reference to `None` it never took, and
every emission of a `Signal(bool)` releases one to `True`/`False`. CPython 3.11 does not
make these singletons immortal, so after some tens of thousands of calls the count reaches
zero and the process aborts ("Fatal Python error: none_dealloc" / "bool_dealloc"), often
at exit. `pin_singletons()` raises their counts far out of reach (what CPython 3.12's
immortal objects do anyway); it is a no-op where the objects are already immortal.
"""

from __future__ import annotations

import ctypes
import platform
import sys

_MARGIN = 1 << 40  # a thousand billion calls of head-room


def pin_singletons() -> bool:
    """Make None, True and False effectively immortal; True when it did something."""
    if platform.python_implementation() != "CPython" or sys.version_info >= (3, 12):
        return False
    for obj in (None, True, False):
        cell = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is PyObject's first field
        if cell.value < _MARGIN:
            cell.value += _MARGIN
    return True
