"""Printing one badge on a system printer (Qt print support). No widgets here.

The badge comes as the domain's display list (`kiosk.badges.BadgeDrawing`: boxes, text
lines, the QR code, in millimetres) and is painted with QPainter at the printer's
resolution: vector QR rectangles, text in the shipped Noto Sans SC. (QtPdf, which could
rasterise the PDF instead, is not part of the PySide6 wheels this project installs.)

"No printer" is an ordinary outcome, not an error: a desk without one keeps working.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.badges.design import BadgeDrawing, Fill, Line, QrCode, TextLine
from kiosk.badges.qrvector import QUIET_ZONE, merged_rects
from ui.app.fonts import load_cjk_fonts

MM_PER_INCH = 25.4
_ALIGN = {"L": Qt.AlignmentFlag.AlignLeft, "C": Qt.AlignmentFlag.AlignHCenter,
          "R": Qt.AlignmentFlag.AlignRight}  # fmt: skip


class PrintStatus(enum.StrEnum):
    PRINTED = "printed"
    NO_PRINTER = "no_printer"
    PRINTER_NOT_FOUND = "printer_not_found"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    status: PrintStatus
    printer: str = ""
    message: str = ""  # English
    message_zh: str = ""

    @property
    def ok(self) -> bool:
        return self.status is PrintStatus.PRINTED

    def __str__(self) -> str:
        return f"{self.message} · {self.message_zh}" if self.message_zh else self.message


def available_printers() -> list[str]:
    """Names of the system's printers (empty on a machine without any)."""
    return [p.printerName() for p in QPrinterInfo.availablePrinters()]


def print_badge(
    drawing: BadgeDrawing, printer_name: str | None = None, printer: QPrinter | None = None
) -> PrintOutcome:
    """Print one badge on `printer_name` (default: the system's default printer), or on a
    QPrinter set up by the caller (a PDF file, in tests)."""
    opened = _open(printer_name, printer)
    if isinstance(opened, PrintOutcome):
        return opened
    printer, name = opened
    if not _set_page(printer, drawing.width, drawing.height, "Badge"):
        return PrintOutcome(
            PrintStatus.FAILED, name,
            f"{name} does not take a {drawing.width:.0f} x {drawing.height:.0f} mm page",
            f"打印机{name}不支持该胸卡尺寸",
        )  # fmt: skip
    painter = QPainter()
    if not painter.begin(printer):
        return PrintOutcome(
            PrintStatus.FAILED, name, f"{name} did not accept the print job",
            f"打印机{name}未接受打印任务",
        )  # fmt: skip
    try:
        paint_badge(painter, drawing, printer.resolution())
    finally:
        ended = painter.end()
    if not ended:
        return PrintOutcome(
            PrintStatus.FAILED, name, f"{name}: the print job failed", f"打印机{name}打印失败"
        )
    return PrintOutcome(PrintStatus.PRINTED, name, f"Badge sent to {name}", f"胸卡已发送至{name}")


def print_pdf(
    data: bytes, what: tuple[str, str], printer_name: str | None = None,
    printer: QPrinter | None = None, dpi: int = 300,
) -> PrintOutcome:  # fmt: skip
    """Print a PDF made by the domain (a schedule slip): each page rasterised by PDFium at
    up to `dpi` and painted at its own size. `what` names it in both languages."""
    import pypdfium2 as pdfium

    opened = _open(printer_name, printer)
    if isinstance(opened, PrintOutcome):
        return opened
    printer, name = opened
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        return PrintOutcome(PrintStatus.FAILED, name, f"{what[0]}: unreadable PDF ({exc})",
                            f"{what[1]}：PDF无法读取")  # fmt: skip
    painter = QPainter()
    try:
        for i in range(len(doc)):
            page = doc[i]
            w_mm, h_mm = page.get_width() / 72 * MM_PER_INCH, page.get_height() / 72 * MM_PER_INCH
            _set_page(printer, w_mm, h_mm, what[0])
            if i == 0 and not painter.begin(printer):
                return PrintOutcome(PrintStatus.FAILED, name,
                                    f"{name} did not accept the print job",
                                    f"打印机{name}未接受打印任务")  # fmt: skip
            if i > 0:
                printer.newPage()
            res = min(printer.resolution(), dpi)
            image = page.render(scale=res / 72).to_pil().convert("RGB")
            qimage = QImage(image.tobytes(), image.width, image.height, 3 * image.width,
                            QImage.Format.Format_RGB888)  # fmt: skip
            k = printer.resolution() / MM_PER_INCH
            painter.drawImage(QRectF(0, 0, w_mm * k, h_mm * k), qimage)
    finally:
        ended = painter.end() if painter.isActive() else False
        doc.close()
    if not ended:
        return PrintOutcome(PrintStatus.FAILED, name, f"{name}: the print job failed",
                            f"打印机{name}打印失败")  # fmt: skip
    return PrintOutcome(PrintStatus.PRINTED, name, f"{what[0]} sent to {name}",
                        f"{what[1]}已发送至{name}")  # fmt: skip


def _open(
    printer_name: str | None, printer: QPrinter | None
) -> tuple[QPrinter, str] | PrintOutcome:
    """The caller's QPrinter, or one on `printer_name` (default: the system's default
    printer), full page, with the name to report; "no printer" as an outcome."""
    if printer is None:
        found = _find_printer(printer_name)
        if isinstance(found, PrintOutcome):
            return found
        printer = QPrinter(found, QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    return printer, printer.printerName() or printer.outputFileName() or "printer"


def _set_page(printer: QPrinter, w_mm: float, h_mm: float, name: str) -> bool:
    """A portrait page of w_mm × h_mm without margins; False if the printer refuses it."""
    size = QPageSize(QSizeF(w_mm, h_mm), QPageSize.Unit.Millimeter, name)
    return printer.setPageLayout(
        QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )


def _find_printer(printer_name: str | None) -> QPrinterInfo | PrintOutcome:
    printers = QPrinterInfo.availablePrinters()
    if not printers:
        return PrintOutcome(
            PrintStatus.NO_PRINTER, "", "No printer is set up on this computer",
            "本机未设置打印机",
        )  # fmt: skip
    if printer_name:
        for p in printers:
            if p.printerName() == printer_name:
                return p
        return PrintOutcome(
            PrintStatus.PRINTER_NOT_FOUND, printer_name,
            f"Printer {printer_name!r} is not available (printers: "
            f"{', '.join(p.printerName() for p in printers)})",
            f"找不到打印机{printer_name}",
        )  # fmt: skip
    default = QPrinterInfo.defaultPrinter()
    return printers[0] if default.isNull() else default


def badge_image(drawing: BadgeDrawing, dpi: int = 150) -> QImage:
    """The badge as an image (for a preview on screen)."""
    px = dpi / MM_PER_INCH
    image = QImage(
        round(drawing.width * px), round(drawing.height * px), QImage.Format.Format_RGB32
    )
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        paint_badge(painter, drawing, dpi)
    finally:
        painter.end()
    return image


def paint_badge(painter: QPainter, d: BadgeDrawing, dpi: float, x: float = 0, y: float = 0) -> None:
    """Paint the display list at (x, y) mm on a device of `dpi` dots per inch."""
    k = dpi / MM_PER_INCH
    families = load_cjk_fonts()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    for item in d.items:
        if isinstance(item, Fill):
            painter.fillRect(_rect(x + item.x, y + item.y, item.w, item.h, k), QColor(*item.color))
        elif isinstance(item, TextLine):
            font = QFont(families)
            font.setPointSizeF(item.size_pt)
            font.setBold(item.bold)
            painter.setFont(font)
            painter.setPen(QColor(*item.color))
            flags = _ALIGN[item.align] | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip
            painter.drawText(_rect(x + item.x, y + item.y, item.w, item.h, k), flags, item.text)
        elif isinstance(item, QrCode):
            _paint_qr(painter, item, x, y, k)
        elif isinstance(item, Line):
            pen = painter.pen()
            pen.setColor(QColor(*item.color))
            pen.setWidthF(item.width * k)
            painter.setPen(pen)
            painter.drawLine(
                round((x + item.x1) * k), round((y + item.y1) * k),
                round((x + item.x2) * k), round((y + item.y2) * k),
            )  # fmt: skip


def _paint_qr(painter: QPainter, q: QrCode, x: float, y: float, k: float) -> None:
    m = q.matrix.module_mm(q.side)
    x0, y0 = x + q.x + QUIET_ZONE * m, y + q.y + QUIET_ZONE * m
    black = QColor(0, 0, 0)
    for r in merged_rects(q.matrix.rows):
        painter.fillRect(_rect(x0 + r.x * m, y0 + r.y * m, r.w * m, r.h * m, k), black)


def _rect(x: float, y: float, w: float, h: float, k: float) -> QRectF:
    return QRectF(x * k, y * k, w * k, h * k)
