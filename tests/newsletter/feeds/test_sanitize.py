from __future__ import annotations

import pytest

from newsletter.feeds.sanitize import first_image, html_to_text, sanitize_html
from tests.newsletter.feeds.safety import html_problems

BASE = "https://city.example/news/"

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x.png" onerror="alert(1)">',
    '<img src=x onerror=alert(1)//">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">ent</a>',
    '<a href=" javascript:alert(1)">space</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<form action="javascript:alert(1)"><input type="submit" value="go"></form>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<body onload="alert(1)">x</body>',
    '<p onclick="alert(1)" onmouseover="alert(2)">hover</p>',
    "<<script>script>alert(1)<</script>/script>",
    '<img src="https://ok.example/a.png" onload="alert(1)">',
    '<a href="https://ok.example/" onclick="alert(1)">ok</a>',
    "<!--<script>alert(1)</script>-->",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<isindex action="javascript:alert(1)" type="image">',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_payload_leaves_nothing_executable(payload: str) -> None:
    cleaned = sanitize_html(payload, BASE)

    assert html_problems(cleaned) == []


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        (
            '<img src="https://ok.example/a.png" onerror="alert(1)">',
            '<img src="https://ok.example/a.png">',
        ),
        ('<a href="javascript:alert(1)">click</a>', '<a rel="noopener noreferrer">click</a>'),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x">', '<img alt="x">'),
        ('<svg onload="alert(1)"><text>hi</text></svg>after', "after"),
        (
            '<form action="javascript:alert(1)"><p>field</p><input value="go"></form>',
            "<p>field</p>",
        ),
    ],
)
def test_known_payloads_are_cleaned_to_exactly(payload: str, expected: str) -> None:
    assert sanitize_html(payload, BASE) == expected


def test_formatting_links_and_images_survive() -> None:
    cleaned = sanitize_html(
        '<p>Hello <strong>cities</strong> <a href="/agenda" target="_blank">agenda</a>'
        '<img src="/img/a.png" alt="A" width="10" height="20" class="x" title="t"></p>',
        BASE,
    )

    assert cleaned == (
        "<p>Hello <strong>cities</strong> "
        '<a href="https://city.example/agenda" target="_blank" rel="noopener noreferrer">'
        'agenda</a><img src="https://city.example/img/a.png" alt="A" width="10" height="20">'
        "</p>"
    )


def test_links_get_rel_noopener_even_if_they_declared_another() -> None:
    cleaned = sanitize_html('<a href="https://ok.example/" rel="opener">x</a>', BASE)

    assert 'rel="noopener noreferrer"' in cleaned
    assert 'opener"' not in cleaned.replace("noopener noreferrer", "")


def test_relative_urls_resolving_to_another_scheme_are_dropped() -> None:
    assert "href" not in sanitize_html('<a href="jav\tascript:alert(1)">x</a>', BASE)
    assert "href" not in sanitize_html('<a href="x">x</a>', "")


def test_image_only_keeps_http_sources() -> None:
    assert "src" not in sanitize_html('<img src="ftp://files.example/a.png" alt="a">', BASE)
    assert "src" not in sanitize_html('<img src="mailto:a@b.example">', BASE)
    assert 'src="http://' in sanitize_html('<img src="http://x.example/a.png">', BASE)


def test_mailto_links_are_kept() -> None:
    assert 'href="mailto:info@city.example"' in sanitize_html(
        '<a href="mailto:info@city.example">write</a>', BASE
    )


def test_text_decodes_entities_strips_markup_and_collapses_whitespace() -> None:
    text = html_to_text("<p>Caf&eacute;  &amp;\n <b>cities</b></p><p>next&nbsp;one</p>")

    assert text == "Café & cities next one"


def test_text_drops_script_content_and_double_encoded_markup() -> None:
    assert html_to_text("<script>alert(1)</script>News") == "News"
    assert html_to_text("&lt;b&gt;Bold&lt;/b&gt; title") == "Bold title"
    assert "<" not in html_to_text("&lt;img src=x onerror=alert(1)&gt;Hi")


def test_text_keeps_a_lone_less_than_sign() -> None:
    assert html_to_text("3 &lt; 5 and 7 > 2") == "3 < 5 and 7 > 2"


def test_first_image_of_sanitized_html() -> None:
    safe = sanitize_html('<p>x<img src="/a.png?x=1&amp;y=2"><img src="/b.png"></p>', BASE)

    assert first_image(safe) == "https://city.example/a.png?x=1&y=2"
    assert first_image("<p>no image</p>") is None
