"""Which column means which attendee field: header variants of pretix, Eventbrite, Chinese
registration forms and our own exports; and the normalisation of single values.

pretix's headers are those its exporters write (pretix/plugins/checkinlists/exporters.py:
the check-in list; pretix/base/exporters/orderlist.py: the order data's positions sheet),
in English and, from pretix's own translations, in German, French, Spanish, Italian,
Dutch, Japanese and Chinese. Eventbrite's are those of its attendee report ("Order #",
"Attendee #", "Barcode #", "Attendee Status" …; "Order no.", "Surname" in the UK).
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Literal

from kiosk.formats.importing.workbook import Cell
from kiosk.models.records import ATTENDEE_FIELDS, Category

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
    "seat",  # pretix's seat name: added to the notes
    "attendee_status",  # Eventbrite: refunded or cancelled tickets are not imported
    "ignore",
)
TARGETS = FIELDS + PSEUDO

# fmt: off
_HEADERS: dict[str, tuple[str, ...]] = {
    "name_any": (
        "name", "full name", "attendee name", "attendee", "participant", "participant name",
        "delegate name", "姓名", "名字", "参会人", "参会人姓名", "参会者", "嘉宾姓名", "name / 姓名",
        # pretix "Attendee name", translated
        "name teilnehmer*in", "nom du participant", "nombre del asistente", "nome del partecipante",
        "naam deelnemer", "参加者の名前", "观众姓名", "與會者名字",
    ),
    "name": ("english name", "name (english)", "name en", "name_en", "英文名", "英文姓名", "姓名(英文)", "拼音"),
    "name_zh": (
        "name_zh", "chinese name", "name (chinese)", "name zh", "中文名", "中文姓名", "姓名(中文)",
        "chinese name / 中文名",
    ),
    "first_name": (
        "first name", "firstname", "given name", "attendee name: given name", "first", "forename", "名",
        "teilnehmer*innenname: vorname", "nom du participant: prénom", "nombre del asistente: nombre",
        "nome del partecipante: nome", "naam deelnemer: voornaam", "观众姓名: 给定名称",
        "與會者名稱: 給定名字", "参加者の名前: 名(given name)",
    ),
    "last_name": (
        "last name", "lastname", "surname", "family name", "attendee name: family name", "last", "姓",
        "teilnehmer*innenname: nachname", "nom du participant: nom de famille",
        "nombre del asistente: apellido", "nome del partecipante: cognome",
        "naam deelnemer: achternaam", "观众姓名: 姓氏", "與會者名稱: 家族姓氏",
        "参加者の名前: 氏(surname / family name)",
    ),
    "organization_any": (
        "organization", "organisation", "company", "company name", "organization name",
        "institution", "employer", "affiliation", "单位", "公司", "机构", "工作单位", "单位名称",
        "公司名称", "所在单位", "organization / 单位", "attendee company",
        "firma", "teilnehmer*innen-firma", "entreprise", "entreprise du participant", "empresa",
        "empresa asistente", "azienda", "azienda partecipante", "bedrijf", "bedrijf deelnemer",
        "企業", "参加者の会社", "與會者公司",
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
        "e-mail teilnehmer*in", "e-mail du participant", "correo electrónico",
        "correo electrónico del participante", "email partecipante", "e-mailadres van deelnemer",
        "電子メール", "参加者の電子メール", "观众email", "電子郵件", "與會者電子郵件",
    ),
    "order_email": ("order email", "buyer email", "purchaser email"),
    "phone": (
        "phone", "phone number", "telephone", "tel", "mobile", "mobile phone", "cell phone", "cell",
        "attendee phone", "电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "phone / 电话",
        "work phone", "home phone", "telefonnummer", "numéro de téléphone", "número de teléfono",
        "numero di telefono", "telefoonnummer", "電話番号", "電話號碼",
    ),
    "category": (
        "category", "attendee category", "attendee type", "type", "role", "participant type",
        "类别", "身份", "类型", "参会身份", "嘉宾类别", "category / 类别",
    ),
    "delegation": ("delegation", "country", "country/region", "nation", "代表团", "国家", "国家/地区", "delegation / 代表团"),
    "notes": (
        "notes", "note", "remarks", "remark", "comments", "comment", "备注", "说明", "notes / 备注",
        "order comment", "check-in text",
        "kommentar", "bestellkommentar", "check-in-hinweis", "commentaire", "commentaire de commande",
        "texte d'enregistrement", "comentario", "comentario del pedido", "texto de check-in",
        "commento", "commento all'ordine", "testo di check-in", "opmerking", "opmerking bestelling",
        "tekst bij check-in", "コメント", "注文コメント", "チェックインテキスト", "评论", "評語",
        "訂單備註", "簽到文字",
    ),
    "attention": (
        "attention", "flag", "alert", "vip attention", "关注", "重点关注", "attention / 关注",
        "requires special attention", "benötigt besondere behandlung",
        "nécessite une attention particulière", "requiere una atención especial",
        "richiede particolare attenzione", "vereist speciale aandacht", "特別な注意が必要",
        "需要特别注意", "需要特別關注",
    ),
    "external_id": (
        "external_id", "external id", "attendee #", "attendee no", "attendee no.", "attendee id",
        "ticket id", "ticket number", "ticket #", "registration id", "registration number",
        "reg id", "编号", "注册号", "报名编号", "参会编号", "external id / 外部编号",
    ),
    "ticket_code": (
        "ticket_code", "ticket code", "barcode #", "barcode", "barcode no.", "secret", "ticket secret",
        "qr code", "qr", "ticket qr code", "票码", "二维码", "secret du billet", "secreto",
        "secreto de la entrada", "ticket-code", "geheim", "ticketgeheim", "biglietto segreto",
        "シークレット", "チケットシークレット", "密钥", "秘密",
    ),
    "order_code": (
        "order code", "order #", "order id", "order number", "order no", "order no.",
        "bestellnummer", "bestelcode", "code de commande", "código del pedido", "codice ordine",
        "注文コード", "订单代码", "訂單代碼",
    ),
    "position_id": ("position id", "position #", "id de la position", "id de posición", "id posizione", "positie-id", "位置id", "位置識別號"),
    "sessions": (
        "sessions", "session", "session ids", "场次", "分论坛", "参会场次", "sessions / 场次",
    ),
    "ticket_type": (
        "ticket type", "product", "ticket", "ticket name", "票种", "票务类型", "门票类型",
        "produkt", "produit", "producto", "prodotto", "产品", "產品", "製品",
    ),
    "seat": ("seat name", "seat", "座位", "sitzbezeichnung", "nom du siège", "nombre del asiento", "nome del posto", "stoelnaam", "座席名", "座位名稱"),
    "attendee_status": ("attendee status",),
    "ignore": (
        "attendee name: title", "attendee name: salutation", "variation", "序号", "no.", "#",
        "invoice address name", "invoice address company", "seat id", "seat zone", "seat row",
        "seat number", "prefix", "suffix",
    ),
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
_CATEGORIES: dict[str, Category] = {
    "vip": Category.VIP, "贵宾": Category.VIP, "vvip": Category.VIP, "重要嘉宾": Category.VIP,
    "speaker": Category.SPEAKER, "speakers": Category.SPEAKER, "嘉宾": Category.SPEAKER, "演讲嘉宾": Category.SPEAKER,
    "发言嘉宾": Category.SPEAKER, "panelist": Category.SPEAKER, "moderator": Category.SPEAKER, "主持人": Category.SPEAKER,
    "press": Category.PRESS, "media": Category.PRESS, "journalist": Category.PRESS, "媒体": Category.PRESS, "记者": Category.PRESS,
    "exhibitor": Category.EXHIBITOR, "exhibitors": Category.EXHIBITOR, "展商": Category.EXHIBITOR, "参展商": Category.EXHIBITOR,
    "staff": Category.STAFF, "工作人员": Category.STAFF, "organizer": Category.STAFF, "volunteer": Category.STAFF,
    "志愿者": Category.STAFF, "会务": Category.STAFF,
    "delegate": Category.DELEGATE, "attendee": Category.DELEGATE, "participant": Category.DELEGATE, "代表": Category.DELEGATE,
    "参会代表": Category.DELEGATE, "参会者": Category.DELEGATE,
    "guest": Category.GUEST, "来宾": Category.GUEST, "访客": Category.GUEST,
}
# fmt: on


def normalize_category(value: str) -> Category:
    """VIP/vip/贵宾 → vip …; anything unknown (or empty) is a delegate."""
    return _CATEGORIES.get(value.strip().casefold(), Category.DELEGATE)


# "Yes" in every language pretix writes it in (its translations), except Albanian's "Po"'s
# partner: Luxembourgish "Jo" means yes but Albanian "Jo" means no, so "jo" is neither.
PRETIX_YES = (
    "ano", "bai", "có", "da", "evet", "igen", "iya", "ja", "jā", "kyllä", "oui", "po", "si",
    "sim", "sì", "sí", "tak", "áno", "ναι", "да", "так", "כן", "نعم", "ใช่", "はい", "是", "예",
)  # fmt: skip
_TRUE = frozenset({"1", "y", "yes", "true", "x", "✓", "✔", "有", "关注", "t", "!!", *PRETIX_YES})


def parse_bool(value: str) -> bool:
    return value.strip().casefold() in _TRUE


_TICKET_WORDS = (
    (Category.VIP, r"\bv?vip\b|贵宾|貴賓"),
    (
        Category.SPEAKER,
        r"\b(speakers?|panelists?|moderators?|keynote)\b|演讲|演講|发言|發言|嘉宾|嘉賓",
    ),
    (Category.PRESS, r"\b(press|media|journalists?)\b|媒体|媒體|记者|記者"),
    (Category.EXHIBITOR, r"\bexhibitors?\b|展商|参展|參展"),
    (
        Category.STAFF,
        r"\b(staff|crew|volunteers?|organi[sz]ers?)\b|工作人员|工作人員|志愿者|志願者|会务",
    ),
)
_TICKET_CATEGORY = [(cat, re.compile(rx, re.IGNORECASE)) for cat, rx in _TICKET_WORDS]


@functools.lru_cache(maxsize=1024)  # a file has a handful of ticket types, on many rows
def category_from_ticket(ticket: str) -> Category | Literal[""]:
    """The category a ticket type's name says (VIP Pass → vip, 演讲嘉宾票 → speaker), or ''."""
    for cat, rx in _TICKET_CATEGORY:
        if rx.search(ticket):
            return cat
    return ""


CANCELLED = frozenset(
    {"refunded", "cancelled", "canceled", "deleted", "transferred", "not attending"}
)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN = re.compile(r"[A-Za-z]")


def is_chinese(text: str) -> bool:
    """Text written in Chinese characters (no Latin letters): 张伟, 北京 清华大学."""
    if text.isascii():  # (most names and organizations of a file: no search needed)
        return False
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
    if "." not in text:  # (the usual: nothing to match)
        return text
    return text[: text.index(".")] if _INT_FLOAT.match(text) else text


_EMAIL = re.compile(r"^[^@\s,;<>()\[\]\"']+@[^@\s,;<>()\[\]\"']+\.[^@\s,;<>()\[\]\"'.]{2,}$")


def valid_email(text: str) -> bool:
    return bool(_EMAIL.match(text)) and ".." not in text


SESSION_SPLIT = re.compile(r"[;,|；，、\n]")
