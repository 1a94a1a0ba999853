"""Rendering the pages: one Jinja2 environment per language, Chinese first.

The templates' strings are Chinese (the people the archive is for read Chinese); English
comes from the message catalogue ``locale/en/LC_MESSAGES/messages.po`` (Babel; its
``.mo`` is committed beside it, compiled with ``pybabel compile -d services/web/locale``,
and a test checks the two agree). The language is the language cookie (``cookies.LANGUAGE``,
set by the switch on every page), else the browser's first preference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, get_month_names
from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from litestar import Request, Response
from markupsafe import Markup

from services.common.auth import SERVICE_PREFIX
from services.common.clock import COMPANY_ZONE
from services.common.contracts.accounts import PERSON_FORM, person
from services.common.models import DEPARTMENT_NAMES, ROLE_NAMES
from services.common.names import says_it_is_a_building
from services.common.refusal_words import first_sentence as first_sentence  # the filter's
from services.common.refusal_words import refusal_words
from services.web.assets import static_url
from services.web.languages import HTML_LANG, catalogues, language_of
from services.web.languages import LANGUAGES as LANGUAGES
from services.web.languages import LOCALES as LOCALES
from services.web.languages import Language as Language
from services.web.limits import LIMITS
from services.web.links import document_url, hold_url, household_url

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
BABEL_LOCALE = {"zh": "zh_CN", "en": "en"}
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
"""Chinese characters (CJK unified ideographs and their extensions, compatibility forms)."""
WRITTEN_LANG = {"chi_sim": "zh-Hans", "chi_tra": "zh-Hant"}
"""A document's Chinese (its OCR model) as a page's ``lang`` says it."""
ENGLISH = "eng"
"""A document in English (its OCR model)."""


@pass_context
def _day(context: Context, value: date | datetime | None) -> str:
    """2024年5月18日 in Chinese, 18 May 2024 in English; an instant on its day on the
    company's clocks."""
    if value is None:
        return ""
    day = value.astimezone(context["zone"]).date() if isinstance(value, datetime) else value
    return format_date(day, format="long", locale=context["locale"])


@pass_context
def _days_written(context: Context, values: Mapping[str, object]) -> dict[str, object]:
    """Values to fill a sentence with, each day among them written as ``day`` writes it,
    people (a tuple of usernames) each named as ``person`` names them."""
    return {name: _written(context, value) for name, value in values.items()}


def _written(context: Context, value: object) -> object:
    if isinstance(value, date):
        return _day(context, value)
    if isinstance(value, tuple):
        separator = context.call(context.resolve("gettext"), "、")
        return separator.join(_person(context, username) for username in value)
    return value


@pass_context
def _moment(context: Context, value: datetime | None) -> str:
    """An instant on the company's clocks (``ARCHIVE_TIME_ZONE``), as people read them."""
    if value is None:
        return ""
    return format_datetime(value, format="medium", tzinfo=context["zone"],
                           locale=context["locale"])


@pass_context
def _local(context: Context, value: datetime) -> datetime:
    """An instant on the company's clocks, for its year or month."""
    return value.astimezone(context["zone"])


@pass_context
def _month(context: Context, value: int | str) -> str:
    """A month by its number: 3月 in Chinese, Mar in English."""
    return str(get_month_names("abbreviated", locale=context["locale"])[int(value)])


@pass_context
def _as_written(context: Context, value: object, language: str | None = None) -> Markup:
    """Text people typed or OCR read (a title, a page's text or a hit's snippets, a
    reason, an occupant), marked with its language where it is not the page's, so that a
    screen reader says it with the right voice (WCAG 3.1.2, language of parts). On an
    English page, text that holds Chinese: ``zh-Hans`` or ``zh-Hant`` from the document's
    ``language`` (chi_sim, chi_tra; the first of several) when known, else ``zh``. On a
    Chinese page, a document in English (``eng`` first) where its text holds no Chinese:
    ``en``; nothing else, Chinese being the page's own language, and Latin text in a
    Chinese document (a unit number, a name) is read well enough as it is."""
    text = Markup.escape(value)
    models = (language or "").split("+")
    if context["language"] == "zh":
        lang = "en" if models[0] == ENGLISH and not HAN.search(text) else None
    elif HAN.search(text):
        lang = next((WRITTEN_LANG[model] for model in models if model in WRITTEN_LANG), "zh")
    else:
        lang = None
    return text if lang is None else Markup('<span lang="{}">{}</span>').format(lang, text)


def _department(code: str | None) -> str:
    """A department by its name (for ``_()`` to translate), else as its code was typed."""
    return DEPARTMENT_NAMES.get(code, code) if code else ""


def _role(code: str) -> str:
    """A role by its name (for ``_()`` to translate), else by its code."""
    return ROLE_NAMES.get(code, code)


PERSON_AND_DEPARTMENT_FORM = "%(username)s，%(department)s"
"""What stands in a named person's brackets with their department: ``王芳（wang，客服部）``."""

SERVICE_ACTOR = "档案系统"
"""Who the pages name where one of the archive's services acted on its own (the
registry's ``service:registry``): staff read no internal name."""


@pass_context
def _person(context: Context, username: str | None, department: str = "") -> str:
    """Someone by their full name and username, ``王芳（wang）`` (``王芳 (wang)`` on the
    English pages), where the page was given their name (``people``), else by their
    username; with their ``department`` (its name, translated) in the same brackets,
    ``王芳（wang，客服部）`` or ``wang（客服部）``, not a second pair."""
    names: dict[str, str] = context.get("people") or {}
    form = str(context.resolve("person_form"))
    if not (username and department):
        return person(username, names, form=form)
    name = names.get(username)
    detail = (str(context.resolve("person_and_department_form"))
              % {"username": username, "department": department}) if name else department
    return form % {"name": name or username, "detail": detail}


@pass_context
def _actor(context: Context, username: str) -> str:
    """Who did it: a person as ``person`` names them, the archive's services by one name
    (for ``_()`` to translate)."""
    return SERVICE_ACTOR if username.startswith(SERVICE_PREFIX) else _person(context, username)


def _environment(translations: NullTranslations) -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                              trim_blocks=True, lstrip_blocks=True)
    environment.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    environment.filters["day"] = _day
    environment.filters["days_written"] = _days_written
    environment.filters["moment"] = _moment
    environment.filters["month"] = _month
    environment.filters["local"] = _local
    environment.filters["department"] = _department
    environment.filters["as_written"] = _as_written
    environment.filters["role"] = _role
    environment.filters["actor"] = _actor
    environment.filters["person"] = _person
    environment.filters["first_sentence"] = first_sentence
    environment.tests["said_as_a_building"] = says_it_is_a_building
    environment.globals["limits"] = LIMITS
    environment.globals["refusal_words"] = refusal_words
    environment.globals["person_form"] = translations.gettext(PERSON_FORM)
    environment.globals["person_and_department_form"] = translations.gettext(
        PERSON_AND_DEPARTMENT_FORM)
    environment.globals["document_url"] = document_url
    environment.globals["household_url"] = household_url
    environment.globals["hold_url"] = hold_url
    environment.globals["static_url"] = static_url
    return environment


class Pages:
    """Renders a template for the request's language into an HTML response; times are
    shown in ``zone``, the company's."""

    def __init__(self, zone: tzinfo = COMPANY_ZONE) -> None:
        self.zone = zone
        self.translations: dict[Language, NullTranslations] = catalogues()
        self.environments = {language: _environment(translations)
                             for language, translations in self.translations.items()}

    def department_names(self, request: Request[Any, Any, Any]) -> dict[str, str]:
        """The usual departments (code: name) by the names the request's pages show."""
        translations = self.translations[language_of(request)]
        return {code: translations.gettext(name) for code, name in DEPARTMENT_NAMES.items()}

    def html(self, language: Language, template: str, values: dict[str, Any]) -> str:
        page = self.environments[language].get_template(template)
        return page.render(values | {"locale": BABEL_LOCALE[language],
                                     "html_lang": HTML_LANG[language],
                                     "language": language, "zone": self.zone})

    def render(self, request: Request[Any, Any, Any], template: str, *,
               status_code: int = 200, **values: Any) -> Response[str]:
        html = self.html(language_of(request), template, values)
        # Litestar adds "; charset=utf-8" to every text/ type.
        return Response(html, status_code=status_code, media_type="text/html")
