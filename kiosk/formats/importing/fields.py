"""Which column means which attendee field: header variants of pretix, Eventbrite, Chinese
registration forms and our own exports; and the normalisation of single values."""

from __future__ import annotations

import re
from datetime import date, datetime

from kiosk.formats.importing.xlsx_fast import Cell
from kiosk.models.records import ATTENDEE_FIELDS

# Fields of AttendeeInput plus the pseudo-fields that are combined into them.
FIELDS = (*ATTENDEE_FIELDS, "sessions")
PSEUDO = (
    "name_any",  # a name column that may hold an English or a Chinese name
    "organization_any",
    "first_name",
    "last_name",
    "order_email",  # the buyer's e-mail: used when an attendee has none
    "order_code",  # with position_id, forms an external id (pretix)
    "position_id",
    "ticket_type",  # mapped to sessions by the event's [ticket_types]
    "ignore",
)
TARGETS = FIELDS + PSEUDO

# fmt: off
_HEADERS: dict[str, tuple[str, ...]] = {
    "name_any": (
        "name", "full name", "attendee name", "attendee", "participant", "participant name",
        "delegate name", "姓名", "名字", "参会人", "参会人姓名", "参会者", "嘉宾姓名", "name / 姓名",
    ),
    "name": ("english name", "name (english)", "name en", "name_en", "英文名", "英文姓名", "姓名(英文)", "拼音"),
    "name_zh": (
        "name_zh", "chinese name", "name (chinese)", "name zh", "中文名", "中文姓名", "姓名(中文)",
        "chinese name / 中文名",
    ),
    "first_name": (
        "first name", "firstname", "given name", "attendee name: given name", "first", "forename", "名",
    ),
    "last_name": (
        "last name", "lastname", "surname", "family name", "attendee name: family name", "last", "姓",
    ),
    "organization_any": (
        "organization", "organisation", "company", "company name", "organization name",
        "institution", "employer", "affiliation", "单位", "公司", "机构", "工作单位", "单位名称",
        "公司名称", "所在单位", "organization / 单位",
    ),
    "organization": ("organization (english)", "company (english)", "英文单位", "单位(英文)"),
    "organization_zh": (
        "organization_zh", "organization (chinese)", "company (chinese)", "中文单位", "单位(中文)",
        "chinese organization / 中文单位", "organization (chinese) / 中文单位",
    ),
    "title": ("title", "job title", "position", "job", "role title", "职务", "职位", "头衔", "title / 职务"),
    "email": (
        "email", "e-mail", "email address", "e-mail address", "attendee email", "attendee e-mail",
        "mail", "邮箱", "电子邮件", "电子邮箱", "邮件", "email / 邮箱",
    ),
    "order_email": ("order email", "buyer email", "purchaser email"),
    "phone": (
        "phone", "phone number", "telephone", "tel", "mobile", "mobile phone", "cell phone", "cell",
        "attendee phone", "电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "phone / 电话",
    ),
    "category": (
        "category", "attendee category", "attendee type", "type", "role", "participant type",
        "类别", "身份", "类型", "参会身份", "嘉宾类别", "category / 类别",
    ),
    "delegation": ("delegation", "country", "country/region", "nation", "代表团", "国家", "国家/地区", "delegation / 代表团"),
    "notes": ("notes", "note", "remarks", "remark", "comments", "comment", "备注", "说明", "notes / 备注"),
    "attention": ("attention", "flag", "alert", "vip attention", "关注", "重点关注", "attention / 关注"),
    "external_id": (
        "external_id", "external id", "attendee #", "attendee no", "attendee id", "ticket id",
        "ticket number", "ticket #", "registration id", "registration number", "reg id",
        "barcode #", "编号", "注册号", "报名编号", "参会编号", "external id / 外部编号",
    ),
    "order_code": ("order code", "order #", "order id", "order number"),
    "position_id": ("position id", "position #"),
    "sessions": (
        "sessions", "session", "session ids", "场次", "分论坛", "参会场次", "sessions / 场次",
    ),
    "ticket_type": ("ticket type", "product", "ticket", "ticket name", "票种", "票务类型", "门票类型"),
    "ignore": ("attendee name: title", "variation", "序号", "no.", "#"),
}
# fmt: on


def normalize_header(text: str) -> str:
    """Case, width, spaces, required-field stars and trailing colons do not matter."""
    t = text.strip().replace("\ufeff", "").casefold()
    t = t.replace("（", "(").replace("）", ")").replace("：", ":").replace("＃", "#")
    t = re.sub(r"[\s_]+", " ", t).strip(" *:")
    t = re.sub(r"\s*([():/])\s*", r"\1", t)
    t = t.replace(":", ": ").replace("/", " / ")
    return re.sub(r" +", " ", t).strip()


KNOWN_HEADERS: dict[str, str] = {
    normalize_header(h): target for target, headers in _HEADERS.items() for h in headers
}
for _f in FIELDS:
    KNOWN_HEADERS.setdefault(normalize_header(_f), _f)


def target_for(header: str) -> str | None:
    return KNOWN_HEADERS.get(normalize_header(header))


# fmt: off
_CATEGORIES: dict[str, str] = {
    "vip": "vip", "贵宾": "vip", "vvip": "vip", "重要嘉宾": "vip",
    "speaker": "speaker", "speakers": "speaker", "嘉宾": "speaker", "演讲嘉宾": "speaker",
    "发言嘉宾": "speaker", "panelist": "speaker", "moderator": "speaker", "主持人": "speaker",
    "press": "press", "media": "press", "journalist": "press", "媒体": "press", "记者": "press",
    "exhibitor": "exhibitor", "exhibitors": "exhibitor", "展商": "exhibitor", "参展商": "exhibitor",
    "staff": "staff", "工作人员": "staff", "organizer": "staff", "volunteer": "staff",
    "志愿者": "staff", "会务": "staff",
    "delegate": "delegate", "attendee": "delegate", "participant": "delegate", "代表": "delegate",
    "参会代表": "delegate", "参会者": "delegate",
    "guest": "guest", "来宾": "guest", "访客": "guest",
}
# fmt: on


def normalize_category(value: str) -> str:
    """VIP/vip/贵宾 → vip …; anything unknown (or empty) is a delegate."""
    return _CATEGORIES.get(value.strip().casefold(), "delegate")


_TRUE = frozenset({"1", "y", "yes", "true", "x", "✓", "✔", "是", "有", "关注", "t"})


def parse_bool(value: str) -> bool:
    return value.strip().casefold() in _TRUE


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN = re.compile(r"[A-Za-z]")


def is_chinese(text: str) -> bool:
    """Text written in Chinese characters (no Latin letters): 张伟, 北京 清华大学."""
    return bool(_CJK.search(text)) and not _LATIN.search(text)


def join_name(first: str, last: str) -> str:
    """Given and family name parts: 'Wei Zhang', but '张伟' for Chinese parts."""
    if not first or not last:
        return first or last
    if is_chinese(first) and is_chinese(last):
        return last + first
    return f"{first} {last}"


_INT_FLOAT = re.compile(r"^[+-]?\d+\.0+$")


def cell_text(value: Cell) -> str:
    """A cell as clean text: 1234.0 → '1234', a date cell → '2024-11-04'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def clean_code(text: str) -> str:
    """An identifier or phone number that went through a float: '1234.0' → '1234'."""
    return text[: text.index(".")] if _INT_FLOAT.match(text) else text


_EMAIL = re.compile(r"^[^@\s,;<>()\[\]\"']+@[^@\s,;<>()\[\]\"']+\.[^@\s,;<>()\[\]\"'.]{2,}$")


def valid_email(text: str) -> bool:
    return bool(_EMAIL.match(text)) and ".." not in text


SESSION_SPLIT = re.compile(r"[;,|；，、\n]")
