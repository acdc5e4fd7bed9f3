"""The unattended self check-in kiosk: attract screen, greeting, staff PIN, lock-down."""
