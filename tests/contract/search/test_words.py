"""Contract of words (``services.common.words``), on every index implementation: a typed
word ranks the documents where it stands as a word above those where its two characters
stand only across two words (业主 in 物业主任), which are still found."""

from __future__ import annotations

from services.search.index.models import ANALYSIS, AccessFilter
from services.search.index.protocol import SearchIndex
from services.search.query import SearchQuery
from tests.contract.search.conftest import ORDINARY, SECRET, IndexOpener, doc, found

# The letters of a property company: every one signed by its 物业主任 or 物业主管.
OWNER = "请各位业主于本周五前缴清物业费。"
SIGNED = "本通知由物业主任签发，物业主管负责落实；物业主任办公室电话另行通知。"


async def ranked(index: SearchIndex, q: str, access: AccessFilter = SECRET) -> list[str]:
    result = await index.search(SearchQuery(q=q, size=100), access)
    return [hit.document_id for hit in result.hits]


async def test_a_word_ranks_above_its_characters_across_two_words(index: SearchIndex) -> None:
    owners = doc(body=OWNER + "物业主任")
    signed = doc(title="物业主任通知", body=SIGNED * 3)
    contract = doc(body="本合同自双方签字之日起生效。")
    agreed = doc(body="经业主大会联合同意，联合同意书见附件；联合同意的事项如下。")
    await index.upsert([owners, signed, contract, agreed])

    assert await ranked(index, "业主") == [owners.document_id, agreed.document_id,
                                           signed.document_id]
    assert (await ranked(index, "合同"))[0] == contract.document_id
    assert set(await ranked(index, "合同")) == {contract.document_id, agreed.document_id}


async def test_traditional_words_are_told_apart_as_simplified(index: SearchIndex) -> None:
    owners = doc(body="請各位業主於本週五前繳清管理費。")
    signed = doc(title="物業主任通知", body="本通知由物業主任簽發，物業主管負責落實。" * 3)
    await index.upsert([signed, owners])

    assert await ranked(index, "業主") == [owners.document_id, signed.document_id]
    assert await ranked(index, "业主") == [owners.document_id, signed.document_id]


async def test_a_word_only_across_two_words_is_still_found(index: SearchIndex) -> None:
    signed = doc(body=SIGNED)
    await index.upsert([signed, doc(body="电梯年检已完成")])

    result = await index.search(SearchQuery(q="业主"), SECRET)

    assert [(hit.document_id, hit.match) for hit in result.hits] == [
        (signed.document_id, "all")]
    assert "物<mark>业主</mark>任" in result.hits[0].highlights[0]


async def test_the_snippet_marks_the_word_where_it_stands_as_one(index: SearchIndex) -> None:
    both = doc(body="物业主任：" + "X" * 80 + OWNER)
    await index.upsert([both])

    result = await index.search(SearchQuery(q="业主"), SECRET)

    (hit,) = result.hits
    assert "各位<mark>业主</mark>于" in hit.highlights[0]
    assert all("物<mark>" not in snippet for snippet in hit.highlights)


async def test_a_word_wrapped_across_a_line_break_is_a_word(index: SearchIndex) -> None:
    # A scanned letter's lines end anywhere, in the middle of a word too (请各位业 / 主).
    wrapped = doc(body="兹通知请各位业\n主于本周五前缴清物业费。")
    signed = doc(title="物业主任通知", body=SIGNED * 3)
    await index.upsert([signed, wrapped])

    result = await index.search(SearchQuery(q="业主"), SECRET)

    assert [hit.document_id for hit in result.hits] == [wrapped.document_id,
                                                        signed.document_id]
    # a snippet shows a line break as a blank
    assert "各位<mark>业 主</mark>于" in result.hits[0].highlights[0]


async def test_an_unreadable_body_raises_no_document_by_its_words(index: SearchIndex) -> None:
    # A restricted letter is found by its title alone; its body's words, which the caller
    # may not read, must not rank it, until it is lent.
    signed = doc(title="物业主任来函", body=SIGNED)
    private = doc(title="物业主任来函", body=OWNER, personal_info=True)
    await index.upsert([signed, private])

    unlent = await index.search(SearchQuery(q="业主"), ORDINARY)
    lent = AccessFilter(clearance="ordinary", full_text_ids=frozenset({private.document_id}))

    assert [hit.document_id for hit in unlent.hits] == [signed.document_id,
                                                        private.document_id]
    assert [hit.highlights for hit in unlent.hits][1] == []
    assert await ranked(index, "业主", lent) == [private.document_id, signed.document_id]
    assert await found(index, "业主", AccessFilter(clearance="ordinary")) == {
        signed.document_id, private.document_id}


async def test_an_index_made_before_the_words_answers_until_rebuilt(
        open_index: IndexOpener) -> None:
    owners, signed = doc(body=OWNER), doc(title="物业主任通知", body=SIGNED * 3)
    earlier = open_index(analysis=ANALYSIS - 1, words=False)
    await earlier.ensure()
    await earlier.upsert([owners, signed])
    await earlier.close()

    upgraded = open_index()
    await upgraded.ensure()
    assert await upgraded.outdated()
    # It answers meanwhile (without ranking by words) and takes new documents.
    later = doc(body="业主报修：厨房漏水")
    await upgraded.upsert([later])
    assert set(await ranked(upgraded, "业主")) == {
        owners.document_id, signed.document_id, later.document_id}

    rebuild = await upgraded.start_rebuild()
    await rebuild.upsert([owners, signed, later])
    await rebuild.commit()
    assert not await upgraded.outdated()
    assert (await ranked(upgraded, "业主"))[-1] == signed.document_id
