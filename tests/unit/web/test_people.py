"""Pages name people as papers do: ``王芳（wang）`` where the account has a full name, the
username where it has none or the page was given no names; the archive's own services by
one name."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.contracts.accounts import User
from services.common.contracts.catalogue import DocumentVersion
from services.web.navigation import layout
from services.web.own_account_page import own_account
from services.web.render import SERVICE_ACTOR, Pages
from services.web.version_reasons import shown_reason
from tests.unit.web.conftest import WANG

PEOPLE = {"wang": "王芳"}


def _said(template: str, **values: object) -> str:
    return Pages().environments["zh"].from_string(template).render(**values)


def test_a_person_is_named_by_full_name_and_username_where_a_name_is_given() -> None:
    assert _said("{{ who|person }}", who="wang", people=PEOPLE) == "王芳（wang）"
    assert _said("{{ who|person }}", who="li", people=PEOPLE) == "li"
    assert _said("{{ who|person }}", who="wang") == "wang"  # a page given no names
    assert _said("{{ who|person or '—' }}", who=None, people=PEOPLE) == "—"


def test_the_english_pages_write_the_username_in_english_brackets() -> None:
    english = Pages().environments["en"].from_string("{{ who|person }}")
    assert english.render(who="zhou", people={"zhou": "Zhou Min"}) == "Zhou Min (zhou)"
    assert english.render(who="li", people={"zhou": "Zhou Min"}) == "li"


def test_who_did_something_is_a_person_or_the_archive_itself() -> None:
    assert _said("{{ who|actor }}", who="wang", people=PEOPLE) == "王芳（wang）"
    assert _said("{{ who|actor }}", who="service:ingest", people=PEOPLE) == SERVICE_ACTOR


def test_the_witnesses_of_a_register_are_each_named() -> None:
    said = _said('{{ witnesses|map(attribute="username")|map("person")|join("、") }}',
                 witnesses=[{"username": "wang"}, {"username": "sun"}], people=PEOPLE)
    assert said == "王芳（wang）、sun"


def test_the_appraisers_a_version_names_are_each_named() -> None:
    version = DocumentVersion(
        version=2, metadata={}, changes={}, changed_by="wang",
        changed_at=datetime(2026, 5, 1, tzinfo=UTC),
        reason="appraisal (鉴定) in sweep s1: keep, agreed by sun, wang", approved_by=None,
        correction_id=None, reason_code="appraised_keep",
        reason_values={"sweep_id": "s1", "appraisers": "sun, wang"})
    reason = shown_reason(version)
    template = "{{ _(reason.says, **(reason.values|days_written)) }}"
    pages = Pages()
    chinese, english = (
        pages.environments[language].from_string(template).render(
            reason=reason, people=PEOPLE, zone=UTC, locale=locale)
        for language, locale in (("zh", "zh_CN"), ("en", "en")))
    assert chinese == "鉴定（清理 s1）：继续保存，经 sun、王芳（wang） 同意"
    assert english == "appraisal (sweep s1): kept, agreed by sun, 王芳 (wang)"


def test_the_top_bar_names_the_reader_and_keeps_their_username_for_the_page_script() -> None:
    html = Pages().html("zh", "account.html", layout(WANG, "/ui/account", "t") | {
        "view": own_account(User(username="wang", roles=["archivist"], clearance="internal",
                                 department="archive", active=True,
                                 created_at=datetime(2026, 5, 1, tzinfo=UTC), full_name="王芳")),
        "problem": "", "problem_field": "", "wait_s": None, "done": "", "refused": "",
        "people": PEOPLE})
    assert '<div class="account" data-username="wang">' in html
    assert '<span class="who">王芳（wang）</span>' in html


def test_a_name_is_escaped_where_a_page_shows_it() -> None:
    said = _said("{{ who|person }} {{ _('%(user)s 已批准', user=who|person) }}", who="x",
                 people={"x": '<script>alert("1")</script>'})
    assert "<script>" not in said
    assert "&lt;script&gt;alert(&#34;1&#34;)&lt;/script&gt;（x）" in said
