"""Elasticsearch's analyzers read ``analysable`` text as the tokens Tantivy is given
(``services.common.text``), so both backends match the same documents."""

from __future__ import annotations

import pytest

from services.common.text import analysable, fold, folded_tokens
from services.search.index.elasticsearch_query import INDEX_SETTINGS
from tests.contract.search.conftest import Storage

TEXTS = [
    "業主 Owner：Kwok Wing-yan 访客姓名 Name：Chan Tai Man",
    "接待人：Mr.Wong 电邮 wykwok@example.com e.g. U.S.A. a·b",
    "押金：¥23,600.00 第1,2,3项 3.5元 don't a_b",
    "车牌粤B·7K2Q9 粤B7K2Q9 3栋2单元1201室 E栋停水",
    "更换大\n堂水牌 A-1201\n维修 WX2019-0456 12:30",
]


@pytest.mark.parametrize("storage", ["elasticsearch-osmem", "elasticsearch-container"],
                         indirect=True)
@pytest.mark.parametrize("text", TEXTS)
async def test_elasticsearch_reads_analysable_text_as_our_tokens(
        storage: Storage, text: str) -> None:
    folded = fold(text)
    try:
        async with storage.client() as client:
            name = f"{storage.alias}-v1"
            await client.indices.create(index=name, settings=INDEX_SETTINGS)
            for analyzer, unigrams in (("archive_bigram", False), ("standard", True)):
                analysed = await client.indices.analyze(index=name, analyzer=analyzer,
                                                        text=analysable(folded))
                assert [token["token"] for token in analysed["tokens"]] == folded_tokens(
                    folded, unigrams=unigrams), analyzer
    finally:
        await storage.drop_indices()
