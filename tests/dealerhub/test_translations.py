"""The Chinese catalogue covers every string the code marks for translation."""

import gettext as gettext_module
import io
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "dealerhub" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["dealerhub", "inventory", "exports", "api", "templates"]
IGNORED = shutil.ignore_patterns("__pycache__", "migrations", "locale")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def catalogue():
    return polib.pofile(str(CATALOGUE))


def test_every_entry_has_a_chinese_translation():
    po = catalogue()
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_translations_keep_their_placeholders():
    for entry in catalogue().translated_entries():
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        for text in texts:
            assert sorted(PLACEHOLDER.findall(text)) == wanted, entry.msgid


def test_every_marked_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    if not shutil.which("xgettext"):
        if IN_CI:
            pytest.fail("xgettext is missing; .ci/run --system-packages installs gettext")
        pytest.skip("needs GNU gettext's xgettext")
    # makemessages writes next to the sources it finds; a copy keeps the real catalogue out of it.
    for folder in SOURCES:
        shutil.copytree(ROOT / folder, tmp_path / "src" / folder, ignore=IGNORED)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path / "src")
    call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    fresh = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    known = {(e.msgctxt, e.msgid) for e in catalogue()}
    missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
    assert missing == [], "run `manage.py makemessages -l zh_Hans` and translate these"


def test_the_compiled_catalogue_is_the_one_in_use():
    entry = catalogue().find("Receive a vehicle")
    with translation.override("zh-hans"):
        assert translation.gettext("Receive a vehicle") == entry.msgstr != entry.msgid


def test_compile_catalogues_writes_a_catalogue_django_reads(tmp_path, settings):
    folder = tmp_path / "zh_Hans" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(CATALOGUE, folder / "django.po")
    settings.LOCALE_PATHS = [tmp_path]
    out = io.StringIO()
    call_command("compile_catalogues", stdout=out)
    assert "zh_Hans:" in out.getvalue()
    compiled = gettext_module.GNUTranslations((folder / "django.mo").open("rb"))
    assert compiled.gettext("Receive a vehicle") == catalogue().find("Receive a vehicle").msgstr


def test_compile_catalogues_says_when_there_is_nothing_to_compile(tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError, match=r"No \.po catalogues"):
        call_command("compile_catalogues")
