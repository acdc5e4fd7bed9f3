"""The X server (Xvfb + openbox) and app fixtures of test_e2e_xvfb, for every e2e module."""

from tests.e2e.test_e2e_xvfb import app, screen

__all__ = ["app", "screen"]
