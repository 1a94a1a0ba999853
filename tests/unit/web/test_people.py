"""Pages name people as papers do: ``王芳（wang）`` where the account has a full name, the
username where it has none or the page was given no names; the archive's own services by
one name."""

from __future__ import annotations

from services.web.render import SERVICE_ACTOR, Pages

PEOPLE = {"wang": "王芳"}


def _said(template: str, **values: object) -> str:
    return Pages().environments["zh"].from_string(template).render(**values)


def test_a_person_is_named_by_full_name_and_username_where_a_name_is_given() -> None:
    assert _said("{{ who|person }}", who="wang", people=PEOPLE) == "王芳（wang）"
    assert _said("{{ who|person }}", who="li", people=PEOPLE) == "li"
    assert _said("{{ who|person }}", who="wang") == "wang"  # a page given no names
    assert _said("{{ who|person or '—' }}", who=None, people=PEOPLE) == "—"


def test_who_did_something_is_a_person_or_the_archive_itself() -> None:
    assert _said("{{ who|actor }}", who="wang", people=PEOPLE) == "王芳（wang）"
    assert _said("{{ who|actor }}", who="service:ingest", people=PEOPLE) == SERVICE_ACTOR


def test_the_witnesses_of_a_register_are_each_named() -> None:
    said = _said('{{ witnesses|map(attribute="username")|map("person")|join("、") }}',
                 witnesses=[{"username": "wang"}, {"username": "sun"}], people=PEOPLE)
    assert said == "王芳（wang）、sun"
