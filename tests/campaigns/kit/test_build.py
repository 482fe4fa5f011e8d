"""A built kit passes its checks: every file for every language, posts within limits, cards at
the right size, a calendar and CSV that parse, an escaped index, a sendable email, a zip."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from campaigns.kit import KIT_LANGUAGES, KitManifest, build_kit, check_kit
from campaigns.kit.builder import CSV_HEADER, LANGUAGE_FILES
from newsletter.delivery.placeholders import Part, Slot, token
from tests.campaigns.kit.sample import DAY_URL, HOSTILE, sample_kit


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> KitManifest:
    root = tmp_path_factory.mktemp("kit")
    return build_kit(sample_kit(), root / "kit", zip_path=root / "kit.zip")


def test_the_built_kit_passes_every_check(kit: KitManifest) -> None:
    assert check_kit(kit.out_dir) == []


def test_every_file_is_there_for_every_language(kit: KitManifest) -> None:
    paths = {f.path for f in kit.files}
    for language in KIT_LANGUAGES:
        for name in LANGUAGE_FILES.values():
            assert f"{language}/{name}" in paths
            assert (kit.out_dir / language / name).stat().st_size > 0
    assert "index.html" in paths
    assert all((kit.out_dir / f.path).stat().st_size == f.size for f in kit.files)


def test_the_zip_holds_the_same_files(kit: KitManifest) -> None:
    assert kit.zip_path is not None
    with zipfile.ZipFile(kit.zip_path) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == sorted(f.path for f in kit.files)
        assert (
            archive.read("fr/press-release.md")
            == (kit.out_dir / "fr/press-release.md").read_bytes()
        )


def test_checks_catch_a_missing_file_a_long_post_and_a_wrong_card(tmp_path: Path) -> None:
    manifest = build_kit(sample_kit(languages=("es",)), tmp_path)
    (tmp_path / "es/declaration.md").unlink()
    (tmp_path / "es/posts/x.txt").write_text("palabra " * 40, "utf-8")
    (tmp_path / "es/card-1200x630.png").write_bytes(
        (tmp_path / "es/card-1080x1080.png").read_bytes()
    )
    (tmp_path / "es/calendar.ics").write_text("BEGIN:VCALENDAR\nnonsense", "utf-8")
    problems = check_kit(manifest.out_dir, ["es"])
    assert any(p.startswith("es/declaration.md is missing") for p in problems)
    assert any(p.startswith("es/posts/x.txt: 320 > 280") for p in problems)
    assert any("es/card-1200x630.png: size (1080, 1080)" in p for p in problems)
    assert any(p.startswith("es/calendar.ics") for p in problems)
    assert len(problems) == 4


def test_calendar_has_the_day_and_the_dated_activities(kit: KitManifest) -> None:
    calendar = Calendar.from_ical((kit.out_dir / "es/calendar.ics").read_bytes())
    events = {str(e.get("summary")): e for e in calendar.walk("VEVENT")}
    day = events["Día Internacional de la Ciudad Educadora"]
    assert day.decoded("dtstart") == date(2026, 11, 30)
    assert day.decoded("dtend") == date(2026, 12, 1)
    assert events[f"{HOSTILE} (Barcelona)"].decoded("dtstart") == date(2026, 11, 30)
    assert str(events[f"{HOSTILE} (Barcelona)"].get("location")) == "Plaça de Catalunya"
    lyon = "Journée internationale de la Ville éducatrice à Lyon (Lyon)"
    assert events[lyon].decoded("dtstart") == date(2026, 11, 29)
    # the activity without a readable date is in the CSV, not in the calendar
    assert not any(s.startswith("Passeio educador") for s in events)
    assert len({str(e.get("uid")) for e in events.values()}) == len(events)


def test_csv_lists_declared_and_found_activities_safely(kit: KitManifest) -> None:
    rows = list(csv.reader(io.StringIO((kit.out_dir / "pt/activities.csv").read_text("utf-8"))))
    assert tuple(rows[0]) == CSV_HEADER
    by_city = {row[0]: dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]}
    assert by_city["Barcelona"]["title"] == HOSTILE
    assert by_city["Barcelona"]["networks"] == "spain"
    assert by_city["Lisboa"]["date"] == "em breve"
    assert by_city["Lyon"]["source"] == "feed"
    # a cell a spreadsheet would run as a formula is defused, and every cell is quoted
    assert by_city["Rosario"]["title"].startswith("'=")
    raw = (kit.out_dir / "pt/activities.csv").read_text("utf-8")
    assert raw.startswith('"city","country","title"')


def test_index_links_every_file_and_escapes_what_cities_wrote(kit: KitManifest) -> None:
    index = (kit.out_dir / "index.html").read_text("utf-8")
    for f in kit.files:
        if f.path != "index.html":
            assert f'href="{f.path}"' in index
    assert "<script>" not in index
    assert "Journée internationale de la Ville éducatrice à Lyon" in index
    assert 'lang="ca"' in index and "Català" in index


def test_press_release_shows_a_hostile_title_as_text(kit: KitManifest) -> None:
    page = (kit.out_dir / "en/press-release.html").read_text("utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert" in page
    assert '<a href="https://bcn.example.org/day">' in page
    assert "Educating cities celebrate their International Day on November 30, 2026" in page
    markdown = (kit.out_dir / "ca/press-release.md").read_text("utf-8")
    assert "Nota de premsa" in markdown and "Idees de la gent jove" in markdown
    assert "Una persona jove" in markdown  # the anonymous idea, signed in the kit's language


def test_email_is_sendable_through_the_delivery_queue(kit: KitManifest) -> None:
    for language in KIT_LANGUAGES:
        email = (kit.out_dir / language / "email.html").read_text("utf-8")
        assert len(email.encode()) < 102 * 1024
        for slot in (Slot.NAME, Slot.UNSUBSCRIBE_URL, Slot.PREFERENCES_URL):
            assert token(slot, Part.HTML) in email
        assert token(Slot.NAME, Part.TEXT) not in email
        assert "<script>" not in email and "&lt;script&gt;" in email
        assert DAY_URL in email
    french = (kit.out_dir / "fr/email.html").read_text("utf-8")
    assert "Se désabonner" in french and "Journée internationale de la Ville éducatrice" in french


def test_declaration_falls_back_to_english_and_says_when_there_is_none(tmp_path: Path) -> None:
    build_kit(sample_kit(languages=("pt",)), tmp_path / "a")
    assert "Cities commit to education for all." in (tmp_path / "a/pt/declaration.md").read_text()
    build_kit(sample_kit(languages=("pt",), declaration={}), tmp_path / "b")
    assert "ainda não foi publicada" in (tmp_path / "b/pt/declaration.md").read_text()


def test_an_empty_year_still_gives_a_complete_kit(tmp_path: Path) -> None:
    kit = sample_kit(theme={}, declaration={}, activities=(), youth=(), day_items=(), url="")
    manifest = build_kit(kit, tmp_path)
    assert check_kit(manifest.out_dir) == []
    csv_text = (tmp_path / "en/activities.csv").read_text("utf-8")
    assert csv_text.strip() == ",".join(f'"{name}"' for name in CSV_HEADER)
    assert "No activity has been announced yet." in (tmp_path / "en/press-release.md").read_text()
