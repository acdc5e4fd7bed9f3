"""One look for the whole application: palette, type scale, the Qt stylesheet."""

from __future__ import annotations

INK = "#1F2933"
MUTED = "#52606D"
LINE = "#D9DEE3"
SURFACE = "#FFFFFF"
BACKDROP = "#F3F5F7"
ACCENT = "#0B5CAD"  # forum blue
ACCENT_DARK = "#08427D"

STYLESHEET = f"""
QWidget {{ color: {INK}; }}
QMainWindow, QWidget#Backdrop {{ background: {BACKDROP}; }}
QFrame#Card {{ background: {SURFACE}; border: 1px solid {LINE}; border-radius: 10px; }}
QLabel#CardTitle {{ font-size: 11pt; font-weight: 600; color: {MUTED}; letter-spacing: 0.5px; }}
QLabel#Muted {{ color: {MUTED}; }}
QFrame#Header {{ background: {ACCENT_DARK}; }}
QFrame#Header QLabel {{ color: white; }}
QLabel#EventName {{ font-size: 15pt; font-weight: 700; }}
QLabel#EventNameZh {{ font-size: 12pt; color: #D6E4F5; }}
QFrame#Header QComboBox, QFrame#Header QLineEdit {{
    background: white; color: {INK}; border-radius: 6px; padding: 4px 8px; min-height: 24px;
}}
QPushButton {{
    background: {SURFACE}; border: 1px solid {LINE}; border-radius: 6px; padding: 6px 14px;
    min-height: 22px;
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton#Primary {{ background: {ACCENT}; color: white; border: none; font-weight: 600; }}
QPushButton#Primary:disabled {{ background: #9DB7D3; }}
QPushButton:disabled {{ color: #9AA5B1; background: #F1F3F5; border-color: #E4E7EB; }}
QFrame#Header QPushButton {{ background: rgba(255,255,255,0.12); color: white; border: 1px solid rgba(255,255,255,0.35); }}
QFrame#Header QPushButton:checked {{ background: white; color: {ACCENT_DARK}; }}
QLineEdit {{ border: 1px solid {LINE}; border-radius: 6px; padding: 6px 8px; background: white; }}
QLineEdit:focus {{ border: 2px solid {ACCENT}; }}
QListWidget, QTableWidget {{ border: 1px solid {LINE}; border-radius: 6px; background: white; }}
QListWidget::item {{ padding: 6px; border-bottom: 1px solid #EEF1F4; }}
QListWidget::item:selected {{ background: #DCE9F7; color: {INK}; }}
QProgressBar {{ border: none; background: #E6EAEE; border-radius: 4px; height: 8px; text-align: center; }}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 4px; }}
QStatusBar {{ background: white; border-top: 1px solid {LINE}; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ padding: 6px 14px; border: none; color: {MUTED}; }}
QTabBar::tab:selected {{ color: {ACCENT}; border-bottom: 2px solid {ACCENT}; }}
"""
