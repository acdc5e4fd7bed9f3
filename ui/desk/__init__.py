"""The staff desk: scans, search, walk-ins, undo, reprints, printing."""
