"""A realistic bilingual demo: the Cleantech Forum's program moved to a given day, with
American and Chinese attendees. Deterministic for a seed (ids, badges and the demo-only
signing key), so that the recorded demo video's badges are valid in every demo database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.demo.schedule import demo_schedule
from kiosk.meetings.service import MeetingService
from kiosk.models.clock import FixedClock
from kiosk.models.event import DEFAULT_EVENT_FILE, load_event
from kiosk.models.records import AttendeeInput

_CN_SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
    ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("林", "Lin"), ("罗", "Luo"), ("高", "Gao"),
    ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"),
    ("欧阳", "Ouyang"), ("司马", "Sima"),
]  # fmt: skip
_CN_GIVEN = [
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"),
    ("丽", "Li"), ("强", "Qiang"), ("磊", "Lei"), ("洋", "Yang"), ("艳", "Yan"),
    ("勇", "Yong"), ("军", "Jun"), ("杰", "Jie"), ("娟", "Juan"), ("涛", "Tao"),
    ("明", "Ming"), ("超", "Chao"), ("秀英", "Xiuying"), ("建华", "Jianhua"),
    ("志强", "Zhiqiang"), ("海燕", "Haiyan"), ("晓东", "Xiaodong"), ("雪梅", "Xuemei"),
    ("国栋", "Guodong"), ("思远", "Siyuan"), ("子涵", "Zihan"), ("欣怡", "Xinyi"),
    ("浩然", "Haoran"), ("佳怡", "Jiayi"), ("宇航", "Yuhang"),
]  # fmt: skip
_US_FIRST = [
    ("James", "詹姆斯"), ("Mary", "玛丽"), ("Robert", "罗伯特"), ("Patricia", "帕特里夏"),
    ("John", "约翰"), ("Jennifer", "珍妮弗"), ("Michael", "迈克尔"), ("Linda", "琳达"),
    ("David", "大卫"), ("Elizabeth", "伊丽莎白"), ("William", "威廉"), ("Susan", "苏珊"),
    ("Richard", "理查德"), ("Jessica", "杰西卡"), ("Thomas", "托马斯"), ("Sarah", "莎拉"),
    ("Daniel", "丹尼尔"), ("Karen", "凯伦"), ("Matthew", "马修"), ("Emily", "艾米丽"),
    ("Andrew", "安德鲁"), ("Rachel", "雷切尔"), ("Kevin", "凯文"), ("Laura", "劳拉"),
]  # fmt: skip
_US_LAST = [
    ("Smith", "史密斯"), ("Johnson", "约翰逊"), ("Williams", "威廉姆斯"), ("Brown", "布朗"),
    ("Jones", "琼斯"), ("Miller", "米勒"), ("Davis", "戴维斯"), ("Wilson", "威尔逊"),
    ("Anderson", "安德森"), ("Taylor", "泰勒"), ("Moore", "摩尔"), ("Martin", "马丁"),
    ("Thompson", "汤普森"), ("White", "怀特"), ("Harris", "哈里斯"), ("Clark", "克拉克"),
    ("Lewis", "刘易斯"), ("Walker", "沃克"), ("Hall", "霍尔"), ("Young", "杨"),
    ("O'Brien", "奥布莱恩"), ("García", "加西亚"),
]  # fmt: skip
_CN_ORGS = [
    ("State Grid Corporation of China", "国家电网有限公司", "sgcc.com.cn"),
    ("China Huaneng Group", "中国华能集团有限公司", "chng.com.cn"),
    ("LONGi Green Energy", "隆基绿能科技股份有限公司", "longi.com"),
    ("CATL", "宁德时代新能源科技股份有限公司", "catl.com"),
    ("Tsinghua University", "清华大学", "tsinghua.edu.cn"),
    ("China Three Gorges Corporation", "中国长江三峡集团有限公司", "ctg.com.cn"),
    ("Industrial and Commercial Bank of China", "中国工商银行", "icbc.com.cn"),
    ("Envision Energy", "远景能源有限公司", "envision-group.com"),
    ("China Council for the Promotion of International Trade", "中国国际贸易促进委员会",
     "ccpit.org"),
    ("Beijing Municipal Commission of Development and Reform", "北京市发展和改革委员会",
     "fgw.beijing.gov.cn"),
    ("BYD Company", "比亚迪股份有限公司", "byd.com"),
    ("China Development Bank", "国家开发银行", "cdb.com.cn"),
]  # fmt: skip
_US_ORGS = [
    ("U.S. Department of Energy", "美国能源部", "energy.gov"),
    ("National Renewable Energy Laboratory", "美国国家可再生能源实验室", "nrel.gov"),
    ("Breakthrough Energy Ventures", "突破能源风险投资", "b-t.energy"),
    ("Fluence Energy", "Fluence能源公司", "fluenceenergy.com"),
    ("U.S.-China Clean Energy Research Center", "中美清洁能源联合研究中心", "us-china-cerc.org"),
    ("Pacific Northwest National Laboratory", "西北太平洋国家实验室", "pnnl.gov"),
    ("American Chamber of Commerce in China", "中国美国商会", "amchamchina.org"),
    ("Generate Capital", "Generate资本", "generatecapital.com"),
    ("Stanford University", "斯坦福大学", "stanford.edu"),
    ("Form Energy", "Form能源公司", "formenergy.com"),
]  # fmt: skip
_TITLES = [
    ("Chief Executive Officer", "首席执行官"), ("Vice President", "副总裁"),
    ("Director", "总监"), ("Senior Engineer", "高级工程师"), ("Professor", "教授"),
    ("Investment Manager", "投资经理"), ("Policy Advisor", "政策顾问"),
    ("Head of Business Development", "业务拓展负责人"), ("Research Fellow", "研究员"),
    ("Program Manager", "项目经理"),
]  # fmt: skip
_NOTES = [
    "Vegetarian lunch", "Needs interpreter (EN→ZH)", "Wheelchair access: use east lift",
    "Collect speaker gift at desk", "Invoice pending: send to finance desk",
    "素食午餐", "需要同声传译耳机",
]  # fmt: skip
DEMO_SEED = 7
#: Demo-video attendees (kiosk.demo.schedule.VIDEO_PAIRS) registered for matchmaking too, so
#: that the video shows meetings. Added after the draws: ids and badges stay as they were.
VIDEO_MATCHMAKING = ("CTF24-00001", "CTF24-00003", "CTF24-00006", "CTF24-00007")


def demo_attendees(n: int, seed: int = DEMO_SEED) -> list[AttendeeInput]:
    """`n` attendees drawn from `seed` (the draws' order is what makes them deterministic)."""
    rng = random.Random(seed)
    people: list[AttendeeInput] = []
    emails: set[str] = set()
    for i in range(n):
        chinese = rng.random() < 0.55
        who = _chinese(rng) if chinese else _american(rng)
        email = _unique_email(who.local, who.domain, emails)
        category = _category(rng.random())
        title, title_zh = rng.choice(_TITLES)
        sessions = ["opening", rng.choice(["energy-transition", "green-finance"]), "showcase"]
        if rng.random() < 0.3 or category in ("vip", "exhibitor"):
            sessions.append("matchmaking")
        title = title if not chinese or rng.random() < 0.5 else title_zh
        phone = _phone(rng, chinese)
        notes = rng.choice(_NOTES) if rng.random() < 0.08 else ""
        people.append(
            AttendeeInput(
                name=who.name,
                name_zh=who.name_zh,
                organization=who.org,
                organization_zh=who.org_zh,
                title=title,
                email=email,
                phone=phone,
                category=category,
                delegation=who.delegation,
                notes=notes,
                attention=category == "vip" or rng.random() < 0.02,
                external_id=f"CTF24-{i + 1:05d}",
                sessions=tuple(sessions),
            )
        )
    return [
        replace(p, sessions=(*p.sessions, "matchmaking"))
        if p.external_id in VIDEO_MATCHMAKING and "matchmaking" not in p.sessions
        else p
        for p in people
    ]


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    name_zh: str
    org: str
    org_zh: str
    domain: str
    delegation: str
    local: str  # of the email address


def _chinese(rng: random.Random) -> _Person:
    (sz, sp), (gz, gp) = rng.choice(_CN_SURNAMES), rng.choice(_CN_GIVEN)
    name = f"{sp} {gp}"
    if rng.random() < 0.12:
        name = ""  # registered with a Chinese name only
    org, org_zh, domain = rng.choice(_CN_ORGS)
    return _Person(name, sz + gz, org, org_zh, domain, "China", f"{gp}.{sp}".lower())


def _american(rng: random.Random) -> _Person:
    (fn, fz), (ln, lz) = rng.choice(_US_FIRST), rng.choice(_US_LAST)
    name_zh = f"{fz}·{lz}" if rng.random() < 0.5 else ""
    org, org_zh, domain = rng.choice(_US_ORGS)
    local = f"{fn}.{ln}".lower().replace("'", "").replace("í", "i")
    return _Person(f"{fn} {ln}", name_zh, org, org_zh, domain, "United States", local)


def _unique_email(local: str, domain: str, taken: set[str]) -> str:
    email = f"{local}@{domain}"
    k = 2
    while email in taken:
        email = f"{local}{k}@{domain}"
        k += 1
    taken.add(email)
    return email


def _category(r: float) -> str:
    return (
        "vip" if r < 0.05 else "speaker" if r < 0.13 else "press" if r < 0.18
        else "exhibitor" if r < 0.28 else "staff" if r < 0.31 else "delegate"
    )  # fmt: skip


def _phone(rng: random.Random, chinese: bool) -> str:
    if chinese:
        return f"+86 1{rng.randint(30, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    return f"+1 {rng.randint(201, 989)}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"


def build_demo(
    path: str | Path, attendees: int = 300, day: date | None = None, seed: int = DEMO_SEED
) -> Path:
    """Create the demo database at `path` (its program moved to `day`, default today)."""
    event = load_event(DEFAULT_EVENT_FILE)
    event = event.moved_to(day or datetime.now(event.tz).date())
    clock = FixedClock(datetime.combine(event.day, time(7, 30), event.tz))
    store = init_database(path, event, key_seed=f"demo-{seed}".encode(), at=clock.now())
    try:
        service = CheckinService(store, clock, rng=random.Random(seed))
        service.import_attendees(demo_attendees(attendees, seed), source="demo")
        service.issue_all_badges()
        with store.snapshot() as tx:
            people = sorted(tx.people.everyone(), key=lambda a: a.external_id)
        rows = demo_schedule(event, people)
        if rows:
            result = MeetingService(store, clock).import_schedule(rows, "demo schedule")
            if not result.written:  # the generator's fault, never the user's
                raise RuntimeError(f"demo schedule: {result.problems[0]}")
    finally:
        store.close()
    return Path(path)
