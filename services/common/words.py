"""Words: where a typed word stands in a text as a word, not as the end of one word and
the beginning of the next.

The index matches Chinese by overlapping character pairs (bigrams), so ``业主`` (owner) is
found in 物业主任 (物业 + 主任) and ``合同`` in 联合同意 (联合 + 同意): in a property
company's letters, signed by the 物业主任, nearly every letter. A dictionary segmenter
(jieba, its own dictionary, no HMM guessing of unknown words, so a text always becomes
the same words) tells the two apart:

- **Index.** A document's words (``index_words``: its folded text cut as a search
  engine cuts it, each longer word with the dictionary words inside it, 业主委员会 also
  业主 and 委员会) are one more field, in both engines (``ANALYSIS`` 10).
- **Query.** A term written in CJK characters only (``业主``, ``门禁``, ``厨房漏水``) also
  asks that field for its words (``term_words``: the term cut as the index cuts a text),
  every one of them; a document holding them scores
  ``services.search.index.models.WORD_SCORE`` more. Never a
  condition: every document the term found before is found (a segmenter makes
  mistakes; only the order changes). Synonyms and partial matches keep their own order.
- **Marks.** Where a text holds the term both as a word and across two words, the search
  snippets and the document page mark the places where it stands as a word
  (``stands_as_words``).

Here in ``common`` because the search index and the staff pages (``web.marking``) both
cut texts so.

Traditional text is folded to Simplified (``services.common.text.fold``) before it is
cut, so 業主 in 物業主任 is told apart as 业主 in 物业主任 is. A line break between two
characters (``LINE_WRAP``: a scanned letter's lines end anywhere, 请各位业 / 主) joins
them, as the index's tokens do: 业主 wrapped so is a word, 物业主 / 任 is not. The
dictionary is loaded once per process (0.9 s, 61 MB), under a lock; cutting is
thread-safe. The parts that cut words (search, the staff pages) load it in the background
from their start (``DictionaryAtStart``), so that nobody's first search or document page
with Chinese words waits for it.
Measured in ``bench/words.py`` (bench/README.md).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from functools import lru_cache

import jieba

from services.common.text import LINE_WRAP

_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None

_HAN = re.compile(r"[\u4e00-\u9fff]")
_ALL_HAN = re.compile(r"[\u4e00-\u9fff]+")
_BLOCK_RUN = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]*")
"""What jieba cuts as one block (its ``re_han_default``): a text's words are the words of
each block, so a block cut alone gives the words the whole text gives there."""
_WRAPPED = re.compile(rf"(?<=[\u4e00-\u9fff]){LINE_WRAP}(?=[\u4e00-\u9fff])")
"""A line break between two characters: the text goes on across it (``LINE_WRAP``)."""
_BLANK = " \t\u3000"
_BLOCK_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#&._%-")


COMPANY_WORDS = {"业主": 20_000}
"""Words a property company's letters write far more often than jieba's dictionary counts
them (业主 345 times, below 主张's 6 284 and 主任's 13 853), with the counts they are cut
by: enough that 请业主张先生 is 业主 + 张 + 先生, the owner Mr Zhang, and 业主任先生 业主 + 任,
not 业 + 主张 / 主任; 物业主任 stays 物业 + 主任 (two words against three)."""


def segmenter() -> jieba.Tokenizer:
    """The process's segmenter, its dictionary loaded on first use."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                logging.getLogger("jieba").setLevel(logging.WARNING)
                made = jieba.Tokenizer()
                made.initialize()
                for word, count in COMPANY_WORDS.items():
                    made.add_word(word, count)
                _segmenter = made
    return _segmenter


def dictionary_loaded() -> bool:
    """Whether the process's segmenter has its dictionary (``segmenter`` was called)."""
    return _segmenter is not None


class DictionaryAtStart:
    """The segmenter's dictionary loaded in a thread from a part's start (``start``), not
    at the first search or page that cuts words, which then waited 0.9 s; ``stop`` waits
    for the thread, which cannot be cancelled. Parts of one process load it once: the
    second waits for the first's lock and finds it loaded."""

    def __init__(self) -> None:
        self._loading: asyncio.Task[jieba.Tokenizer] | None = None

    async def start(self) -> None:
        self._loading = asyncio.create_task(asyncio.to_thread(segmenter))

    async def stop(self) -> None:
        if self._loading is not None:
            await self._loading


def index_words(folded: str) -> str:
    """The words of a folded text that hold a CJK character, each once, apart by spaces:
    what the words field indexes (a whitespace tokenizer)."""
    words = segmenter().cut_for_search(_WRAPPED.sub("", folded), HMM=False)
    return " ".join(dict.fromkeys(word for word in words if _HAN.search(word)))


@lru_cache(maxsize=4096)
def term_words(folded: str) -> tuple[str, ...]:
    """The words of a folded query term written in CJK characters only, as a text's are
    cut; none for any other term (a code, a number, a phrase with a space)."""
    if not _ALL_HAN.fullmatch(folded):
        return ()
    return tuple(segmenter().cut(folded, HMM=False))


def _in_block(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fd5" or char in _BLOCK_ASCII


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _wrap_before(text: str, at: int) -> int | None:
    """Where a line break (``LINE_WRAP``) ending at ``at`` begins, if a character stands
    on either side of it; else None."""
    before = at
    while before > 0 and text[before - 1] in _BLANK:
        before -= 1
    if before == 0 or text[before - 1] != "\n":
        return None
    before -= 1
    if before > 0 and text[before - 1] == "\r":
        before -= 1
    while before > 0 and text[before - 1] in _BLANK:
        before -= 1
    joined = before > 0 and at < len(text) and _is_han(text[before - 1]) and _is_han(text[at])
    return before if joined else None


_REACH = 32
"""How far from a place its block is followed across line breaks: a word is cut by the
words around it, not by lines far off (a list without punctuation, a name a line, would
otherwise be one block of the whole text, cut again for each place)."""


def _block(text: str, start: int, end: int) -> tuple[int, int]:
    """The block (``_BLOCK_RUN``) around ``[start, end)``, across line breaks between
    two characters within ``_REACH`` of it."""
    place_start, place_end = start, end
    while True:
        while start > 0 and _in_block(text[start - 1]):
            start -= 1
        wrap = _wrap_before(text, start)
        if wrap is None or place_start - start > _REACH:
            break
        start = wrap
    while True:
        found = _BLOCK_RUN.match(text, end)
        end = max(end, found.end() if found else end)
        wrapped = _WRAPPED.match(text, end)
        if wrapped is None or wrapped.end() == end or end - place_end > _REACH:
            break
        end = wrapped.end()
    return start, end


def stands_as_words(folded: str, start: int, end: int) -> bool:
    """Whether ``folded[start:end]`` is one word, or words one after another, as the index
    cuts the text (``index_words``), rather than ending or beginning inside one."""
    block_start, block_end = _block(folded, start, end)
    if block_end <= block_start:
        return False
    block = folded[block_start:block_end]
    # the block with its line breaks taken out, and where each of its places was
    at_of: list[int] = []
    kept: list[str] = []
    taken = 0
    for wrap in _WRAPPED.finditer(block):
        kept.append(block[taken:wrap.start()])
        at_of.extend(range(taken, wrap.start()))
        taken = wrap.end()
    kept.append(block[taken:])
    at_of.extend(range(taken, len(block)))
    at_of.append(len(block))
    joined_at = {at: joined for joined, at in enumerate(at_of)}
    first, last = start - block_start, end - block_start
    while first not in joined_at:  # within a line break: where the text goes on
        first += 1
    while last not in joined_at:
        last += 1
    first, last = joined_at[first], joined_at[last]
    if last <= first:
        return False
    ends = _word_ends("".join(kept))
    reached = {first}
    for at in range(first, last):
        if at in reached:
            reached.update(after for after in ends.get(at, ()) if after <= last)
    return last in reached


@lru_cache(maxsize=4096)
def _word_ends(block: str) -> dict[int, frozenset[int]]:
    """Where each word of a block (as ``index_words`` cuts it) ends, by where it starts.
    Cached: a company's letters repeat their openings and signatures (物业主任 王某)."""
    ends: dict[int, set[int]] = {}
    for _, word_start, word_end in segmenter().tokenize(block, mode="search", HMM=False):
        ends.setdefault(word_start, set()).add(word_end)
    return {at: frozenset(after) for at, after in ends.items()}
