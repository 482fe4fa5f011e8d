"""Rendering an edition: what a subscriber sees in their mailbox, in their language."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from jinja2.ext import babel_extract

from app import catalogs
from i18n.languages import LANGUAGES
from newsletter.delivery.placeholders import Part, Slot, misplaced_tokens, token
from newsletter.editions import render
from newsletter.editions.render import RenderError, render_edition, web_version
from tests.newsletter.sample_edition import sample_context, sample_edition, sample_items

GMAIL_CLIP_BYTES = 102 * 1024
LABELS = {
    "en": ("Read more", "Unsubscribe", "News from the cities", "March 10, 2026"),
    "fr": ("Lire la suite", "Se désabonner", "Nouvelles des villes", "10 mars 2026"),
    "es": ("Leer más", "Darse de baja", "Noticias de las ciudades", "10 de marzo de 2026"),
    "pt": ("Ler mais", "Cancelar subscrição", "Notícias das cidades", "10 de março de 2026"),
    "ca": ("Llegir-ne més", "Donar-se de baixa", "Notícies de les ciutats", "10 de març del 2026"),
}


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogs() -> None:
    catalogs.compile_all()


@pytest.mark.parametrize("language", sorted(LABELS))
def test_each_language_gets_its_own_labels_and_dates(language: str) -> None:
    rendered = render_edition(sample_edition(language), sample_context())
    for label in LABELS[language]:
        assert label in rendered.html
        assert label in rendered.text
    assert f'<html lang="{language}"' in rendered.html
    for other, labels in LABELS.items():
        if other != language and labels[0] not in LABELS[language][0]:
            assert labels[0] not in rendered.html, f"{other} label leaked into {language}"


def test_items_in_another_language_carry_a_badge_in_the_readers_language() -> None:
    rendered = render_edition(sample_edition("fr"), sample_context())
    assert re.search(r'<span class="b"[^>]*>En espagnol</span>', rendered.html)
    assert "[En catalan]" in rendered.text
    english = render_edition(sample_edition("en"), sample_context())
    assert re.search(r'<span class="b"[^>]*>In Spanish</span>', english.html)


def test_newsletter_catalogs_are_complete_and_cover_every_template_string() -> None:
    ours = [p for p in catalogs.missing_translations() if p.startswith("newsletter/")]
    assert ours == []
    used: set[str] = set()
    for template in render.TEMPLATE_DIR.glob("*.j2"):
        for _, message, _, _ in extract_from_file(
            babel_extract, str(template), options={"extensions": "jinja2.ext.i18n"}
        ):
            used.add(message if isinstance(message, str) else message[0])
    assert len(used) > 15
    for language in LANGUAGES:
        po = render.LOCALE_DIR / language / "LC_MESSAGES" / "newsletter.po"
        known = {m.id for m in catalogs.load(po) if m.id}
        assert used <= known, f"{language} lacks {sorted(used - known)}"


def test_a_typical_edition_stays_under_gmails_clipping_size() -> None:
    edition = sample_edition("es")
    rendered = render_edition(edition, sample_context())
    assert edition.spread.total == 20
    assert rendered.html.count("<img") >= 15
    assert len(rendered.html.encode("utf-8")) < GMAIL_CLIP_BYTES


def test_html_in_a_title_is_shown_as_text_never_run() -> None:
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    items = sample_items(3)
    items[0] = replace(items[0], title=f"Fête {evil}", summary_text=evil, url="javascript:alert(3)")
    items[1] = replace(items[1], image_alt='" onload="alert(4)')
    rendered = render_edition(sample_edition("fr", items, target=3), sample_context())
    assert "<script>" not in rendered.html
    assert "onerror=alert(2)>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "javascript:" not in rendered.html
    assert 'onload="alert(4)"' not in rendered.html
    assert "javascript:" not in rendered.text


def test_every_image_has_alt_text_falling_back_to_the_title() -> None:
    rendered = render_edition(sample_edition("en"), sample_context())
    images = re.findall(r"<img\b[^>]*>", rendered.html)
    assert images
    for image in images:
        alt = re.search(r'alt="([^"]*)"', image)
        assert alt and alt.group(1).strip(), image
    assert 'alt="Children crossing a street in Barcelona"' in rendered.html
    assert 'alt="Lisboa: school streets' in rendered.html  # its feed gave no alt


def test_recipient_parts_are_placeholders_present_once_each() -> None:
    rendered = render_edition(sample_edition("pt"), sample_context())
    for document, part in ((rendered.html, Part.HTML), (rendered.text, Part.TEXT)):
        for slot in Slot:
            assert document.count(token(slot, part)) == 1, (slot, part)
        other = Part.TEXT if part is Part.HTML else Part.HTML
        assert not any(token(slot, other) in document for slot in Slot)
    assert f'href="{token(Slot.UNSUBSCRIBE_URL, Part.HTML)}"' in rendered.html
    assert f'href="{token(Slot.PREFERENCES_URL, Part.HTML)}"' in rendered.html
    assert f"Olá {token(Slot.NAME, Part.HTML)}" in rendered.html


def test_text_version_has_the_links_a_reader_needs() -> None:
    edition = sample_edition("en")
    rendered = render_edition(edition, sample_context())
    assert "View in your browser: https://comms.example.org/archive/monthly/42" in rendered.text
    for item_id in edition.item_ids():
        item = next(i for i in sample_items() if i.id == item_id)
        assert item.url in rendered.text
    assert "https://t.me/aive_bot?start=consult-1" in rendered.text
    assert f"Unsubscribe: {token(Slot.UNSUBSCRIBE_URL, Part.TEXT)}" in rendered.text
    assert "<" not in rendered.text.replace("<script>", "")


def test_view_in_browser_and_preheader_and_subject() -> None:
    rendered = render_edition(sample_edition("ca"), sample_context(edition_id=7))
    assert rendered.web_url == "https://comms.example.org/archive/monthly/7"
    link = r'href="https://comms\.example\.org/archive/monthly/7"[^>]*>Veure al navegador'
    assert re.search(link, rendered.html)
    assert rendered.preheader.startswith("Dear friends, This month")
    assert rendered.subject == "Educating Cities Monthly · 10 de març del 2026"
    custom = render_edition(sample_edition("ca"), sample_context(preheader="Hola <b>!"))
    assert custom.preheader == "Hola <b>!"


def test_no_text_is_hidden_from_the_reader() -> None:
    """Spam filters count hidden, low-contrast text (MJML's white preheader) against us."""
    rendered = render_edition(sample_edition("pt"), sample_context())
    assert "display:none" not in rendered.html and "opacity:0" not in rendered.html


def test_web_version_has_no_name_and_generic_unsubscribe_pages() -> None:
    rendered = render_edition(sample_edition("fr"), sample_context())
    page = web_version(rendered.html, public_url="https://comms.example.org/")
    assert "[[aive:" not in page
    assert 'href="https://comms.example.org/unsubscribe"' in page
    assert 'href="https://comms.example.org/preferences"' in page
    assert "Bonjour </div>" in page


def test_a_language_without_catalog_reads_in_english() -> None:
    rendered = render_edition(sample_edition("de"), sample_context())
    assert "Read more" in rendered.html and "10. März 2026" in rendered.html


def test_a_missing_compiled_catalog_renders_in_english_and_is_logged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fr" / "LC_MESSAGES" / "newsletter.po").write_text("# not compiled\n")
    monkeypatch.setattr(render, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(render, "_environment", render._environment.__wrapped__)
    rendered = render_edition(sample_edition("fr"), sample_context())
    assert "Read more" in rendered.html
    assert "python -m app.catalogs compile" in caplog.text


def test_broken_mjml_is_reported_as_a_render_error() -> None:
    with pytest.raises(RenderError, match="MJML"):
        render.mjml_to_html("<mjml><mj-body><mj-section>")


def test_text_from_feeds_and_staff_can_never_become_a_recipient_placeholder() -> None:
    forged = "[[aive:name:html]] [[aive:unsubscribe_url:text]] [[aive:nope:html]]"
    items = sample_items(3)
    items[0] = replace(items[0], title=f"Fête {forged}", summary_text=forged)
    edition = sample_edition("fr", items, target=3)
    edition = replace(
        edition,
        sections=tuple(
            replace(
                s,
                text=s.text and f"Édito {forged}",
                consultations=tuple(replace(c, title=forged) for c in s.consultations),
                youth=tuple(replace(y, text=forged, author=forged) for y in s.youth),
            )
            for s in edition.sections
        ),
    )
    rendered = render_edition(edition, sample_context(series_title=f"Série {forged}"))

    for document, part in ((rendered.html, Part.HTML), (rendered.text, Part.TEXT)):
        assert misplaced_tokens(document, part) == []
        for slot in Slot:
            assert document.count(token(slot, part)) == 1, (slot, part)
    assert misplaced_tokens(rendered.subject, Part.TEXT) == []
    assert "[[aive:" not in rendered.subject + rendered.preheader
    assert "Fête [\u200b[aive:name:html]]" in rendered.text  # the reader still sees the text


def test_headings_titles_meta_and_badges_carry_their_styles_inline() -> None:
    """Gmail's mobile webmail ignores `<style>` blocks: what matters must be in `style=`."""
    html = render_edition(sample_edition("pt"), sample_context()).html
    for css_class, declaration in (
        ("h", "text-transform: uppercase"),
        ("t", "font-size: 18px"),
        ("m", "color: #5b6770"),
        ("b", "background: #fde8c8"),
    ):
        tags = re.findall(rf'<[a-z0-9]+ class="{css_class}"[^>]*>', html)
        assert tags and all(declaration in tag for tag in tags), (css_class, tags[:1])
    assert len(html.encode()) < 102 * 1024  # still under Gmail's clip


def test_the_bulletin_has_a_heading_outline_screen_readers_can_follow() -> None:
    """One `<h1>` (the series), then an `<h2>` per section, in reading order."""
    edition = sample_edition("fr")
    html = render_edition(edition, sample_context()).html
    headings = re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", html, re.S)
    assert [level for level, _ in headings] == ["1"] + ["2"] * len(edition.sections)
    assert headings[0][1] == "Educating Cities Monthly"


def test_an_email_read_in_a_browser_has_its_content_and_banner_in_main() -> None:
    page = render.email_as_page(
        '<html><body style="margin:0"><div>Hello</div></body></html>', "<p>Draft</p>"
    )
    assert (
        page
        == '<html><body style="margin:0"><main><p>Draft</p><div>Hello</div></main></body></html>'
    )
