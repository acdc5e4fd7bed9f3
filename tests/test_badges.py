"""Badges: QR symbols, layouts, PDF sheets decoded back through the project's decoder,
embedded fonts, Chinese text, all-or-nothing output, and the `badges` command."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode
import zxingcpp
from click.testing import CliRunner

from kiosk.badges import BadgeData, BadgeRenderer, OutputError, get_layout
from kiosk.badges.design import TextLine, compose, fit_text, names_in_order
from kiosk.badges.layouts import LAYOUTS
from kiosk.badges.pdfdoc import new_pdf
from kiosk.badges.qrvector import (
    MIN_MODULE_MM,
    PRINT_EC,
    QUIET_ZONE,
    QrEncodeError,
    QrMatrix,
    Rect,
    merged_rects,
    qr_matrix,
)
from kiosk.badges.render import FpdfMeasure
from kiosk.badges.select import select_badges
from kiosk.checkin.service import CheckinService
from kiosk.cli import load_commands
from kiosk.models.clock import SystemClock
from kiosk.models.errors import NotFoundError
from kiosk.models.records import Attendee, AttendeeInput
from kiosk.scan.decoders import make_decoder
from kiosk.storage.atomic import write_atomically
from kiosk.storage.store import Store
from tests.helpers.reads import reads

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_LEVELS = {"L": 1, "M": 0, "Q": 3, "H": 2}  # qrcode.constants.ERROR_CORRECT_*


# -- helpers shared with the other print tests ---------------------------------------------
def decode_pdf(pdf: Path, page: int = 1, dpi: int = 150) -> list[str]:
    """Render one page with poppler at `dpi` and decode every QR code on it (zxing)."""
    out = pdf.parent / f"{pdf.stem}-p{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-png",
         "-singlefile", str(pdf), str(out)],
        check=True,
    )  # fmt: skip
    gray = cv2.imread(f"{out}.png", cv2.IMREAD_GRAYSCALE)
    assert gray is not None
    return sorted(d.text for d in make_decoder("zxing").decode(np.ascontiguousarray(gray)))


def embedded_fonts(pdf: Path) -> dict[str, str]:
    """pdffonts: font name (subset prefix dropped) -> the `emb` column."""
    lines = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    out = {}
    for line in lines:
        cols = line.split()
        name = cols[0].split("+", 1)[-1]
        # name type... encoding emb sub uni id gen: emb is the 5th column from the end.
        out[name] = cols[-5]
    return out


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])


def random_code(rng: random.Random, n: int = 114) -> str:
    return "FC1:" + "".join(rng.choice(B45) for _ in range(n))


@pytest.fixture
def people(service: CheckinService) -> list[Attendee]:
    """Four attendees: Chinese and English names, long organization, one name only."""
    rows = [
        AttendeeInput(name="Zhang Wei", name_zh="张伟", organization="State Grid Corporation of China",
                      organization_zh="国家电网有限公司", title="Director", category="vip",
                      email="zhang.wei@sgcc.com.cn", external_id="CTF24-1"),
        AttendeeInput(name="Daniel Smith", name_zh="丹尼尔·史密斯", organization="Stanford University",
                      organization_zh="斯坦福大学", title="Research Fellow", category="speaker",
                      email="dsmith@stanford.edu", external_id="CTF24-2"),
        AttendeeInput(name_zh="欧阳明远", organization_zh="中国国际贸易促进委员会北京市分会国际联络部",
                      category="press", external_id="CTF24-3"),
        AttendeeInput(name="Maximilian Alexander Featherstonehaugh-Montgomery",
                      organization="U.S.-China Clean Energy Research Center for Building Energy Efficiency",
                      title="Senior Program Manager, International Partnerships and Outreach",
                      category="exhibitor", external_id="CTF24-4"),
    ]  # fmt: skip
    service.store.upsert_attendees(rows, service.new_attendee_id, service.clock.now())
    return [reads(service.store).people.find(f"CTF24-{i}") for i in range(1, 5)]  # type: ignore[misc]


# -- QR symbols ------------------------------------------------------------------------------
def clean_scan(m: QrMatrix) -> list[tuple[str, str]]:
    """Decode a clean 4-pixel-per-module rendering of `m` (zxing): text and level read."""
    modules = np.where(np.array(m.rows), 0, 255).astype(np.uint8)
    img = np.kron(np.pad(modules, QUIET_ZONE, constant_values=255), np.ones((4, 4), np.uint8))
    found = zxingcpp.read_barcodes(
        img, formats=zxingcpp.BarcodeFormat.QRCode, text_mode=zxingcpp.TextMode.Plain
    )
    return [(r.text, r.ec_level) for r in found]


def test_qr_matrix_reads_back_its_text_and_level_in_the_version_qrcode_chooses() -> None:
    rng = random.Random(5)
    codes = [random_code(rng, rng.randint(1, 130)) for _ in range(10)]
    texts = ["https://example.com/?a=1", "张伟 Zhang Wei", "0" * 20 + "FC1"]
    for text in codes + texts:
        for level, ec in _LEVELS.items():
            ours = qr_matrix(text, level)
            assert ours.size == 4 * ours.version + 17
            assert clean_scan(ours) == [(text, level)]
            if text in codes:  # one alphanumeric segment: the smallest version, as before
                ref = qrcode.QRCode(error_correction=ec, border=0)
                ref.add_data(text)
                ref.make(fit=True)
                assert ours.version == ref.version


def test_a_data_block_of_zero_bytes_encodes() -> None:
    """qrcode 8.2 fails on it (lincolnloop/python-qrcode #330); the symbol here reads."""
    text = "0" * 55
    ref = qrcode.QRCode(error_correction=_LEVELS["H"], border=0)
    ref.add_data(text)
    with pytest.raises(ValueError):
        ref.make(fit=True)
    assert clean_scan(qr_matrix(text, "H")) == [(text, "H")]


def test_text_too_long_for_any_version_is_one_clear_error() -> None:
    with pytest.raises(QrEncodeError, match="cannot encode"):
        qr_matrix("FC1:" + "A" * 3000, "H")
    with pytest.raises(ValueError, match="one of L, M, Q, H"):
        qr_matrix("FC1:A", "X")


def covers(rects: list[Rect], size: int) -> list[list[bool]]:
    """The module matrix the rectangles paint."""
    grid = [[False] * size for _ in range(size)]
    for r in rects:
        for yy in range(r.y, r.y + r.h):
            for xx in range(r.x, r.x + r.w):
                grid[yy][xx] = True
    return grid


def test_merged_rectangles_paint_exactly_the_dark_modules() -> None:
    m = qr_matrix(random_code(random.Random(3)))
    rects = merged_rects(m.rows)
    assert covers(rects, m.size) == [list(r) for r in m.rows]
    dark = sum(sum(r) for r in m.rows)
    assert sum(r.w * r.h for r in rects) == dark  # no overlaps
    assert len(rects) < dark / 2  # merging pays


def test_badge_codes_print_at_level_q_with_modules_of_at_least_half_a_millimetre(
    service: CheckinService, people: list[Attendee]
) -> None:
    code = service.badge_code(people[0].attendee_id)
    assert len(code) == 118
    assert qr_matrix(code).level == PRINT_EC == "Q"
    for name in LAYOUTS:
        r = BadgeRenderer(service.event, name)
        d = r.drawing(BadgeData(people[0], code))
        assert d.qr.matrix.version == 7
        assert d.module_mm >= MIN_MODULE_MM
        assert d.module_mm == pytest.approx(r.module_mm())


# -- layouts ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(LAYOUTS))
def test_badges_fit_their_page_and_crop_marks_stay_on_cut_lines(name: str) -> None:
    lay = get_layout(name)
    pw, ph = lay.page
    bw, bh = lay.badge
    slots = [lay.slot(i) for i in range(lay.per_page)]
    assert len(set(slots)) == lay.per_page
    for x, y in slots:
        assert x >= 0 and x + bw <= pw + 1e-9 and y >= 0 and y + bh <= ph + 1e-9
    xs, ys = lay.cut_lines()
    ticks = lay.crop_ticks()
    assert bool(ticks) == lay.crop_marks == (lay.per_page > 1)
    for x1, y1, x2, y2 in ticks:
        assert min(x1, x2) >= 0 and max(x1, x2) <= pw and min(y1, y2) >= 0 and max(y1, y2) <= ph
        assert (x1 == x2 and x1 in xs) or (y1 == y2 and y1 in ys)
        if name == "letter-6up":  # margins wide enough: no mark touches a badge
            assert not (xs[0] < (x1 + x2) / 2 < xs[-1] and ys[0] < (y1 + y2) / 2 < ys[-1])


def test_layout_sizes() -> None:
    assert get_layout("a6").badge == (105.0, 148.0)
    assert get_layout("4x3in").badge == pytest.approx((101.6, 76.2))
    assert get_layout("a4-4up").page == (210.0, 297.0) and get_layout("a4-4up").per_page == 4
    assert get_layout("letter-6up").page == pytest.approx((215.9, 279.4))
    with pytest.raises(Exception, match="unknown badge layout 'a5'"):
        get_layout("a5")


# -- design ----------------------------------------------------------------------------------
def test_both_names_shown_chinese_first_when_the_english_name_is_its_pinyin() -> None:
    assert names_in_order(Attendee("a", name="Zhang Wei", name_zh="张伟")) == ["张伟", "Zhang Wei"]
    assert names_in_order(Attendee("a", name="Wei Zhang", name_zh="张伟")) == ["张伟", "Wei Zhang"]
    assert names_in_order(Attendee("a", name="Daniel Smith", name_zh="丹尼尔·史密斯")) == [
        "Daniel Smith",
        "丹尼尔·史密斯",
    ]
    assert names_in_order(Attendee("a", name_zh="欧阳明远")) == ["欧阳明远"]
    assert names_in_order(Attendee("a", name="Ann Lee")) == ["Ann Lee"]


@pytest.mark.parametrize("name", ["a6", "4x3in"])
def test_every_text_line_fits_inside_the_badge(
    name: str, service: CheckinService, people: list[Attendee]
) -> None:
    lay = get_layout(name)
    measure = FpdfMeasure(new_pdf(lay.badge, "t"))
    for a in people:
        d = compose(
            BadgeData(a, service.badge_code(a.attendee_id)), service.event, lay.badge, measure
        )
        texts = [i for i in d.items if isinstance(i, TextLine)]
        shown = " ".join(t.text for t in texts)
        for n in names_in_order(a):
            assert n.split()[0] in shown
        for t in texts:
            assert measure.width(t.text, t.bold, t.size_pt) <= t.w + 0.01, t.text
            assert t.x >= 0 and t.x + t.w <= lay.badge[0] and t.y >= 0 and t.y + t.h <= lay.badge[1]
        q = d.qr
        assert (
            q.x >= 0 and q.y >= 0 and q.x + q.side <= lay.badge[0] and q.y + q.side <= lay.badge[1]
        )


def test_text_that_cannot_fit_breaks_at_words_and_hyphens_then_ends_with_an_ellipsis() -> None:
    measure = FpdfMeasure(new_pdf((100, 100), "t"))
    name = "Maximilian Alexander Featherstonehaugh-Montgomery"
    size, lines = fit_text(measure, name, True, 51.1, 21, 8.4, 2)
    assert lines == ["Maximilian Alexander", "Featherstonehaugh-Montgomery"] and 8.4 <= size < 21
    org = "中国国际贸易促进委员会北京市分会国际联络部" * 3
    size, lines = fit_text(measure, org, False, 51.1, 9, 6, 2)
    assert size == 6 and len(lines) == 2 and lines[-1].endswith("…")
    assert org.startswith(lines[0]) and all(measure.width(x, False, 6) <= 51.1 for x in lines)


# -- PDF sheets --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["a6", "4x3in"])
def test_printed_badge_decodes_to_the_current_code_at_150_dpi(
    name: str, tmp_path: Path, service: CheckinService, people: list[Attendee]
) -> None:
    data = select_badges(service, ["CTF24-1", "CTF24-3"])
    out = tmp_path / "badges.pdf"
    report = BadgeRenderer(service.event, name).write_pdf(data, out)
    assert (report.badges, report.pages) == (2, 2)
    assert decode_pdf(out, 1) == [service.badge_code(people[0].attendee_id)]
    assert decode_pdf(out, 2) == [service.badge_code(people[2].attendee_id)]


def test_sheet_of_six_decodes_every_code_and_embeds_the_cjk_font(
    tmp_path: Path, service: CheckinService, people: list[Attendee]
) -> None:
    data = select_badges(service, [a.attendee_id for a in people] + ["zhang.wei@sgcc.com.cn"])
    assert len(data) == 4  # the same attendee twice is printed once
    out = tmp_path / "sheet.pdf"
    BadgeRenderer(service.event, "letter-6up").write_pdf(data, out)
    assert page_count(out) == 1
    assert decode_pdf(out) == sorted(d.code for d in data)
    fonts = embedded_fonts(out)
    assert fonts.get("NotoSansCJKSC") == "yes" and fonts.get("NotoSansCJKSCBold") == "yes"
    assert set(fonts.values()) == {"yes"}


def test_chinese_text_round_trips_through_the_pdf(
    tmp_path: Path, service: CheckinService, people: list[Attendee]
) -> None:
    out = tmp_path / "a4.pdf"
    BadgeRenderer(service.event, "a4-4up").write_pdf(select_badges(service), out)
    text = pdf_text(out)
    for expected in ("张伟", "欧阳明远", "国家电网有限公司", "斯坦福大学", "2024中美清洁技术合作论坛",
                     "贵宾", "演讲嘉宾", "媒体", "展商", "2024年11月4日", "4 November 2024"):  # fmt: skip
        assert expected in text


def test_category_filter_and_unknown_attendee(
    service: CheckinService, people: list[Attendee]
) -> None:
    assert [d.attendee.category for d in select_badges(service, category="VIP")] == ["vip"]
    with pytest.raises(NotFoundError, match=r"'nobody@example\.com'"):
        select_badges(service, ["CTF24-1", "nobody@example.com"])
    with pytest.raises(NotFoundError, match="no attendee in category 'staff'"):
        select_badges(service, category="staff")


def test_unwritable_path_fails_clearly_and_an_interrupted_run_leaves_nothing(
    tmp_path: Path, service: CheckinService, people: list[Attendee]
) -> None:
    renderer = BadgeRenderer(service.event, "a6")
    data = select_badges(service)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(
        OutputError, match=r"not-a-folder/b\.pdf: cannot write: the folder .* does not exist"
    ):
        renderer.write_pdf(data, blocker / "b.pdf")
    with pytest.raises(OutputError, match="is a folder"):
        renderer.write_pdf(data, tmp_path)

    out = tmp_path / "badges.pdf"
    out.write_bytes(b"previous sheet")

    def cancel(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        renderer.write_pdf(data, out, cancel)
    assert out.read_bytes() == b"previous sheet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["badges.pdf", "not-a-folder"]


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs POSIX file size limits")
def test_a_write_that_fails_midway_keeps_the_previous_file_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    resource = pytest.importorskip("resource")
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"previous sheet")
    # A file size limit makes the write fail after the temporary file is created, as a
    # full disk does (EFBIG instead of ENOSPC).
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, hard))
    try:
        with pytest.raises(
            OutputError, match=r"sheet\.pdf: cannot write \(.*\); nothing was written"
        ):
            write_atomically(out, b"%PDF" + b"x" * 200_000)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    assert out.read_bytes() == b"previous sheet"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]
    write_atomically(out, b"%PDF new")
    assert out.read_bytes() == b"%PDF new" and (out.stat().st_mode & 0o777) == 0o644


# -- the command -------------------------------------------------------------------------------
def test_badges_command_renders_chosen_attendees(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "vip.pdf"
    runner = CliRunner()
    res = runner.invoke(
        load_commands(),
        [
            "badges",
            "--db",
            str(demo_db),
            "--out",
            str(out),
            "--category",
            "vip",
            "--layout",
            "4x3in",
        ],
    )
    assert res.exit_code == 0, res.output
    store = Store.open(demo_db)
    try:
        vips = list(reads(store).people.everyone("vip"))
        service = CheckinService(store, SystemClock())
        codes = sorted(service.badge_code(a.attendee_id) for a in vips[:1])
    finally:
        store.close()
    assert f"{len(vips)} badges on {len(vips)} pages (4x3in, QR module 0.72 mm" in res.output
    assert page_count(out) == len(vips)
    assert decode_pdf(out, 1) == codes

    res = runner.invoke(
        load_commands(),
        ["badges", "--db", str(demo_db), "--out", str(out), "--attendee", "CTF24-00001,CTF24-00002",
         "--attendee", "CTF24-00003", "--layout", "a4-4up"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "3 badges on 1 page (a4-4up, QR module 0.91 mm" in res.output


def test_badges_command_shows_progress_for_large_runs(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    res = CliRunner().invoke(
        load_commands(),
        ["badges", "--db", str(demo_db), "--out", str(out), "--layout", "letter-6up"],
    )
    assert res.exit_code == 0, res.output
    assert "Rendering badges" in res.output
    assert "120 badges on 20 pages (letter-6up" in res.output


def test_badges_command_errors_are_one_clear_line(demo_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    cmd = load_commands()
    res = runner.invoke(
        cmd, ["badges", "--db", str(demo_db), "--out", str(tmp_path / "no" / "x.pdf")]
    )
    assert res.exit_code == 1
    assert res.output.startswith("error: ") and "x.pdf: cannot write" in res.output
    assert "Traceback" not in res.output
    res = runner.invoke(
        cmd,
        ["badges", "--db", str(demo_db), "--out", str(tmp_path / "x.pdf"), "--attendee", "nope"],
    )
    assert res.exit_code == 1 and "no attendee 'nope'" in res.output
    assert not (tmp_path / "x.pdf").exists()
    res = runner.invoke(
        cmd, ["badges", "--db", str(tmp_path / "missing.db"), "--out", str(tmp_path / "x.pdf")]
    )
    assert res.exit_code == 1 and "no such database" in res.output


def test_a_verify_only_station_cannot_issue_badges(demo_db: Path, tmp_path: Path) -> None:
    store = Store.open(demo_db)
    try:
        store.upsert_attendees(
            [AttendeeInput(name="New Person", external_id="NEW-1")],
            lambda: "NEWPERS1",
            datetime.now().astimezone(),
        )
        store.forget_private_key()
    finally:
        store.close()
    out = tmp_path / "x.pdf"
    res = CliRunner().invoke(
        load_commands(), ["badges", "--db", str(demo_db), "--out", str(out), "--attendee", "NEW-1"]
    )
    assert res.exit_code == 1
    assert "only the public key" in res.output and str(demo_db) in res.output
    assert not out.exists()
    # It holds no badge codes at all (a stolen kiosk cannot clone a badge): even attendees
    # who hold a badge are printed where the signing key is.
    res = CliRunner().invoke(
        load_commands(),
        ["badges", "--db", str(demo_db), "--out", str(out), "--attendee", "CTF24-00001"],
    )
    assert res.exit_code == 1 and "only the public key" in res.output
    assert not out.exists()


def test_poppler_is_installed() -> None:
    # The decode-back tests above need pdftoppm / pdffonts (scripts/sysdeps.sh installs them).
    for tool in ("pdftoppm", "pdffonts", "pdftotext", "pdfinfo"):
        assert shutil.which(tool), tool
