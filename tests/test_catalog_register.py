"""One register per language: formal for representatives, staff and everyone the bot does not
know yet; informal for young people, in their own domain.

The rule the check follows: the messages young people read about their ideas live in the `youth`
domain of the bot (bot/locales/<lang>/LC_MESSAGES/youth.po), and only there does the bot say
"tú", "tu", "tu", "tu"; every other catalog of the bot (representatives, staff, and everyone
before the bot knows who they are) addresses its reader formally: Spanish usted, French vous,
Portuguese the third person (o senhor / a senhora / você, never "tu"), Catalan vosaltres (never
"tu", nor "vostè" beside it). Markers are words that only the other register uses; a message
holding one is a mix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot",)  # the conversation; the public web pages and the kit are not checked yet
YOUTH_DOMAINS = {("bot", "youth")}

# words (and clitics) that only the informal register uses
INFORMAL = {
    "es": r"\b(?:tú|tu|tus|te|ti|contigo|eres|puedes|tienes|quieres|estás|has|sigues|envías|"
    r"representas|dime|pídele|escríbeme|enviarte|vosotros|vuestro|vuestra|podéis)\b",
    "fr": r"\b(?:tu|toi|ton|ta|tes|te)\b|\bt'",
    "pt": r"\b(?:tu|te|ti|contigo|teu|tua|teus|tuas|podes|tens|queres|estás|és|escolhe-|diz-me)\b",
    "ca": r"\b(?:tu|ets|teu|teva|teus|teves|pots|tens|vols|estàs|saps|digues|representes|"
    r"segueixes|vostè|vostès)\b|-te\b|\bt'|'t\b",
}
# words that only the formal register uses (never in the young people's domain)
FORMAL = {
    "es": r"\b(?:usted|ustedes|pulse|envíe|escriba|elija|indique|dígame)\b",
    "fr": r"\b(?:vous|votre|vos)\b",
    "pt": r"\b(?:você|vocês|o senhor|a senhora|carregue|escreva|escolha|diga-me)\b",
    "ca": r"\b(?:vosaltres|vostè|vostre|vostra|vostres|podeu|teniu|voleu|premeu|escriviu|trieu|"
    r"envieu|digueu|us)\b|-vos\b",
}
# placeholders, markup and commands say nothing about the register
NOISE = re.compile(
    r"%\(\w+\)s|\{\w*\}|<[^>]+>|/\w+|\b[a-z]{2}\b(?=[,:)}])|`[^`]*`|si us plau", re.IGNORECASE
)


def _catalogs(lang: str) -> list[tuple[str, str, Path]]:
    return [
        (package, po.stem, po)
        for package in PACKAGES
        for po in sorted((ROOT / package / "locales" / lang / "LC_MESSAGES").glob("*.po"))
    ]


def mixed(lang: str) -> list[str]:
    """`file: marker :: message` for each message in the wrong register."""
    problems = []
    for package, domain, po in _catalogs(lang):
        pattern = FORMAL[lang] if (package, domain) in YOUTH_DOMAINS else INFORMAL[lang]
        marker = re.compile(pattern, re.IGNORECASE)
        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                found = marker.search(NOISE.sub(" ", text or ""))
                if found:
                    where = po.relative_to(ROOT)
                    problems.append(f"{where}: {found.group(0)!r} :: {text[:90]!r}")
    return problems


@pytest.mark.parametrize("lang", ["es", "fr", "pt", "ca"])
def test_each_catalog_keeps_one_register(lang: str) -> None:
    problems = mixed(lang)
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_mix() -> None:
    informal = re.compile(INFORMAL["es"], re.IGNORECASE)
    assert informal.search("Ahora eres el representante de tu ciudad")
    assert not informal.search("Puede parar en cualquier momento. Elija una opción y pulse")
    catalan = re.compile(INFORMAL["ca"], re.IGNORECASE)
    assert catalan.search("Ara ets el representant de la teva ciutat")
    assert not catalan.search("Podeu parar en qualsevol moment")
