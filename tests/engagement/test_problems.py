"""Problems of the files staff write: the English line for the command line, the same line in
the staff member's language for the bot (catalog domain `definitions`)."""

from __future__ import annotations

import string
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LANGUAGES
from bot.staff_files import definitions, problem_lines
from engagement.cafes.definition import CafeDefinitionError
from engagement.cafes.schema import load_cafe
from engagement.consultations.definition_check import load_definition
from engagement.polls.schema import load_poll
from engagement.problems import N_, Problem, ProblemsError, yaml_problem

LOCALES = Path(__file__).resolve().parents[3] / "bot" / "locales"


def gettext(lang: str) -> Callable[[str], str]:
    return definitions.translations(lang).gettext


def test_str_is_the_english_line_of_the_command_line() -> None:
    assert str(Problem("speakers[0].name", N_("missing"))) == "speakers[0].name: missing"
    between = Problem("capacity", N_("must be between {low} and {high}"), {"low": 1, "high": 30})
    assert str(between) == "capacity: must be between 1 and 30"
    unknown = Problem("networks[2]", N_("unknown network {slug}"), {"slug": repr("ghost")})
    assert str(unknown) == "networks[2]: unknown network 'ghost'"
    assert str(Problem("", N_("missing"))) == "missing"  # no path: the reason alone


def test_the_reason_is_translated_and_the_path_and_values_are_not() -> None:
    assert Problem("speakers[0].name", N_("missing")).translated(gettext("es")) == (
        "speakers[0].name: falta"
    )
    between = Problem("capacity", N_("must be between {low} and {high}"), {"low": 1, "high": 30})
    assert between.translated(gettext("fr")) == "capacity: doit être compris entre 1 et 30"
    unknown = Problem("networks[2]", N_("unknown network {slug}"), {"slug": repr("ghost")})
    assert unknown.translated(gettext("ca")) == "networks[2]: xarxa desconeguda 'ghost'"
    assert unknown.translated(gettext("en")) == str(unknown)


def test_a_yaml_error_says_where_and_keeps_the_parser_s_words() -> None:
    try:
        yaml.safe_load("slug: x\nquestion: [unclosed\n")
    except yaml.YAMLError as exc:
        problem = yaml_problem(exc)
    assert str(problem).startswith("yaml: line 3, column 1: ")
    assert problem.translated(gettext("pt")) == str(problem)  # PyYAML's English, as it is
    assert str(problem) == problem.translated(gettext("fr"))


def test_plain_lines_are_shown_as_they_are() -> None:
    line = Problem.plain("something {odd}: happened")
    assert str(line) == "something {odd}: happened"
    assert line.translated(lambda message: pytest.fail("plain text is not translated")) == (
        "something {odd}: happened"
    )
    error = ProblemsError(["a plain line", Problem("slug", N_("missing"))])
    assert error.errors == ["a plain line", "slug: missing"]
    assert [p.translated(gettext("es")) for p in error.problems] == ["a plain line", "slug: falta"]
    assert str(error) == "a plain line\nslug: missing"


def test_literal_braces_in_a_reason_and_braces_in_values() -> None:
    mapping = Problem("title", N_("must be a mapping of language to text, e.g. {{en: …, es: …}}"))
    assert str(mapping) == "title: must be a mapping of language to text, e.g. {en: …, es: …}"
    assert mapping.translated(gettext("es")) == (
        "title: debe asociar cada idioma a un texto, p. ej. {en: …, es: …}"
    )
    speakers = Problem("speakers", N_("must be a list of {{name, gender, country}}"))
    assert speakers.translated(gettext("pt")) == (
        "speakers: deve ser uma lista de {name, gender, country}"
    )
    # a value is data: its braces are never read as fields
    odd = Problem("networks[0]", N_("unknown network {slug}"), {"slug": repr("{low}")})
    assert str(odd) == "networks[0]: unknown network '{low}'"
    assert odd.translated(gettext("fr")) == "networks[0]: réseau inconnu '{low}'"


def test_the_bot_lines_are_translated_and_escaped_for_html() -> None:
    problems = [Problem(f"speakers[{i}].name", N_("missing")) for i in range(40)]
    problems.insert(
        0,
        Problem("language", N_("{value} is not valid (a code such as es)"), {"value": repr("<b>")}),
    )
    lines = problem_lines(problems, "es").splitlines()
    assert lines[0] == "language: &#x27;&lt;b&gt;&#x27; no es válido (un código como es)"
    assert lines[1] == "speakers[0].name: falta"
    assert len(lines) == 30


def test_every_problem_of_a_cafe_file_is_in_the_catalog() -> None:
    bad = "slug: Bad\ntitle: 3\nstarts_at: soon\ncapacity: 0\nspeakers: [{gender: x}]\nzz: 1\n"
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(bad, None, [])
    problems = caught.value.problems
    assert caught.value.errors[0] == "zz: unknown field"
    for lang in ("fr", "es", "pt", "ca"):
        translated = [p.translated(gettext(lang)) for p in problems]
        assert all(t != str(p) for t, p in zip(translated, problems, strict=True)), translated


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_translations_keep_the_fields_and_literal_braces(lang: str) -> None:
    path = LOCALES / lang / "LC_MESSAGES" / "definitions.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)

    def fields(text: str) -> list[str]:
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)

    messages = [m for m in catalog if m.id]
    assert len(messages) > 50
    for message in messages:
        assert isinstance(message.id, str) and isinstance(message.string, str)
        assert fields(message.string) == fields(message.id), message.id
        assert message.string.count("{{") == message.id.count("{{"), message.id


def alias_bomb(levels: int, key: str) -> str:
    """About 500 bytes that expand to 9**levels strings when aliases are followed."""
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    for n in range(1, levels + 1):
        previous = f"*a{n - 1}"
        lines.append(f"a{n}: &a{n} [{', '.join([previous] * 9)}]")
    return "\n".join(lines) + f"\n{key}: *a{levels}\n"


def load_poll_text(source: str) -> object:
    return load_poll(source)


def load_cafe_text(source: str) -> object:
    return load_cafe(source, None, [])


LOADERS: dict[str, tuple[Callable[[str], object], str]] = {
    "consultation": (load_definition, "audience"),
    "poll": (load_poll_text, "audience"),
    "café": (load_cafe_text, "timezone"),
}


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_an_alias_bomb_is_refused_at_once_with_where_and_why(kind: str) -> None:
    load, key = LOADERS[kind]
    started = time.perf_counter()
    with pytest.raises(ProblemsError) as caught:
        load(alias_bomb(9, key))
    assert time.perf_counter() - started < 1.0
    [problem] = caught.value.problems
    assert str(problem) == (
        "yaml: line 2, column 10: aliases (*a0) are not allowed: write the value out"
    )
    assert problem.translated(gettext("fr")) == (
        "yaml: line 2, column 10: les alias (*a0) ne sont pas acceptés : écrivez la valeur"
    )


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_deep_nesting_is_refused_without_a_recursion_error(kind: str) -> None:
    load, key = LOADERS[kind]
    started = time.perf_counter()
    with pytest.raises(ProblemsError) as caught:
        load(f"{key}: " + "[" * 100_000 + "]" * 100_000 + "\n")  # a file the bot takes
    assert time.perf_counter() - started < 3.0
    [problem] = caught.value.problems
    assert str(problem) == f"yaml: line 1, column {len(key) + 52}: nested deeper than 50 levels"
    assert problem.translated(gettext("es")).endswith("anidado a más de 50 niveles")


@pytest.mark.parametrize("value", ["[Europe/Madrid]", "{zone: Europe/Madrid}", "12"])
def test_a_cafe_timezone_that_is_not_a_name_is_a_problem_not_a_crash(value: str) -> None:
    source = f"slug: c\ntitle: {{en: T}}\nstarts_at: 2026-11-18T17:00\ntimezone: {value}\n"
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(source, None, [])
    assert "timezone: must be a timezone name such as Europe/Madrid" in caught.value.errors
