"""Input devices: the camera (capture and decode threads), its preview, handheld scanners."""
