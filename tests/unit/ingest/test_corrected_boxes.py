"""A corrected page keeps the boxes of the text its correction left unchanged
(``carried_words``): the old and new texts are aligned character by character, a box
whose characters are all unchanged moves to where they now stand, and one with a changed
character is dropped, so a word found in the corrected text is still marked on the image
and a corrected character is never boxed as if read there."""

from __future__ import annotations

import msgspec

from services.common.contracts.ingest import PageBox
from services.ingest.corrections import carried_words
from services.ingest.extraction import PagePreview, PageText, WordBox, boxes_in_preview
from services.web.marking import marked_boxes, marked_spans, query_words


def characters(text: str) -> tuple[WordBox, ...]:
    """PP-OCR's (or a text layer's) boxes: one per character, 10 pixels apart."""
    return tuple(WordBox(text=char, confidence=90.0, left=index * 10, top=0, width=10,
                         height=10) for index, char in enumerate("".join(text.split())))


def words(*texts: str) -> tuple[WordBox, ...]:
    """Tesseract's boxes: one per word, 100 pixels apart."""
    return tuple(WordBox(text=text, confidence=80.0, left=index * 100, top=0, width=90,
                         height=10) for index, text in enumerate(texts))


def page(text: str, boxes: tuple[WordBox, ...]) -> PageText:
    return PageText(number=1, text=text, confidence=70.0, method="ocr", language="chi_sim",
                    words=boxes, needs_review=True, engine="ppocr")


def placed(boxes: tuple[WordBox, ...]) -> list[tuple[str, int | None, int]]:
    return [(box.text, box.start, box.left) for box in boxes]


def test_one_corrected_character_loses_its_box_and_the_others_keep_theirs() -> None:
    read = page("业主来函：琥拍色窗帘", characters("业主来函：琥拍色窗帘"))
    kept = carried_words(read, "业主来函：琥珀色窗帘")
    assert placed(kept) == [("业", 0, 0), ("主", 1, 10), ("来", 2, 20), ("函", 3, 30),
                            ("：", 4, 40), ("琥", 5, 50), ("色", 7, 70), ("窗", 8, 80),
                            ("帘", 9, 90)]


def test_a_tesseract_word_with_a_corrected_character_loses_its_box() -> None:
    read = page("Room 1201 leaks", words("Room", "12O1", "leaks"))
    kept = carried_words(read, "Room 1201 leaks")
    assert placed(kept) == [("Room", 0, 0), ("leaks", 8, 200)]


def test_inserted_and_deleted_text_shift_the_boxes_after_it() -> None:
    read = page("窗帘褪色\n请处理", characters("窗帘褪色请处理"))
    inserted = carried_words(read, "琥珀色窗帘褪色\n请物业处理")
    assert placed(inserted) == [("窗", 3, 0), ("帘", 4, 10), ("褪", 5, 20), ("色", 6, 30),
                                ("请", 7, 40), ("处", 10, 50), ("理", 11, 60)]
    deleted = carried_words(read, "褪色 请处理")
    assert placed(deleted) == [("褪", 0, 20), ("色", 1, 30), ("请", 2, 40), ("处", 3, 50),
                               ("理", 4, 60)]


def test_a_page_corrected_twice_keeps_what_both_corrections_left() -> None:
    read = page("Room 1201 leaks", words("Room", "1201", "leaks"))
    once = "Room 1201 leaks badly"
    twice = "The Room 1201 leaks badly"
    kept = carried_words(page(once, carried_words(read, once)), twice)
    assert placed(kept) == [("Room", 3, 0), ("1201", 7, 100), ("leaks", 11, 200)]


def test_a_rewritten_page_keeps_no_box() -> None:
    read = page("琥珀色窗帘", characters("琥珀色窗帘"))
    assert carried_words(read, "物业费收据") == ()


def test_the_carried_boxes_mark_an_unchanged_word_and_not_the_corrected_one() -> None:
    read = page("业主来函：琥拍色窗帘褪色", characters("业主来函：琥拍色窗帘褪色"))
    corrected = "业主来信：琥珀色窗帘褪色"
    preview = PagePreview(number=1, width=120, height=10, source_width=120,
                          source_height=10)
    sent = msgspec.json.encode(boxes_in_preview(carried_words(read, corrected), preview))
    boxes = msgspec.json.decode(sent, type=list[PageBox])  # as the web reads them
    unchanged = marked_boxes(boxes, marked_spans(corrected, query_words("窗帘褪色")))
    assert [(box.text, box.left) for box in unchanged] == [
        ("窗", 80), ("帘", 90), ("褪", 100), ("色", 110)]
    amended = marked_boxes(boxes, marked_spans(corrected, query_words("琥珀")))
    assert [box.text for box in amended] == ["琥"]
