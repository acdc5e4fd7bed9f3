"""Forum Check-in domain: storage, badge codes, check-in rules, scanning, import/export.

Nothing in this package imports Qt (an import-linter contract enforces it).
"""

__version__ = "0.1.0"
