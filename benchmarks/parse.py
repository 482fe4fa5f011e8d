"""parse_feed (parse + nh3 sanitize + normalize) against bare feedparser.parse on the same bytes.

Generated 50-entry feeds (RSS 2.0 with content:encoded, Atom with xml:base), realistic HTML
with links, images and a few hostile bits. Prints milliseconds per feed (best of several
rounds) and the ratio parse_feed / feedparser.parse; the target is ≤ 1.5.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import feedparser

from newsletter.feeds import parse_feed

ENTRIES = 50
URL = "https://city.example/feed.xml"
ROUNDS = 7
LOOPS = 5
LOREM = "Les villes éducatrices partagent leurs expériences d'éducation & de citoyenneté. "


def paragraph(i: int) -> str:
    return (
        f"<p>{LOREM * 3}<a href='/news/{i}/more' onclick='track()'>more</a> "
        f"<img src='/img/{i}.jpg' alt='photo {i}' onerror='x()' width='640'> "
        f"<em>{LOREM}</em><strong>{i}</strong></p>"
    )


def rss(entries: int = ENTRIES) -> bytes:
    items = "".join(
        f"<item><title>Item {i} &amp; &lt;b&gt;news&lt;/b&gt;</title>"
        f"<link>https://city.example/news/{i}?utm=rss#top</link>"
        f"<guid isPermaLink='false'>urn:city:{i}</guid>"
        f"<pubDate>Mon, {i % 28 + 1:02d} Sep 2024 10:00:00 +0200</pubDate>"
        f"<author>press@city.example (Press)</author><category>Education</category>"
        f"<category>Youth</category>"
        f"<description><![CDATA[{paragraph(i)}<script>alert(1)</script>]]></description>"
        f"<content:encoded><![CDATA[<div>{paragraph(i) * 4}</div>]]></content:encoded>"
        f"<enclosure url='/media/{i}.jpg' type='image/jpeg' length='1000'/></item>"
        for i in range(entries)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>City news</title><link>https://city.example/</link><language>fr</language>"
        f"{items}</channel></rss>"
    ).encode()


def atom(entries: int = ENTRIES) -> bytes:
    items = "".join(
        f"<entry xml:lang='ca'><id>tag:city.example,2024:{i}</id>"
        f"<title type='html'>Notícia {i} &lt;em&gt;ciutat&lt;/em&gt;</title>"
        f"<link rel='alternate' href='posts/{i}.html'/>"
        f"<updated>2024-09-{i % 28 + 1:02d}T10:00:00Z</updated>"
        f"<author><name>Ajuntament</name></author>"
        f"<summary type='html'>{escape(paragraph(i))}</summary>"
        f"<content type='html'>{escape(paragraph(i) * 4)}</content></entry>"
        for i in range(entries)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        "xml:base='https://city.example/blog/'><title>Blog</title>"
        f"<id>tag:city.example,2024:blog</id>{items}</feed>"
    ).encode()


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def best_ms(*runs: Callable[[], object]) -> list[float]:
    """Best time per call of each run, in ms; rounds interleave so load hits all alike."""
    best = [float("inf")] * len(runs)
    for run in runs:
        run()
    for _ in range(ROUNDS):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            for _ in range(LOOPS):
                run()
            best[index] = min(best[index], (time.perf_counter() - started) / LOOPS)
    return [seconds * 1000 for seconds in best]


def main() -> int:
    print(f"{'feed':<10}{'bytes':>9}{'feedparser':>13}{'parse_feed':>13}{'ratio':>8}")
    worst = 0.0
    for name, data in (("rss-50", rss()), ("atom-50", atom())):
        baseline, ours = best_ms(
            lambda data=data: feedparser.parse(data), lambda data=data: parse_feed(data, URL)
        )
        assert len(parse_feed(data, URL).entries) == ENTRIES
        ratio = ours / baseline
        worst = max(worst, ratio)
        print(f"{name:<10}{len(data):>9}{baseline:>11.2f}ms{ours:>11.2f}ms{ratio:>8.2f}")
    print(f"worst ratio parse_feed / feedparser.parse: {worst:.2f} (target ≤ 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
