"""The English catalogue: every message has a translation that keeps its placeholders, the
committed django.mo is compiled from the current django.po, and the language cookie switches
pages to English."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-z]|%%|%[sd]|\{\w+\}")


def entries():
    """(flags, fields) per message of django.po; fields hold msgid, msgid_plural, msgstr,
    msgstr[0] … with the escapes resolved."""
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    found = []
    for block in re.split(r"\n\s*\n", text.strip()):
        flags, fields, key = set(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            else:
                key, _sep, rest = line.partition(" ")
                fields[key] = ast.literal_eval(rest)
        if fields.get("msgid"):
            found.append((flags, fields))
    return found


def translations(fields) -> list[str]:
    return [v for k, v in fields.items() if k.startswith("msgstr")]


def test_the_catalogue_is_read_whole():
    messages = entries()
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    assert len(messages) == len(re.findall(r"^msgid ", text, re.M)) - 1  # less the header
    assert len(messages) > 1000


def test_every_message_has_an_english_translation():
    untranslated = [
        fields["msgid"]
        for flags, fields in entries()
        if "fuzzy" in flags or not all(t.strip() for t in translations(fields))
    ]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"


def test_translations_keep_the_placeholders():
    broken = []
    for _flags, fields in entries():
        source = fields.get("msgid_plural", fields["msgid"])
        wanted = sorted(PLACEHOLDER.findall(source))
        if not wanted:
            continue
        for text in filter(None, translations(fields)):
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                broken.append((fields["msgid"], text))
    assert broken == []


def test_the_committed_mo_is_compiled_from_the_po():
    with open(CATALOGUE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for _flags, fields in entries():
        if "msgid_plural" in fields:
            got = [compiled.ngettext(fields["msgid"], fields["msgid_plural"], n) for n in (1, 2)]
            if got != [fields["msgstr[0]"], fields["msgstr[1]"]]:
                stale.append(fields["msgid"])
        elif "msgctxt" in fields:
            if compiled.pgettext(fields["msgctxt"], fields["msgid"]) != fields["msgstr"]:
                stale.append(fields["msgid"])
        elif compiled.gettext(fields["msgid"]) != fields["msgstr"]:
            stale.append(fields["msgid"])
    assert stale == [], f"run manage.py compilemessages; stale: {stale[:5]}"


def english(text: str) -> str:
    with translation.override("en"):
        return translation.gettext(text)


@pytest.mark.django_db
def test_the_language_cookie_serves_the_ballot_page_in_english():
    chinese = Client().get("/s/").content.decode()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/s/").content.decode()
    assert "满意度评价" in chinese
    assert english("满意度评价") != "满意度评价"
    assert english("满意度评价") in body and "满意度评价" not in body
    assert english("开始评价") in body


def test_staff_pages_follow_the_cookie_and_the_outsider_still_gets_nothing(cast, client_for):
    evaluator = client_for(cast.evaluator)
    evaluator.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = evaluator.get("/evaluation/cycles/")
    assert page.status_code == 200
    body = page.content.decode()
    assert english("考核周期") in body and english("新建周期") in body
    assert "新建周期" not in body

    outsider = client_for(cast.outsider)
    outsider.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = outsider.get("/evaluation/cycles/")
    assert refused.status_code == 404
    assert english("新建周期") not in refused.content.decode()
