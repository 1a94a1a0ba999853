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
cut, so 業主 in 物業主任 is told apart as 业主 in 物业主任 is. The dictionary is loaded
once per process, when first needed (0.9 s, 61 MB), under a lock; cutting is thread-safe.
Measured in ``bench/words.py`` (bench/README.md).
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

import jieba

_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None

_HAN = re.compile(r"[\u4e00-\u9fff]")
_ALL_HAN = re.compile(r"[\u4e00-\u9fff]+")
_BLOCK_RUN = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]*")
"""What jieba cuts as one block (its ``re_han_default``): a text's words are the words of
each block, so a block cut alone gives the words the whole text gives there."""
_BLOCK_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#&._%-")


def segmenter() -> jieba.Tokenizer:
    """The process's segmenter, its dictionary loaded on first use."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                logging.getLogger("jieba").setLevel(logging.WARNING)
                made = jieba.Tokenizer()
                made.initialize()
                _segmenter = made
    return _segmenter


def index_words(folded: str) -> str:
    """The words of a folded text that hold a CJK character, each once, apart by spaces:
    what the words field indexes (a whitespace tokenizer)."""
    words = segmenter().cut_for_search(folded, HMM=False)
    return " ".join(dict.fromkeys(word for word in words if _HAN.search(word)))


@lru_cache(maxsize=4096)
def term_words(folded: str) -> tuple[str, ...]:
    """The words of a folded query term written in CJK characters only, as a text's are
    cut; none for any other term (a code, a number, a phrase with a space)."""
    if not _ALL_HAN.fullmatch(folded):
        return ()
    return tuple(segmenter().cut(folded, HMM=False))


def _block(text: str, start: int, end: int) -> tuple[int, int]:
    """The block (``_BLOCK_RUN``) around ``[start, end)``."""
    while start > 0 and ("\u4e00" <= text[start - 1] <= "\u9fd5"
                         or text[start - 1] in _BLOCK_ASCII):
        start -= 1
    found = _BLOCK_RUN.match(text, end)
    return start, found.end() if found else end


def stands_as_words(folded: str, start: int, end: int) -> bool:
    """Whether ``folded[start:end]`` is one word, or words one after another, as the index
    cuts the text (``index_words``), rather than ending or beginning inside one."""
    block_start, block_end = _block(folded, start, end)
    if block_end <= block_start:
        return False
    ends = _word_ends(folded[block_start:block_end])
    reached = {start - block_start}
    for at in range(start - block_start, end - block_start):
        if at in reached:
            reached.update(after for after in ends.get(at, ()) if after <= end - block_start)
    return end - block_start in reached


@lru_cache(maxsize=4096)
def _word_ends(block: str) -> dict[int, frozenset[int]]:
    """Where each word of a block (as ``index_words`` cuts it) ends, by where it starts.
    Cached: a company's letters repeat their openings and signatures (物业主任 王某)."""
    ends: dict[int, set[int]] = {}
    for _, word_start, word_end in segmenter().tokenize(block, mode="search", HMM=False):
        ends.setdefault(word_start, set()).add(word_end)
    return {at: frozenset(after) for at, after in ends.items()}
