"""A form read field by field (its names come from data) is read one way: text trimmed and
cut to its limit, a file or a missing field as "", a password as typed."""

from __future__ import annotations

from litestar.datastructures import FormMultiDict, UploadFile

from services.web.forms import text, texts


def _form() -> FormMultiDict:
    return FormMultiDict([
        ("reason", "  借阅核对装修图纸  "), ("password", " pass word "),
        ("documents", "d1"), ("documents", "d2"), ("documents", UploadFile("text/plain", "x")),
        ("file", UploadFile("image/png", "scan.png")),
    ])


def test_a_field_is_trimmed_and_cut_at_its_limit() -> None:
    form = _form()
    assert text(form, "reason") == "借阅核对装修图纸"
    assert text(form, "reason", limit=4) == "借阅核对"
    assert text(form, "password", trim=False) == " pass word "


def test_a_missing_field_or_a_file_reads_as_nothing() -> None:
    form = _form()
    assert text(form, "household") == ""
    assert text(form, "file") == ""


def test_a_repeated_field_gives_its_texts_in_order_and_no_files() -> None:
    assert texts(_form(), "documents") == ["d1", "d2"]
    assert texts(_form(), "roles") == []
