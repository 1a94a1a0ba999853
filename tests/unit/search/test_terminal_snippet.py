"""``archive search`` shows highlights as terminal text (``services.cli.search.snippet``)."""

from __future__ import annotations

from services.cli.search import snippet


def test_marked_words_are_emphasised_and_the_rest_is_plain() -> None:
    text = snippet("业主<mark>維修</mark>申請")
    assert text.plain == "业主維修申請"
    assert [(text.plain[s.start:s.end], s.style) for s in text.spans] == [
        ("維修", "bold reverse")]


def test_escaped_text_is_shown_as_written_not_as_markup() -> None:
    text = snippet("&lt;script&gt; [bold]x[/bold] &amp;")
    assert (text.plain, text.spans) == ("<script> [bold]x[/bold] &", [])
