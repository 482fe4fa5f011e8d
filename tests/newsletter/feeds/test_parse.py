from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from newsletter.feeds import parse_feed
from tests.newsletter.feeds.safety import feed_problems

FEED_URL = "https://city.example/feeds/news.xml"
FETCHED = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def rss(items: str, channel_extra: str = "<language>fr-FR</language>") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Ville &amp; Cités</title><link>https://city.example/</link>"
        f"{channel_extra}{items}</channel></rss>"
    ).encode()


def test_rss_entry_is_normalized_for_storage() -> None:
    feed = parse_feed(
        rss(
            "<item><title>Budget &lt;b&gt;participatif&lt;/b&gt;   2025</title>"
            "<link>/news/budget?id=3#top</link><guid isPermaLink='false'>urn:city:3</guid>"
            "<pubDate>Tue, 25 Feb 2025 10:00:00 +0100</pubDate>"
            "<author>press@city.example (Press office)</author>"
            "<category>Education</category><category>Youth</category><category>Youth</category>"
            "<description><![CDATA[<p>Vote <a href='/vote'>here</a><script>x()</script></p>]]>"
            "</description>"
            "<content:encoded><![CDATA[<p>Full <img src='/i/b.png' onerror='x()'> text</p>]]>"
            "</content:encoded></item>"
        ),
        FEED_URL,
        fetched_at=FETCHED,
    )

    assert feed.error is None
    assert (feed.title, feed.link, feed.language) == (
        "Ville & Cités",
        "https://city.example/",
        "fr-FR",
    )
    [entry] = feed.entries
    assert entry.guid == "urn:city:3"
    assert entry.url == "https://city.example/news/budget?id=3"
    assert entry.title == "Budget participatif 2025"
    assert entry.summary_html == (
        '<p>Vote <a href="https://city.example/vote" rel="noopener noreferrer">here</a></p>'
    )
    assert entry.summary_text == "Vote here"
    assert entry.content_html == '<p>Full <img src="https://city.example/i/b.png"> text</p>'
    assert entry.content_text == "Full text"
    assert entry.published_at == datetime(2025, 2, 25, 9, 0, tzinfo=UTC)
    assert entry.author == "press@city.example (Press office)"
    assert entry.categories == ["Education", "Youth"]
    assert entry.image == "https://city.example/i/b.png"
    assert entry.declared_language is None  # RSS <language> is the feed's, not the entry's
    assert entry.language == "fr-FR"
    assert len(entry.content_hash) == 64


def test_atom_xml_base_and_entry_language_are_honoured() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en" xml:base="https://net.example/base/">
  <title type="html">&lt;i&gt;Network&lt;/i&gt;</title>
  <entry xml:lang="ca">
    <id>tag:net.example,2025:1</id>
    <title type="html">Caf&amp;eacute; &lt;em&gt;ciutat&lt;/em&gt;</title>
    <link rel="alternate" href="posts/1.html#comments"/>
    <updated>2025-02-01T08:30:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
      <p>Hola <a href="rel">x</a></p></div></content>
  </entry>
</feed>"""
    feed = parse_feed(atom, "https://other.example/feed", fetched_at=FETCHED)

    [entry] = feed.entries
    assert feed.title == "Network"
    assert entry.title == "Café ciutat"
    assert entry.url == "https://net.example/base/posts/1.html"
    assert 'href="https://net.example/base/rel"' in (entry.content_html or "")
    assert entry.summary_html == entry.content_html
    assert entry.declared_language == "ca"
    assert entry.published_at == datetime(2025, 2, 1, 8, 30, tzinfo=UTC)


def test_missing_date_becomes_fetch_time_and_far_future_is_clamped() -> None:
    soon = (FETCHED + timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    later = (FETCHED + timedelta(days=3)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    feed = parse_feed(
        rss(
            "<item><title>a</title><link>https://c.example/a</link></item>"
            f"<item><title>b</title><link>https://c.example/b</link><pubDate>{soon}</pubDate></item>"
            f"<item><title>c</title><link>https://c.example/c</link><pubDate>{later}</pubDate></item>"
        ),
        FEED_URL,
        fetched_at=FETCHED,
    )

    assert [e.published_at for e in feed.entries] == [
        FETCHED,
        FETCHED + timedelta(days=1),
        FETCHED,
    ]


def test_guid_falls_back_to_url_then_to_a_stable_hash() -> None:
    data = rss(
        "<item><title>With link</title><link>https://c.example/x#frag</link></item>"
        "<item><title>No link</title><description>Only text</description></item>"
    )
    first = parse_feed(data, FEED_URL, fetched_at=FETCHED)
    again = parse_feed(data, FEED_URL, fetched_at=FETCHED + timedelta(hours=1))

    assert first.entries[0].guid == "https://c.example/x"
    assert first.entries[1].url is None
    assert first.entries[1].guid.startswith("sha256:")
    assert [e.guid for e in first.entries] == [e.guid for e in again.entries]
    assert [e.content_hash for e in first.entries] == [e.content_hash for e in again.entries]


def test_content_hash_changes_when_the_text_changes() -> None:
    one = parse_feed(rss("<item><guid>g</guid><description>v1</description></item>"), FEED_URL)
    two = parse_feed(rss("<item><guid>g</guid><description>v2</description></item>"), FEED_URL)

    assert one.entries[0].guid == two.entries[0].guid
    assert one.entries[0].content_hash != two.entries[0].content_hash


@pytest.mark.parametrize(
    ("item", "image"),
    [
        ('<enclosure url="/e.jpg" type="image/jpeg" length="1"/>', "https://city.example/e.jpg"),
        (
            '<media:content url="https://cdn.example/m.png" medium="image"/>',
            "https://cdn.example/m.png",
        ),
        ('<media:thumbnail url="https://cdn.example/t.png"/>', "https://cdn.example/t.png"),
        ('<enclosure url="/a.mp3" type="audio/mpeg" length="1"/>', None),
        ('<media:thumbnail url="javascript:alert(1)"/>', None),
    ],
)
def test_entry_image_comes_from_enclosure_or_media(item: str, image: str | None) -> None:
    feed = parse_feed(rss(f"<item><title>t</title>{item}</item>"), FEED_URL)

    assert feed.entries[0].image == image


def test_html_in_titles_and_links_with_bad_schemes_never_survive() -> None:
    feed = parse_feed(
        rss(
            "<item><title>&lt;img src=x onerror=alert(1)&gt;Hello&lt;script&gt;alert(2)"
            "&lt;/script&gt;</title><link>javascript:alert(3)</link>"
            "<category>&lt;b onmouseover=alert(4)&gt;cat&lt;/b&gt;</category>"
            "<description>&lt;a href=&quot;javascript:alert(5)&quot;&gt;x&lt;/a&gt;</description>"
            "</item>"
        ),
        FEED_URL,
    )

    entry = feed.entries[0]
    assert entry.title == "Hello"
    assert entry.url is None
    assert entry.categories == ["cat"]
    assert feed_problems(feed) == []


def test_bytes_that_name_a_local_file_are_not_read() -> None:
    feed = parse_feed(b"/etc/hostname", FEED_URL)

    assert feed.entries == []
    assert feed.error == "not an RSS or Atom feed"


def test_parsing_never_opens_a_network_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parse_feed tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    data = rss(
        "<item><title>t</title><link>http://127.0.0.1:9/x</link></item>",
        channel_extra="<image><url>http://127.0.0.1:9/i.png</url></image>",
    ).replace(b"<?xml", b'<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/x.dtd"><?xml', 0)
    doctype = data.replace(
        b"<rss ", b'<!DOCTYPE rss [<!ENTITY ext SYSTEM "http://127.0.0.1:9/e">]><rss ', 1
    )

    parse_feed(data, "http://127.0.0.1:9/feed")
    parse_feed(doctype, "http://127.0.0.1:9/feed")
    with pytest.raises(TypeError):
        parse_feed("http://127.0.0.1:9/feed", "http://127.0.0.1:9/feed")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "empty document"),
        (b"  \n ", "empty document"),
        (b"<!DOCTYPE html><html><head><title>Home</title></head><body>Hi</body></html>",
         "the address returned an HTML page, not a feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
         "not an RSS or Atom feed"),
        (rss(""), "the feed has no entries"),
    ],
)  # fmt: skip
def test_documents_without_entries_say_why(data: bytes, error: str) -> None:
    feed = parse_feed(data, FEED_URL)

    assert feed.entries == []
    assert feed.error == error


def test_malformed_xml_keeps_recovered_entries_and_says_where() -> None:
    data = rss(
        "<item><title>One</title><link>https://c.example/1</link></item>"
        "<item><title>Two &amp broken</title><link>https://c.example/2</link></item>"
    )
    feed = parse_feed(data, FEED_URL)

    assert [e.title for e in feed.entries] == ["One", "Two & broken"]
    assert feed.error is not None
    assert feed.error.startswith("malformed XML at line 1")
    assert feed.error.endswith("(2 entries recovered)")
    assert "\n" not in feed.error


def test_latin1_bytes_declared_utf8_are_still_read() -> None:
    data = rss("<item><title>Économie à Barcelona</title></item>").decode().encode("latin-1")
    feed = parse_feed(data, FEED_URL)

    assert feed.entries[0].title == "Économie à Barcelona"
    assert feed.error is not None
    assert "declared encoding was wrong" in feed.error
