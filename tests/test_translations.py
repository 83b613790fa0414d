"""The Danish catalogue is complete and the compiled .mo matches it, so the UI never falls back to English."""

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "samspil" / "locale" / "da" / "LC_MESSAGES"
ENTRY = re.compile(
    r'^msgid "(.*?)"\n((?:".*"\n)*)'  # the msgid and its continuation lines
    r'(?:msgid_plural .*\n(?:".*"\n)*)?'  # an optional plural msgid
    r'((?:msgstr(?:\[\d\])? .*\n(?:".*"\n)*)+)',  # one msgstr, or one per plural form
    re.MULTILINE,
)


def _entries():
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    active = "\n".join(line for line in text.splitlines() if not line.startswith("#~")) + "\n"
    for match in ENTRY.finditer(active):
        msgid = match.group(1) + "".join(re.findall(r'"(.*)"', match.group(2)))
        msgstrs = re.findall(r'msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', match.group(3))
        values = [first + "".join(re.findall(r'"(.*)"', rest)) for first, rest in msgstrs]
        yield msgid, values


def test_every_string_is_translated_and_none_is_fuzzy():
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    untranslated = [msgid for msgid, values in _entries() if msgid and not all(values)]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source():
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    missing = [msgid for msgid, values in _entries() if msgid and compiled.gettext(msgid) == msgid != values[0]]
    assert missing == [], "run `make messages` (compilemessages) and commit django.mo"


def test_the_ui_is_danish_by_default(client):
    response = client.get("/konto/log-ind/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "da"
    assert "Log ind" in response.content.decode()
