"""Labels (标牌) are printed as written: a line too long for the label wraps, and no line
is stretched across it with wide gaps between its words (justified text)."""

from __future__ import annotations

from itertools import pairwise

import pypdfium2

from services.registry.catalogues import printed

BOX = ["B栋 档案室 C-02柜 12盒", "共 6 卷，41 件",
       "A-1201 王五、A-1202 李四、A-1203 空置、A-1204 赵六、A-1205 钱七、A-1206 孙八"]
WIDEST_GAP_PT = 7.0
"""A space at the labels' largest size (22 pt) takes 5 pt; a justified line left tens."""


def _gaps(content: bytes) -> list[float]:
    """The room between each printed character and the next on its line, in points."""
    text = pypdfium2.PdfDocument(content)[0].get_textpage()
    boxes = [text.get_charbox(index, loose=True) for index in range(text.count_chars())
             if not text.get_text_range(index, 1).isspace()]
    return [after[0] - before[2] for before, after in pairwise(boxes)
            if abs(after[1] - before[1]) < 2 and after[0] >= before[0]]


def test_a_box_label_is_not_stretched_across_the_label() -> None:
    gaps = _gaps(printed.labels_pdf([BOX]))
    assert gaps
    assert max(gaps) < WIDEST_GAP_PT
