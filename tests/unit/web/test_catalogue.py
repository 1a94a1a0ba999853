"""The English catalogue holds every string of the templates, and its committed ``.mo`` is
the compile of its ``.po`` (so neither can drift from the other)."""

from __future__ import annotations

import io
import re

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from services.common.api_reference import LANDING_WORDS
from services.common.api_reference.parts import PART_DESCRIPTIONS
from services.common.audit_actions import ACTION_NAMES, ALL_ACTION_NAMES
from services.common.contracts.inventory import (
    BOX_STATE_NAMES,
    INVENTORY_STATUS_NAMES,
    PROTECTION_NAMES,
)
from services.common.contracts.operations import HANDOVER_STATUS_NAMES, SIDE_NAMES
from services.common.contracts.retention import DESTRUCTION_STATUS_NAMES
from services.common.models import (
    CATEGORY_NAMES,
    DEPARTMENT_NAMES,
    RETENTION_CLASS_NAMES,
    ROLE_NAMES,
    SECURITY_LEVEL_NAMES,
)
from services.common.refusal_words import OTHERWISE, REFUSALS, REFUSED
from services.registry.destruction.rules import LABELS, WITHHELD_LABELS
from services.web.audit_page import DETAIL_NAMES, WORDED_VALUES
from services.web.corrections_page import CORRECTION_STATUS_NAMES, YES_NO
from services.web.document_page import (
    APPROVED_CORRECTION,
    FIELD_NAMES,
    FINDING_NAMES,
    LOAN_KIND_NAMES,
    LOAN_STATUS_NAMES,
    TEXT_MADE_BY_NAMES,
    TEXT_REASONS,
)
from services.web.ingest_page import STATUS_NAMES
from services.web.render import LOCALES, SERVICE_ACTOR, TEMPLATES, Pages
from services.web.retention_page import (
    DECIDED_NAME,
    DECISION_NAMES,
    HOLD_STATUS_NAMES,
    ITEM_STATE_NAMES,
    MISSING_NAMES,
    SWEEP_STATUS_NAMES,
)
from services.web.statistics_page import SERIES_TITLES

PO = LOCALES / "en" / "LC_MESSAGES" / "messages.po"
MO = LOCALES / "en" / "LC_MESSAGES" / "messages.mo"
AUDIT = "audit trail"
"""The context the audit trail's entries are translated in (``_history.html``)."""
TEXT_VERSION = "text version"
"""The context what made a text version is translated in (``_history.html``)."""
JINJA = [("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                       "lstrip_blocks": "True"}}


def _catalogue():  # type: ignore[no-untyped-def]
    with PO.open("rb") as po:
        return read_po(po, locale="en")


def test_every_string_of_the_templates_has_an_english_translation() -> None:
    catalogue = _catalogue()
    missing = []
    for _, _, message, _, context in extract_from_dir(str(TEMPLATES), JINJA, OPTIONS):
        key = message if isinstance(message, str) else message[0]
        found = catalogue.get(key, context=context)
        if found is None or not found.string or found.fuzzy:
            missing.append(key)
    assert missing == []


def test_every_name_the_pages_translate_at_run_time_has_an_english_translation() -> None:
    catalogue = _catalogue()
    names = {*CATEGORY_NAMES.values(), *RETENTION_CLASS_NAMES.values(),
             *SECURITY_LEVEL_NAMES.values(),
             *FIELD_NAMES.values(), *LOAN_STATUS_NAMES.values(), "归档",
             *FINDING_NAMES.values(),
             *LOAN_KIND_NAMES.values(), *SERIES_TITLES.values(),
             *SWEEP_STATUS_NAMES.values(), *ITEM_STATE_NAMES.values(), DECIDED_NAME,
             *DECISION_NAMES.values(), *MISSING_NAMES.values(),
             *DESTRUCTION_STATUS_NAMES.values(), *HOLD_STATUS_NAMES.values(),
             *LABELS.values(), *WITHHELD_LABELS.values(),
             *STATUS_NAMES.values(), *ROLE_NAMES.values(),
             *HANDOVER_STATUS_NAMES.values(), *SIDE_NAMES.values(), *BOX_STATE_NAMES.values(),
             *INVENTORY_STATUS_NAMES.values(), *PROTECTION_NAMES.values(),
             *DEPARTMENT_NAMES.values(), *CORRECTION_STATUS_NAMES.values(),
             *YES_NO.values(), SERVICE_ACTOR, *TEXT_REASONS.values()}
    missing = sorted(name for name in names
                     if (found := catalogue.get(name)) is None or not found.string)
    assert missing == []
    told = {*ALL_ACTION_NAMES.values(), "人工校对文字", APPROVED_CORRECTION}
    untold = sorted(name for name in told
                    if (found := catalogue.get(name, context=AUDIT)) is None
                    or not found.string)
    assert untold == []
    unnamed = sorted(name for name in DETAIL_NAMES.values()
                     if (found := catalogue.get(name, context="audit detail")) is None
                     or not found.string)
    assert unnamed == []
    unworded = sorted(name for names in WORDED_VALUES.values() if names is not DETAIL_NAMES
                      for name in names.values()
                      if (found := catalogue.get(name)) is None or not found.string)
    assert unworded == []
    made_by = sorted(name for name in TEXT_MADE_BY_NAMES.values()
                     if (found := catalogue.get(name, context=TEXT_VERSION)) is None
                     or not found.string)
    assert made_by == []


def test_every_refusal_s_words_have_an_english_translation() -> None:
    """The pages' refusal macros say them at run time (services/common/refusal_words.py),
    so the templates' extraction no longer finds them."""
    catalogue = _catalogue()
    words = {REFUSED, *OTHERWISE.values(), *(said for area in REFUSALS.values()
                                             for said in area.values())} - {""}
    assert len(words) > 150
    assert sorted(said for said in words
                  if (found := catalogue.get(said)) is None or not found.string) == []


def test_the_api_reference_s_landing_has_its_english_in_the_pages_catalogue() -> None:
    """It speaks as the pages do (``services.web.languages.reference_languages``)."""
    catalogue = _catalogue()
    words = [*LANDING_WORDS.values(), *PART_DESCRIPTIONS.values()]
    assert [said for said in words
            if (found := catalogue.get(said)) is None or not found.string] == []


def test_each_role_has_one_english_name_which_sentences_use_too() -> None:
    """A role reads as a name (Archivist, Compliance Officer), in a list of roles as in a
    sentence ("ask an Archivist"), never as a lower-case word or another title."""
    catalogue = _catalogue()
    assert {code: catalogue.get(name).string for code, name in ROLE_NAMES.items()} == {
        "archivist": "Archivist", "staff": "Staff Member", "manager": "Department Head",
        "center_head": "Customer Service Centre Head", "compliance": "Compliance Officer",
        "director": "Director", "admin": "System Administrator"}
    other_title = re.compile(r"\b(?:archivists?|department heads?|compliance officers?|"
                             r"(?:system )?administrators?|(?:service[- ])?cent(?:re|er) heads?|"
                             r"(?:a|the) manager|the director)\b")
    sentences = [" ".join(message.string) if isinstance(message.string, tuple)
                 else message.string for message in catalogue if message.id]
    assert [said for said in sentences if other_title.search(said)] == []


def test_asking_for_a_loan_and_a_loan_asked_for_read_apart_in_english() -> None:
    """The document page's button and the new-loan page's title ask; the history's step
    tells what happened."""
    english = Pages().environments["en"]
    assert english.from_string('{{ _("申请借阅") }}').render() == "Request a loan"
    assert english.from_string("{{ pgettext(context, step) }}").render(
        context=AUDIT, step=ACTION_NAMES["loan_requested"]) == "Loan requested"


def test_a_button_and_an_audit_entry_with_the_same_chinese_read_apart_in_english() -> None:
    """The loan page's buttons ask ("Lend out"); the audit trail tells ("Lent out")."""
    english = Pages().environments["en"]
    asks = english.from_string("{{ _(word) }}")
    tells = english.from_string("{{ pgettext(context, word) }}")
    words = [ACTION_NAMES[action] for action in ("loan_issued", "loan_acknowledged",
                                                 "loan_renewed", "download", "destroyed")]
    assert [(asks.render(word=word), tells.render(context=AUDIT, word=word))
            for word in words] == [
        ("Lend out", "Lent out"), ("Acknowledge receipt", "Receipt acknowledged"),
        ("Renew", "Loan renewed"), ("Download the original", "Original downloaded"),
        ("Destroy", "Destroyed")]


def test_names_shown_as_labels_and_values_are_capitalised_in_english() -> None:
    """Clearances, states, statuses, decisions and field names stand as labels or values
    ("Secret", "Queued", "Awaiting witnesses", "Working document"), so each starts with a
    capital, like the roles; so does each entry of the audit trail and its result."""
    catalogue = _catalogue()
    names = [*SECURITY_LEVEL_NAMES.values(), *HOLD_STATUS_NAMES.values(),
             *DECISION_NAMES.values(), *FIELD_NAMES.values(), *STATUS_NAMES.values(),
             *SWEEP_STATUS_NAMES.values(), *ITEM_STATE_NAMES.values(), DECIDED_NAME,
             *DESTRUCTION_STATUS_NAMES.values(), *LABELS.values(), *WITHHELD_LABELS.values(),
             *CORRECTION_STATUS_NAMES.values(), *HANDOVER_STATUS_NAMES.values(),
             *SIDE_NAMES.values(), *YES_NO.values(), *LOAN_STATUS_NAMES.values(),
             *LOAN_KIND_NAMES.values(), *INVENTORY_STATUS_NAMES.values(),
             *BOX_STATE_NAMES.values(), "允许", "拒绝"]
    said = [catalogue.get(name).string for name in names]
    told = [message.string for message in catalogue if message.context == AUDIT]
    assert [words for words in [*said, *told] if not words[0].isupper()] == []


def test_the_committed_mo_is_the_compiled_po() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue())
    assert MO.read_bytes() == compiled.getvalue(), (
        "run: .venv/bin/pybabel compile -d services/web/locale -D messages")
