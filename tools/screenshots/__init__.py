"""`python main.py screenshots`: every mode and state rendered to PNG files."""
