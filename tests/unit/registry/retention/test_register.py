"""The destruction register printed (R6): CSV and PDF name each item 已销毁 with its date
and the witnesses; the PDF embeds its CJK font."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2
import pytest

from services.common.clock import COMPANY_ZONE
from services.common.contracts.retention import Destruction, RegisterItem, Witness
from services.common.errors import DependencyUnavailable
from services.registry.destruction import register

AT = datetime(2024, 12, 3, 9, 30, tzinfo=UTC)


def _item(position: int, state: str = "destroyed", **fields: object) -> RegisterItem:
    values: dict[str, object] = {
        "position": position, "document_id": f"doc-{position}",
        "archive_no": f"2012-repair-A-1201-{position:04d}", "title": "卫生间漏水维修记录",
        "category": "repair", "household": "A-1201", "filed_at": date(2012, 3, 1),
        "retention_class": "short", "disposal_due": date(2022, 3, 1), "pages": 2,
        "security": "ordinary", "state": state,
        "label": "已销毁" if state == "destroyed" else "未销毁（法律保全）",
        "destroyed_at": AT if state == "destroyed" else None,
        "withheld_reason": None if state == "destroyed" else "on_hold",
    }
    values.update(fields)
    return RegisterItem(**values)  # type: ignore[arg-type]


REGISTER = Destruction(
    destruction_id="r-1", sweep_id="s-1", status="executed", created_by="qian", created_at=AT,
    witnesses=[Witness(username="wang", signed_at=AT), Witness(username="sun", signed_at=AT)],
    items=[_item(1), _item(2, title="关于《装修押金》退还的说明, 含\"引号\""),
           _item(3, state="withheld")],
    approved_by="zhao", approved_at=AT, destroy_after=date(2024, 12, 3), executed_by="qian",
    executed_at=AT)


def test_the_csv_has_a_line_per_item_with_state_date_and_witnesses() -> None:
    content = register.csv(REGISTER, COMPANY_ZONE)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert content.startswith(b"\xef\xbb\xbf")
    assert [(r["档号"], r["状态"], r["销毁日期"], r["监销人"]) for r in rows] == [
        ("2012-repair-A-1201-0001", "已销毁", "2024-12-03", "wang、sun"),
        ("2012-repair-A-1201-0002", "已销毁", "2024-12-03", "wang、sun"),
        ("2012-repair-A-1201-0003", "未销毁（法律保全）", "", ""),
    ]
    assert rows[1]["题名"] == "关于《装修押金》退还的说明, 含\"引号\""


def test_a_day_is_printed_as_the_company_counts_it() -> None:
    """Destroyed at 23:30 UTC on 3 December: 4 December in Shanghai, the 3rd in London."""
    late = datetime(2024, 12, 3, 23, 30, tzinfo=UTC)
    evening = Destruction(**{**{f: getattr(REGISTER, f) for f in REGISTER.__struct_fields__},
                             "items": [_item(1, destroyed_at=late)], "executed_at": late})

    def destroyed_on(zone: ZoneInfo) -> str:
        rows = csv.DictReader(io.StringIO(register.csv(evening, zone).decode("utf-8-sig")))
        return next(rows)["销毁日期"]

    assert destroyed_on(ZoneInfo("Asia/Shanghai")) == "2024-12-04"
    assert destroyed_on(ZoneInfo("Europe/London")) == "2024-12-03"
    text = _text(register.pdf(evening, COMPANY_ZONE, names={}))
    assert "执行日期：2024-12-04" in text


def test_the_pdf_lists_every_item_as_text_with_its_font_embedded() -> None:
    content = register.pdf(REGISTER, COMPANY_ZONE, names={})
    text = _text(content)
    assert re.search(rb"/FontFile[23]?", content)
    assert "档案销毁清册" in text
    assert all(f"2012-repair-A-1201-000{n}" in text for n in (1, 2, 3))
    assert text.count("已销毁") >= 2
    assert "监销人：wang" in text
    assert "监销人：sun" in text


def test_the_pdf_names_people_by_their_full_names_where_their_accounts_have_one() -> None:
    """A paper that is signed names who signs as they sign it; the username beside it
    says which account it is. The CSV, read by programs, keeps the usernames."""
    text = _text(register.pdf(REGISTER, COMPANY_ZONE, names={"wang": "王芳", "qian": "钱进"}))
    rows = list(csv.DictReader(io.StringIO(
        register.csv(REGISTER, COMPANY_ZONE).decode("utf-8-sig"))))
    assert "监销人：王芳（wang）" in text
    assert "监销人：sun" in text  # no full name given: the username
    assert "执行人：钱进（qian）" in text
    assert rows[0]["执行人"] == "qian"


def _text(content: bytes) -> str:
    return "".join(page.get_textpage().get_text_range()
                   for page in pypdfium2.PdfDocument(content))


def test_a_register_of_many_items_runs_over_several_pages() -> None:
    many = Destruction(**{**{f: getattr(REGISTER, f) for f in REGISTER.__struct_fields__},
                          "items": [_item(n) for n in range(1, 61)]})
    assert len(pypdfium2.PdfDocument(register.pdf(many, COMPANY_ZONE, names={}))) > 1


def test_a_missing_font_is_reported_with_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(DependencyUnavailable) as failed:
        register.pdf(REGISTER, COMPANY_ZONE, names={}, font_path=tmp_path / "none.ttc")
    assert "fonts-noto-cjk" in failed.value.detail


def test_the_register_names_who_executed_it_and_when() -> None:
    """R6: on paper too, whoever executed the register is seen not to be a witness."""
    rows = list(csv.DictReader(io.StringIO(
        register.csv(REGISTER, COMPANY_ZONE).decode("utf-8-sig"))))
    text = _text(register.pdf(REGISTER, COMPANY_ZONE, names={}))
    assert [r["执行人"] for r in rows] == ["qian", "qian", ""]
    assert "执行人：qian" in text
    assert "执行日期：2024-12-03" in text


def test_the_printed_register_gives_the_day_destruction_may_start_from() -> None:
    """R5: the registry allows it on destroy_after itself."""
    text = _text(register.pdf(REGISTER, COMPANY_ZONE, names={}))
    assert "可销毁日期：2024-12-03 起" in text


def test_a_confidential_item_is_printed_as_one_to_shred() -> None:
    """R6: confidential material is shredded; the register says which items are, on
    paper and in the CSV (the column after the id, the others keeping their places)."""
    shredded = Destruction(**{**{f: getattr(REGISTER, f) for f in REGISTER.__struct_fields__},
                              "items": [_item(1, security="confidential"),
                                        _item(2, security="secret"), _item(3)]})
    rows = list(csv.DictReader(io.StringIO(
        register.csv(shredded, COMPANY_ZONE).decode("utf-8-sig"))))
    text = _text(register.pdf(shredded, COMPANY_ZONE, names={}))
    assert [row["密级"] for row in rows] == ["机密（粉碎）", "绝密（粉碎）", "普通"]
    assert register.CSV_HEADER[-2:] == ("document_id", "密级")
    assert "机密（粉碎）" in text
    assert "绝密（粉碎）" in text
