"""What goes into the search index and what comes out of it.

The index is a derived view of the registry (architecture principle 1): every field of an
``IndexedDocument`` comes from the catalogue record and the document's extracted text.
"""

from __future__ import annotations

from datetime import date

from services.common.contracts.search import Facets, Match, SearchHit, SearchResult
from services.common.models import SECURITY_LEVELS, Category, SecurityLevel, Struct, security_rank

__all__ = ["AccessFilter", "Facets", "IndexedDocument", "Match", "SearchHit", "SearchResult"]

ANALYSIS = 11
"""The version of how a document becomes index terms (``services.common.text``: folding,
tokens, numbers written in groups; the two schemas). An index made by another version is
rebuilt in the background when the search service starts (``SearchIndex.outdated``), so
an upgrade finds old documents as a new one finds new ones. 1: before numbers written in
groups were joined; 2: since (December 2026); 3: an ID number's check letter X joined too,
and each day written in a text one more key (2023年12月8日 is 20231208); newest first
orders a day's documents by archive number; 4: a landline's area code in brackets is one
of its groups ((0755)8888-1234 is 075588881234); 5: a number wrapped across a line
break is joined too (138 1234 / 5678 is 13812345678); 6: a local number of 7 or 8 digits
wrapped across a line break is joined when a phone cue stands before it (联系电话：8765 /
4321 is 87654321); 7: a colon separates words (Owner：Kwok), a word joined by full stops
is its parts too (Mr.Wong is also mr, wong), and amounts (¥12,500.00 is 12,500 and 12500),
licence plates (粤B·7K2Q9 is 粤b7k2q9) and flats in words (3栋2单元1201室 is 3-2-1201) have
keys; Elasticsearch reads the text as our tokens (``analysable``); 8: an underscore
between letters joins parts as a full stop does (kwok_wm@… is also kwok, wm), and a hit
carries its document's language (``IndexedDocument.language``); 9: a month written year
first (2019年5月, 2019-05, 2019/5, and every day written in it) and a date in Chinese
numerals (二〇一九年五月, 二〇一九年五月十八日) have keys (2019m05, 20190518), and so do the
last four digits of a phone or ID number written without groups (13812345678 is also
5678); 10: the words of the title and body (``services.common.words``) are fields of their
own, so a word standing as a word ranks above its characters across two words (业主
above 物业主任); 11: a word wrapped across a line break between its characters (a scanned
letter's 请各位业 / 主) is a word too, as its characters are one run of tokens, and 业主 is
cut as the company writes it (``COMPANY_WORDS``: 业主张先生 is 业主 + 张)."""

TITLE_BOOST = 2.0
"""A term found in the title weighs twice what it weighs in the text, in both backends."""
FACET_SIZES = {"category": 16, "household": 20, "year": 50}
"""How many buckets each facet reports, most documents first (16 = every category, D5)."""


class IndexedDocument(Struct):
    """One document as the index holds it.

    ``body`` is the original text (OCR or text layer), stored as is and shown in
    highlights; matching uses its folded form. ``version`` is the registry change-feed
    sequence number of the event that produced this state: an index never lets an older
    version replace a newer one (nor revive a deleted document).
    """

    document_id: str
    archive_no: str
    title: str
    body: str
    household: str | None
    category: Category
    filed_at: date
    security: SecurityLevel
    personal_info: bool
    version: int
    former_archive_nos: tuple[str, ...] = ()
    """The archive numbers it held before a renumbering correction (D11): found by,
    like its archive number."""
    language: str | None = None
    """The catalogue record's language (its OCR model, ``chi_tra``, ``eng+chi_sim``):
    shown with a hit, so that its page says the language of its title and snippets."""

    @property
    def restricted(self) -> bool:
        """Confidential or secret (D9), or carrying owners' personal information (B8)."""
        return self.security != "ordinary" or self.personal_info


class AccessFilter(Struct):
    """What the caller may see; applied inside the query, so hits, totals and facets agree.

    Documents above ``clearance`` are invisible. A restricted document within clearance
    is found only by its title, archive number or household, never by its body text, and
    gets no body snippets, unless its id is in ``full_text_ids`` (a digital loan lets the
    caller read it in full). Ordinary documents within clearance match on body too.
    """

    clearance: SecurityLevel
    full_text_ids: frozenset[str] = frozenset()

    def visible_levels(self) -> tuple[SecurityLevel, ...]:
        rank = security_rank(self.clearance)
        return tuple(level for level in SECURITY_LEVELS if security_rank(level) <= rank)

    def may_read_body(self, document_id: str, *, restricted: bool) -> bool:
        return not restricted or document_id in self.full_text_ids


WORD_SCORE = 100.0
"""What a document in which a term stands as a word (or words) scores more, in both
backends: a constant above what the term's BM25 can differ by between two documents
(at most idf × (k1 + 1) × (1 + ``TITLE_BOOST``), 6.6 × idf: about 96 for a word in one
document of three million), so those documents come first, ranked among themselves by
BM25 as before (``services.common.words``)."""
