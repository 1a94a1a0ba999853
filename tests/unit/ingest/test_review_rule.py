"""Which OCR pages go to review (``extraction.review``): a low page mean, or one doubtful
line among clean ones, on the shapes the engines give (PP-OCR: a line per detected box
scored by its characters' mean probability; Tesseract: words from its TSV, a line their
mean). Confidences are those read on a new user's hard scans."""

from __future__ import annotations

from services.ingest.extraction import TextLine
from services.ingest.extraction.engine import parse_tsv
from services.ingest.extraction.review import doubtful_lines, line_threshold, needs_review


def _line(text: str, confidence: float) -> TextLine:
    return TextLine(text=text, confidence=confidence, left=10, top=10, width=400, height=40)


# PP-OCR on a pencilled note (page mean 96.8): the second line, 住户巫先生要求明天上午修好，
# read as 3灯，
PENCIL_NOTE = (_line("电话留言：十七楼走廊声控灯坏了三盏，", 98.0), _line("3灯，", 76.8),
               _line("另：消防栓玻璃破损，需报工程部。", 99.1))
# PP-OCR on a clean printed page of the ingest bench: its weakest line read 97.1.
CLEAN = (_line("Room 1201 於2023年5月18日登記受理。", 97.1),
         _line("聯繫電話13800138000，業主姓名張偉先生。", 99.9))


def _tsv_row(line: int, word: int, text: str, confidence: float) -> str:
    """A word row of Tesseract's TSV (level 5): block, paragraph, line, word, box, conf."""
    return "\t".join(["5", "1", "1", "1", str(line), str(word), str(40 * word),
                      str(50 * line), "38", "40", f"{confidence:.6f}", text])


def test_one_weak_line_sends_a_confident_page_to_review() -> None:
    assert needs_review(96.8, PENCIL_NOTE, low_confidence=60)
    assert doubtful_lines(PENCIL_NOTE, low_confidence=60) == [PENCIL_NOTE[1]]


def test_a_clean_page_stays_out_of_review() -> None:
    assert not needs_review(99.8, CLEAN, low_confidence=60)


def test_a_low_page_mean_still_sends_a_page_to_review() -> None:
    assert needs_review(18.4, (), low_confidence=60)


def test_tesseract_line_of_misread_words_is_doubtful() -> None:
    # The fax's phone line, 联系电话：(0755)2681-3344, read with its words' confidences.
    reading = parse_tsv("\n".join([
        _tsv_row(1, 1, "接龙华区水务局通知，", 88.1), _tsv_row(1, 2, "因市政供水管网改造，", 85.0),
        _tsv_row(2, 1, "，联系电话，", 72.6), _tsv_row(2, 2, "(0755)", 80.3),
        _tsv_row(2, 3, "2681.3344", 22.7)]))
    assert [line.text for line in doubtful_lines(reading.lines, low_confidence=60)] == [
        "，联系电话，(0755) 2681.3344"]
    assert needs_review(reading.mean_confidence, reading.lines, low_confidence=60)


def test_a_one_character_line_is_no_doubtful_line() -> None:
    assert not doubtful_lines([_line("|", 12.0), _line(" 工 ", 40.0)], low_confidence=60)


def test_the_line_threshold_follows_the_one_setting() -> None:
    assert (line_threshold(60), line_threshold(70), line_threshold(100)) == (80, 85, 100)
    assert doubtful_lines(PENCIL_NOTE, low_confidence=40) == []
