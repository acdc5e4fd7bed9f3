"""What the trusted-stations parts of the window say, in English and Chinese: the reasons an
entry was kept aside (kiosk.trust.roles.Refusal), the dashboard's security alert, and the
Stations… dialog. Plain data and functions (no widgets), each text an (English, Chinese)
pair."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.trust.roles import Refusal, Role

REFUSAL: dict[Refusal, tuple[str, str]] = {
    Refusal.UNSIGNED: ("not signed", "未签名"),
    Refusal.BAD_SIGNATURE: ("signature does not match the station's key", "签名与该站点密钥不符"),
    Refusal.UNKNOWN_STATION: ("station not enrolled (yet)", "站点（尚）未登记"),
    Refusal.BAD_CERT: ("certificate not signed by the event key", "证书未经活动密钥签名"),
    Refusal.EXPIRED: ("station's certificate had expired", "站点证书已过期"),
    Refusal.AHEAD: ("dated ahead of the hub's clock", "日期超前于中心服务器时钟"),
    Refusal.NAME: ("written under another station's name", "冒用其他站点名称写入"),
    Refusal.REVOKED: ("written after the station was revoked", "站点被吊销后写入"),
    Refusal.ROLE: ("not allowed for the station's role", "该站点角色无权写入"),
    Refusal.NOT_OWN: ("undo of another station's scan", "撤销其他站点的扫码"),
    Refusal.KEY_CHANGE: ("tried to change the event's badge key", "试图更改活动胸卡密钥"),
    Refusal.ENROLLMENT: ("enrollment file used a second time", "登记文件被重复使用"),
    Refusal.BAD_ROTATION: ("key rotation not signed by the event key", "密钥轮换未经活动密钥签名"),
}

ROLE: dict[Role, tuple[str, str]] = {
    Role.DESK: ("Desk", "服务台"),
    Role.DOOR: ("Door", "入口"),
    Role.KIOSK: ("Self check-in kiosk", "自助签到机"),
}

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Stations", "站点"),
    "button": ("Stations…", "站点…"),
    "button_tip": ("Enroll, list and revoke this event's stations", "登记、查看和吊销本活动的站点"),
    "intro": (
        "Stations enrolled for this event. Each signs what it writes with its own key; "
        "entries that fail the checks are kept aside and shown as security alerts.",
        "本活动已登记的站点。每个站点用自己的密钥签名其写入的内容；未通过校验的条目会被隔离，"
        "并显示为安全警报。",
    ),
    "not_desk": (
        "Only the registration desk (the holder of the event key) enrolls and revokes "
        "stations. The first enrollment makes this database the desk.",
        "只有服务台（持有活动密钥者）可以登记和吊销站点。首次登记会使本数据库成为服务台。",
    ),
    "not_here_station": (
        "Stations are enrolled and revoked at the registration desk, which holds the event "
        "key. This station was enrolled there itself: ask the desk.",
        "站点只能在持有活动密钥的服务台登记和吊销。本站点本身就是由服务台登记的：请联系服务台。",
    ),
    "not_here_other_desk": (
        "Another database is this event's registration desk (it issued the stations' "
        "certificates with the event key it holds): enroll and revoke stations there.",
        "另一个数据库是本活动的服务台（它用所持有的活动密钥为各站点签发了证书）：请在那里登记和吊销站点。",
    ),
    "not_here_no_key": (
        "This database holds no badge signing key (a copy for checking in only): stations "
        "are enrolled and revoked at the registration desk.",
        "本数据库没有胸卡签名密钥（仅用于签到的副本）：站点须在服务台登记和吊销。",
    ),
    "name": ("Name", "名称"),
    "role": ("Role", "角色"),
    "until": ("Valid until", "有效期至"),
    "state": ("State", "状态"),
    "active": ("active", "已启用"),
    "waiting": ("waiting for its first sync", "等待首次同步"),
    "revoked": ("revoked after entry #%1", "已吊销（第 %1 条之后）"),
    "enroll": ("Enroll…", "登记…"),
    "revoke": ("Revoke", "吊销"),
    "close": ("Close", "关闭"),
    "hub": ("Hub owner's connection string", "同步中心所有者连接串"),
    "file": ("Enrollment file", "登记文件"),
    "enroll_now": ("Enroll", "登记"),
    "enrolled": (
        "Enrolled %1. Carry the file %2 (or scan this code) to the station and run "
        "init --enrollment there. It works once.",
        "已登记 %1。请将文件 %2（或扫描此码）带到该站点并在那里运行 init --enrollment。"
        "该文件只能使用一次。",
    ),
    "revoke_q": (
        "Revoke %1? What it wrote until now stays; anything it writes afterwards is "
        "refused at every station.",
        "吊销 %1？其已写入的内容保留；之后写入的任何内容都会被所有站点拒绝。",
    ),
    "revoked_done": ("Revoked %1.", "已吊销 %1。"),
    "untrusted": ("enroll again", "需重新登记"),
    "untrusted_tip": (
        "The event key that signed its certificate was rotated as compromised.",
        "签发其证书的活动密钥已作为泄露密钥轮换。",
    ),
    "rotate": ("Rotate event key…", "轮换活动密钥…"),
    "rotate_q": (
        "Replace the event key that signs the stations' certificates? Every station takes "
        "the new key in at its next sync; badges keep being admitted. If the old key may be "
        "in other hands, choose 'Compromised': every station must then be enrolled again.",
        "是否更换签发站点证书的活动密钥？各站点在下次同步时接收新密钥；胸卡照常有效。"
        "如旧密钥可能已落入他人之手，请选择“已泄露”：届时每个站点都须重新登记。",
    ),
    "rotate_now": ("Rotate", "轮换"),
    "rotate_compromised": ("Compromised", "已泄露"),
    "rotated_done": ("Event key rotated (new key %1…).", "活动密钥已轮换（新密钥 %1…）。"),
    "failed": ("Not done: %1", "未完成：%1"),
    "none": ("No station enrolled yet.", "尚未登记任何站点。"),
    "alert": (
        "Security alert: %1 entries refused and kept aside — %2",
        "安全警报：%1 条条目被拒绝并隔离 — %2",
    ),
    "held_kind": ("Entry refused (security)", "条目被拒（安全）"),
    "claimed": ("claimed by %1: %2", "声称来自 %1：%2"),
    "qr_tip": (
        "The enrollment as a QR code (one use; hidden after two minutes, or once the station has used it)",
        "登记信息的二维码（仅可使用一次；两分钟后或站点使用后即隐藏）",
    ),
    "rename_enrolled": (
        "This station is enrolled as “%1”: to rename it, enroll it again at the desk.",
        "本站点已登记为“%1”：如需改名，请在服务台重新登记。",
    ),
}


def say(key: str, zh: bool, *args: str) -> str:
    text = TEXT[key][1 if zh else 0]
    for i, a in enumerate(args, 1):
        text = text.replace(f"%{i}", a)
    return text


def not_here(enrolls: str, zh: bool) -> str:
    """Why stations cannot be enrolled from this database (kiosk.storage.trust.Enrolls)."""
    key = f"not_here_{enrolls}"
    return say(key if key in TEXT else "not_here_station", zh)


def refusal(reason: str, zh: bool) -> str:
    try:
        pair = REFUSAL[Refusal(reason)]
    except ValueError:
        return reason
    return pair[1 if zh else 0]


def security_alert(held: Sequence[Any], zh: bool, most: int = 3) -> str:
    """One line naming the claimed stations and why (held: kiosk.storage.conflicts.Conflict
    of kind held_entry); "" when nothing is held."""
    if not held:
        return ""
    seen: dict[tuple[str, str], int] = {}
    for c in held:
        seen[(c.station, c.other)] = seen.get((c.station, c.other), 0) + 1
    parts = [f"{station or '?'} ({refusal(reason, zh)}{f' ×{n}' if n > 1 else ''})"
             for (station, reason), n in list(seen.items())[:most]]  # fmt: skip
    more = "…" if len(seen) > most else ""
    return say("alert", zh, str(len(held)), "; ".join(parts) + more)
