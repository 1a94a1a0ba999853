"""The pages' languages: Chinese first, English from the message catalogue
``locale/en/LC_MESSAGES/messages.po``; a request's is the language cookie
(``cookies.LANGUAGE``, set by the switch on every page), else the browser's first
preference. The API reference's landing (``services.common.api_reference``) speaks as the
pages do, from the same catalogue (the app factory hands it ``reference_languages``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from babel.support import NullTranslations, Translations
from litestar import Request

from services.common.api_reference import ReferenceLanguages
from services.web.cookies import LANGUAGE

LOCALES = Path(__file__).parent / "locale"

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def language_of(request: Request[Any, Any, Any]) -> Language:
    chosen = LANGUAGE.read(request)
    for language in LANGUAGES:
        if chosen == language:
            return language
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


def catalogues() -> dict[Language, NullTranslations]:
    """Each language's catalogue (Chinese: the templates' own words)."""
    english = Translations.load(str(LOCALES), ["en"], domain="messages")
    if not isinstance(english, Translations):
        raise RuntimeError(f"the English catalogue is missing under {LOCALES}")
    return {"zh": NullTranslations(), "en": english}


def reference_languages() -> ReferenceLanguages:
    """The API reference's landing in the pages' languages."""
    said = catalogues()
    return ReferenceLanguages(
        language_of=language_of, html_lang=HTML_LANG,
        gettext={language: catalogue.gettext for language, catalogue in said.items()})
