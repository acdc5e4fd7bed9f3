"""What the desk says about printers and prints, in English and Chinese: one table.

The problems themselves come from the domain's table (kiosk.badges.printstate
PROBLEM_TEXT); here is what the desk adds around them (which print, "printing", "sent").
`lang()` is the UI language (ui.app.i18n sets the default locale when it switches).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale

from kiosk.badges.printstate import PrintStatus

ALREADY_PRINTED = "Badge already printed: use Reprint · 胸卡已打印，如需补打请选择“补打胸卡”"
NO_SLIP = "No meetings on the schedule: no slip to print · 暂无洽谈安排，无需打印日程"

#: The desk's words, (English, Chinese).
WORDS: dict[str, tuple[str, str]] = {
    "default": ("the default printer", "默认打印机"),
    "badge": ("Badge", "胸卡"),
    "badge_of": ("Badge of {who}", "{who}的胸卡"),
    "slip": ("Schedule slip", "洽谈日程"),
    "slip_of": ("Schedule slip of {who}", "{who}的洽谈日程"),
    "test": ("Test badge", "测试胸卡"),
    "printing": ("Printing: {what} on {printer}…", "正在打印：{printer}上的{what}…"),
    "job": (" (job {job})", "（任务{job}）"),
    "printed": ("Printed: {what} on {printer}", "打印完成：{printer}上的{what}"),
    "sent": (
        "Sent: {what} to {printer}. Whether it printed cannot be followed here: check the printer",
        "已发送：{what}至{printer}。此处无法确认是否打印成功，请查看打印机",
    ),
    "cancelled": (
        "Not printed: {what}, the job was cancelled on {printer}",
        "未打印：{what}，{printer}上的任务已被取消",
    ),
    "not_printed": ("Not printed: {what}. {why}", "未打印：{what}。{why}"),
    "saved_instead": (
        "No printer: {what} saved as PDF to {path}",
        "无打印机：{what}已另存为PDF：{path}",
    ),
    # the printer panel
    "printer": ("Printer", "打印机"),
    "label": ("Label", "标签"),
    "choose": ("Printer…", "打印机…"),
    "choose_tip": (
        "Choose the printer and the label stock for badges",
        "选择打印胸卡的打印机和标签",
    ),
    "title": ("Printer and label · 打印机和标签", "打印机和标签 · Printer and label"),
    "test_print": ("Test print", "打印测试胸卡"),
    "refresh": ("Refresh", "刷新"),
    "ok": ("Use these", "使用此设置"),
    "cancel": ("Cancel", "取消"),
    "none_found": ("No printer is set up on this computer", "本机未设置打印机"),
    "asking": ("Asking the printers…", "正在查询打印机…"),
    "default_mark": ("{name} (default)", "{name}（默认）"),
    "no_cups": (
        "Qt printing (not followed: “sent”, never “printed”)",
        "Qt打印（无法跟踪：只显示“已发送”）",
    ),
    "qr": ("QR code {mm:.2f} mm a module", "二维码每模块{mm:.2f}毫米"),
    "bar": ("{printer} · {label}: {state}", "{printer} · {label}：{state}"),
    "bar_known": ("{state} · {label}", "{state} · {label}"),
    # the problem box
    "problem_title": ("Not printed · 未打印", "未打印 · Not printed"),
    "retry": ("Retry", "重试"),
    "another": ("Another printer…", "换一台打印机…"),
    "save_pdf": ("Save as PDF…", "另存为PDF…"),
    "close": ("Close", "关闭"),
    "saved": ("Saved: {path}", "已保存：{path}"),
    "save_failed": ("Cannot save {path}: {why}", "无法保存{path}：{why}"),
    "pdf_filter": ("PDF files (*.pdf)", "PDF文件 (*.pdf)"),
}


def lang() -> str:
    """The UI language now: 'zh' or 'en'."""
    return "zh" if QLocale().language() == QLocale.Language.Chinese else "en"


def word(key: str, language: str | None = None, **values: object) -> str:
    i = 1 if (language or lang()) == "zh" else 0
    text = WORDS[key][i]
    return text.format(**values) if values else text


def printer_text(name: str, language: str) -> str:
    return name or word("default", language)


def outcome_text(item: Any, language: str) -> str:
    """One sentence about a DeskPrint (ui.desk.print_desk) in `language`."""
    if item.kind == "test":
        what = word("test", language)
    elif item.who:
        what = word(f"{item.kind}_of", language, who=item.who)
    else:
        what = word(item.kind, language)
    printer = printer_text(item.printer_name, language)
    status = item.status
    if status is PrintStatus.PRINTING:
        job = word("job", language, job=item.job_id) if item.job_id is not None else ""
        return word("printing", language, what=what, printer=printer) + job
    if status in (PrintStatus.PRINTED, PrintStatus.SENT, PrintStatus.CANCELLED):
        return word(status.value, language, what=what, printer=printer)
    if item.saved:
        return word("saved_instead", language, what=what, path=item.saved)
    result = item.result
    why = result.message_zh if language == "zh" else result.message
    return word("not_printed", language, what=what, why=why)
