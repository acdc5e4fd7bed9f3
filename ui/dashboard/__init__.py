"""The organizer dashboard: `DashboardView` fed by a polling `DashboardSource`."""

from kiosk.station.snapshot import DashboardSnapshot
from ui.dashboard.source import DashboardSource
from ui.dashboard.view import DashboardView

__all__ = ["DashboardSnapshot", "DashboardSource", "DashboardView"]
