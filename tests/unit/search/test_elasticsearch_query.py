"""The Elasticsearch request bodies (services.search.index.elasticsearch_query)."""

from __future__ import annotations

import json
from typing import Any

from services.search.index.elasticsearch_query import MAPPINGS, partial_search_body, search_body
from services.search.index.models import AccessFilter
from services.search.partial import RESCORE_WINDOW, partial_match
from services.search.query import SearchQuery

HOSTILE = 'title:* OR body:(a* AND "x") \\ / ~2 ^9'


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_user_text_never_reaches_a_query_parser() -> None:
    query = SearchQuery(q=HOSTILE)
    body = search_body(query, query.terms(), AccessFilter(clearance="secret"))
    assert keys(body) & {"query_string", "simple_query_string", "regexp", "wildcard",
                         "prefix", "fuzzy", "script"} == set()


def test_clearance_is_a_filter_inside_the_query() -> None:
    query = SearchQuery(q="维修")
    body = search_body(query, query.terms(), AccessFilter(clearance="confidential"))
    assert {"terms": {"security": ["ordinary", "confidential"]}} in body["query"]["bool"]["filter"]


def test_mapping_refuses_fields_it_does_not_declare() -> None:
    assert MAPPINGS["dynamic"] == "strict"


def test_filter_fields_are_keywords() -> None:
    fields = MAPPINGS["properties"]
    assert {name: fields[name]["type"] for name in ("household", "category", "security", "year")} \
        == dict.fromkeys(("household", "category", "security", "year"), "keyword")


def test_search_body_is_plain_json() -> None:
    query = SearchQuery(q="维修", household="A-1201")
    body = search_body(query, query.terms(), AccessFilter(clearance="ordinary"))
    assert json.loads(json.dumps(body)) == body


def partial_body(q: str, access: AccessFilter, **fields: Any) -> dict[str, Any]:
    query = SearchQuery(q=q, **fields)
    found = partial_match(query.terms())
    assert found is not None
    return partial_search_body(query, query.terms(), found, access, offset=0, size=20)


def test_partial_request_keeps_the_clearance_filter_inside_the_query() -> None:
    body = partial_body("中央空调改造", AccessFilter(clearance="ordinary"))
    assert {"terms": {"security": ["ordinary"]}} in body["query"]["bool"]["filter"]


def test_partial_request_never_reaches_a_query_parser() -> None:
    body = partial_body(HOSTILE + " 中央空调改造", AccessFilter(clearance="secret"))
    assert keys(body) & {"query_string", "simple_query_string", "regexp", "wildcard",
                         "prefix", "fuzzy", "script"} == set()


def test_partial_request_ranked_by_relevance_rescores_without_a_sort() -> None:
    # Elasticsearch refuses a sort beside a rescore.
    body = partial_body("中央空调改造", AccessFilter(clearance="secret"))
    assert ("sort" in body, body["rescore"]["window_size"]) == (False, RESCORE_WINDOW)


def test_partial_request_sorted_by_newest_keeps_its_sort_and_no_rescore() -> None:
    body = partial_body("中央空调改造", AccessFilter(clearance="secret"), sort="newest")
    assert (body["sort"], "rescore" in body) == (
        [{"filed_at": "desc"}, {"archive_no": "desc"}, {"document_id": "desc"}], False)
