"""Contract of synonyms (``services.search.synonyms``), on every index implementation: a
word finds the documents that write another word of its group, after those that write it."""

from __future__ import annotations

from services.search.index.models import AccessFilter
from services.search.index.protocol import SearchIndex
from services.search.query import SearchQuery
from services.search.synonyms import Synonyms
from tests.contract.search.conftest import ORDINARY, SECRET, IndexOpener, doc, found


async def test_a_word_finds_the_letters_that_write_its_synonyms(index: SearchIndex) -> None:
    leak = doc(body="厨房漏水，请派人查看")
    seep = doc(body="楼上卫生间渗水至我家天花")
    seep_traditional = doc(body="樓上浴室滲漏，天花有水漬")
    dry = doc(body="厨房水龙头更换完毕")
    await index.upsert([leak, seep, seep_traditional, dry])

    assert await found(index, "漏水") == {leak.document_id, seep.document_id,
                                          seep_traditional.document_id}
    assert await found(index, "滲水") == await found(index, "漏水")


async def test_the_word_as_typed_comes_before_its_synonyms(index: SearchIndex) -> None:
    # The synonym is the rarer word here: without its lower weight it would rank first.
    leaks = [doc(body=f"{n}号楼道漏水，已报修") for n in range(5)]
    seep = doc(body="阳台渗水，已报修")
    await index.upsert([*leaks, seep])

    result = await index.search(SearchQuery(q="漏水"), SECRET)

    assert [hit.document_id for hit in result.hits][-1] == seep.document_id
    assert {hit.match for hit in result.hits} == {"all"}


async def test_a_synonym_inside_a_word_is_found_and_marked(index: SearchIndex) -> None:
    seep = doc(body="业主反映厨房渗水，墙面起皮")
    elsewhere = doc(body="厨房翻新；阳台渗水")
    await index.upsert([seep, elsewhere])

    result = await index.search(SearchQuery(q="厨房漏水"), SECRET)

    assert [(hit.document_id, hit.match) for hit in result.hits if hit.match == "all"] == [
        (seep.document_id, "all")]
    assert "<mark>厨房渗水</mark>" in result.hits[0].highlights[0]


async def test_a_quoted_phrase_is_exact(index: SearchIndex) -> None:
    leak, seep = doc(body="空调漏水"), doc(body="空调渗水")
    await index.upsert([leak, seep])

    assert await found(index, '"漏水"') == {leak.document_id}
    assert await found(index, "漏水") == {leak.document_id, seep.document_id}


async def test_hong_kong_words_find_the_mainland_s(index: SearchIndex) -> None:
    lift = doc(body="升降機於週三停用保養")
    deposit = doc(body="装修按金已退还业主")
    await index.upsert([lift, deposit, doc(body="楼梯扶手松动")])

    assert await found(index, "电梯") == {lift.document_id}
    assert await found(index, "押金") == {deposit.document_id}
    assert await found(index, "冷气") == set()


async def test_a_synonym_in_a_restricted_body_is_found_only_by_its_readers(
        index: SearchIndex) -> None:
    # A caller who may see the document's record but not read its text: a synonym of the
    # query in that text must not find it, as the word itself does not. A loan lets them.
    restricted = doc(body="业主反映渗水", title="来函", personal_info=True)
    await index.upsert([restricted])
    lent = AccessFilter(clearance="ordinary", full_text_ids=frozenset({restricted.document_id}))

    assert await found(index, "渗水", ORDINARY) == set()
    assert await found(index, "漏水", ORDINARY) == set()
    assert await found(index, "漏水", lent) == {restricted.document_id}


async def test_a_description_s_piece_is_matched_with_its_synonyms(index: SearchIndex) -> None:
    # 阳台漏水严重 is five pieces (阳台, 台漏, 漏水, 水严, 严重), of which a partial match
    # holds two: 阳台 and 渗水 for 漏水.
    seep = doc(body="阳台渗水，地砖松动")
    await index.upsert([seep, doc(body="阳台晾衣架更换")])

    result = await index.search(SearchQuery(q="阳台漏水严重"), SECRET)

    assert [(hit.document_id, hit.match) for hit in result.hits] == [
        (seep.document_id, "partial")]


async def test_a_description_s_pieces_count_alike_whichever_word_a_letter_writes(
        index: SearchIndex) -> None:
    # 入住产权人 typed on: its pieces 产权 and 权人 are found where a letter writes 业主.
    owner = doc(body="新业主办理入住手续，领取钥匙")
    await index.upsert([owner, doc(body="产权证明复印件")])

    result = await index.search(SearchQuery(q="入住产权人"), SECRET)

    assert [(hit.document_id, hit.match) for hit in result.hits] == [
        (owner.document_id, "partial")]


async def test_the_company_s_own_groups_replace_the_default(open_index: IndexOpener) -> None:
    index = open_index(synonyms=Synonyms([("水浸", "水淹", "浸水")]))
    await index.ensure()
    flooded, seep = doc(body="地下车库水淹"), doc(body="阳台渗水")
    await index.upsert([flooded, seep])

    assert await found(index, "水浸") == {flooded.document_id}
    assert await found(index, "漏水") == set()


async def test_a_synonym_inside_a_longer_word_of_another_meaning_does_not_find_it(
        index: SearchIndex) -> None:
    # 管理费 stands in 停车管理费 (a parking fee) and 管理费用 (an office's expenses), 合同 in
    # 联合同意: a clerk's 物业费 or 合约 must not bring those letters.
    property_fee = doc(body="业主对物业管理费账单有疑问")
    parking_fee = doc(body="本月停车管理费上调，请车位业主留意")
    expenses = doc(body="管理费用报销明细：办公用品")
    lease = doc(body="车位租赁合同到期提醒")
    consent = doc(body="全体业主联合同意加装电梯")
    await index.upsert([property_fee, parking_fee, expenses, lease, consent])

    assert await found(index, "物业费") == {property_fee.document_id}
    assert await found(index, "合约") == {lease.document_id}
    # The word as typed still finds them, and so does the synonym written whole.
    assert await found(index, "管理费") == {property_fee.document_id, parking_fee.document_id,
                                           expenses.document_id}
    parking = await index.search(SearchQuery(q="停车物业费"), SECRET)
    assert [hit.document_id for hit in parking.hits if hit.match == "all"] == [
        parking_fee.document_id]
