"""The PySide6 application: staff desk, self check-in kiosk, dashboard host."""
