"""User text in a printed register is printed as typed: fpdf2's markdown (``**``, ``__``,
``--``) is not interpreted and PDF string syntax (parentheses, backslashes) is escaped, so
a title cannot restyle, hide or inject anything into the destruction register."""

from __future__ import annotations

import pypdfium2 as pdfium

from tests.security.conftest import Secured
from tests.security.support import DUE, People, destruction_register, file_document

TITLE = r"**加粗** __斜体__ --删除-- <b>x</b> (括号) \) Tj ET 反斜杠\ "


def test_a_title_written_as_markup_is_printed_as_typed(secured: Secured, people: People
                                                      ) -> None:
    document = file_document(people["wang"], title=TITLE, **DUE)
    register = destruction_register(secured, people, [document])
    response = people["qin"].get(
        f"/registry/destructions/{register['destruction_id']}/register.pdf")
    assert response.status_code == 200, response.text
    pdf = pdfium.PdfDocument(response.content)
    text = "".join(pdf[index].get_textpage().get_text_bounded() for index in range(len(pdf)))
    printed = "".join(text.split())
    assert "".join(TITLE.split()) in printed
