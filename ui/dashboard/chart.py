"""Arrivals per 10 minutes as a bar chart (QtCharts)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCharts import QBarSeries, QBarSet, QCategoryAxis, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import QWidget

from kiosk.station.snapshot import Arrivals
from ui.dashboard.style import GREEN, LINE, MUTED


class ArrivalsChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setBackgroundVisible(False)
        chart.setPlotAreaBackgroundVisible(False)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(110)
        self.setStyleSheet("background: transparent;")
        self._chart = chart
        self._series = QBarSeries()
        self._series.setBarWidth(0.72)
        self._set = QBarSet("arrivals")
        self._set.setColor(QColor(GREEN))
        self._set.setBorderColor(QColor(GREEN))
        self._set.setLabelColor(QColor("#1b2a3a"))
        self._series.append(self._set)
        self._series.setLabelsVisible(True)
        self._series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        self._series.setLabelsFormat("@value")
        chart.addSeries(self._series)
        # Times under the bars, every `step`-th bucket: a category axis would elide them all.
        self._x = QCategoryAxis()
        self._x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self._y = QValueAxis()
        self._y.setLabelFormat("%d")
        self._y.setMinorTickCount(0)
        font = QFont(self.font())
        font.setPointSize(9)
        for axis in (self._x, self._y):
            axis.setLabelsFont(font)
            axis.setLabelsColor(QColor(MUTED))
            axis.setLinePen(QPen(QColor(LINE)))
            axis.setGridLineColor(QColor(LINE))
        self._x.setGridLineVisible(False)
        chart.addAxis(self._x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self._y, Qt.AlignmentFlag.AlignLeft)
        self._series.attachAxis(self._x)
        self._series.attachAxis(self._y)
        self.categories: list[str] = []
        self.values: list[int] = []

    def show_arrivals(self, arrivals: Arrivals | None, tz: ZoneInfo) -> None:
        buckets = arrivals.buckets if arrivals else ()
        categories = [f"{at.astimezone(tz):%H:%M}" for at, _ in buckets]
        values = [n for _, n in buckets]
        if categories == self.categories and values == self.values:
            return
        self.categories, self.values = categories, values
        self._set.remove(0, self._set.count())
        self._set.append([float(v) for v in values])
        self._series.setLabelsVisible(len(values) <= 36)
        self._label_axis()

    def shown_labels(self) -> list[str]:
        return list(self._x.categoriesLabels())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._label_axis()

    def _label_axis(self) -> None:
        # Value axis: as many ticks as fit (a short chart on a laptop gets fewer), round steps.
        plot = self._chart.plotArea()
        height = plot.height() or self.height() * 0.7
        # Room above the tallest bar for its value label (about 22 px, whatever the height).
        headroom = 1 + max(0.12, 22 / max(height, 1))
        top, ticks = y_scale(max(self.values, default=0), int(height // 26) + 1, headroom)
        self._y.setRange(0, top)
        self._y.setTickCount(ticks)
        n = len(self.categories)
        width = plot.width() or self.width() * 0.9
        step = next((k for k in (1, 2, 3, 6, 12) if width * k / max(n, 1) >= 48), 18)
        for label in self._x.categoriesLabels():
            self._x.remove(label)
        self._x.setRange(-0.5, max(n, 1) - 0.5)
        self._x.setStartValue(-0.5)
        # Start on a round time (on the hour, the half hour...) rather than the first bar.
        first = next(
            (i for i in range(min(step, n)) if _minutes(self.categories[i]) % (step * 10) == 0), 0
        )
        for i in range(first, n, step):
            self._x.append(self.categories[i], i)


def _minutes(hh_mm: str) -> int:
    hh, mm = hh_mm.split(":")
    return int(hh) * 60 + int(mm)


def y_scale(top_value: int, max_ticks: int, headroom: float = 1.15) -> tuple[int, int]:
    """(axis top, tick count): round steps, `headroom` above the tallest bar for its label."""
    intervals_max = max(1, min(5, max_ticks - 1))
    need = max(top_value * headroom, 4.0)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        intervals = -(-need // step)
        if intervals <= intervals_max:
            return int(intervals * step), int(intervals) + 1
    big = int(-(-need // intervals_max))
    return big * intervals_max, intervals_max + 1
