"""The command line speaks the operator's language: chosen from the locale, help and messages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from app.catalogs import LANGUAGES, ROOT, load
from app.cli.i18n import cli_language, help_texts
from app.cli.main import app


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANGUAGE": "ca:es", "LANG": "fr_FR.UTF-8"}, "ca"),  # LANGUAGE lists preferences
        ({"LANGUAGE": "de:pt_BR", "LANG": "fr_FR.UTF-8"}, "pt"),
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "es_ES.UTF-8"}, "fr"),
        ({"LC_ALL": "C.UTF-8", "LANG": "es_ES.UTF-8"}, "en"),  # LC_ALL wins, and C is no language
        ({"LANG": "C.UTF-8", "AIVE_DEFAULT_LANGUAGE": "pt"}, "pt"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_operator_language_comes_from_the_locale(environ: dict[str, str], expected: str) -> None:
    assert cli_language(environ) == expected


def _translated_ids(language: str) -> set[str]:
    translated: set[str] = set()
    for po in sorted((ROOT / "app" / "locales" / language / "LC_MESSAGES").glob("cli_*.po")):
        for message in load(po):
            if message.id and message.string and not message.fuzzy:
                translated.add(str(message.id[0] if isinstance(message.id, tuple) else message.id))
    return translated


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_help_text_of_the_command_line_is_translated(language: str) -> None:
    texts = help_texts(typer.main.get_command(app))
    assert len(texts) > 100  # the whole tree was walked
    missing = sorted(texts - _translated_ids(language))
    assert not missing, f"{len(missing)} help texts lack a {language} translation: {missing[:5]}"


def _aive(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    aive = Path(sys.executable).with_name("aive")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIVE_")}
    env.update(environ)
    return subprocess.run(
        [str(aive), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_operator_reads_aive_help_in_catalan() -> None:
    done = _aive("--help", LANGUAGE="ca")
    assert done.returncode == 0
    assert "butlletins, consultes, cafès i campanyes" in done.stdout
    assert "Instal·la l'autocompleció" in done.stdout


def test_operator_reads_a_configuration_error_in_spanish() -> None:
    done = _aive("config", "check", LANG="es_ES.UTF-8", LANGUAGE="", AIVE_WEB_PORT="eighty")
    assert done.returncode == 2
    assert done.stderr.startswith("error de configuración: AIVE_WEB_PORT")


FIELD = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_fields_of_their_message(language: str) -> None:
    broken = []
    for po in sorted((ROOT / "app" / "locales" / language / "LC_MESSAGES").glob("cli_*.po")):
        for message in load(po):
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(FIELD.findall(" ".join(ids)))
            for string in strings:
                if set(FIELD.findall(string)) - wanted or (
                    not isinstance(message.id, tuple) and set(FIELD.findall(string)) != wanted
                ):
                    broken.append(f"{po.name}: {ids[0]!r} -> {string!r}")
    assert not broken, broken


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_a_message_reads_the_same_in_every_command(language: str) -> None:
    # every CLI catalog of a language is searched for a message: one translation each
    seen: dict[str, set[str]] = {}
    for po in sorted((ROOT / "app" / "locales" / language / "LC_MESSAGES").glob("cli_*.po")):
        for message in load(po):
            if message.id and message.string:
                key = str(message.id)
                seen.setdefault(key, set()).add(str(message.string))
    differing = {key: sorted(strings) for key, strings in seen.items() if len(strings) > 1}
    assert not differing, differing
