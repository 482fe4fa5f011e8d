import pytest

from newsletter.feeds.opml import OpmlError, parse_opml


def test_outlines_with_xmlurl_become_sources_with_their_attributes() -> None:
    data = b"""<?xml version="1.0"?>
    <opml version="2.0"><head><title>AIVE</title></head><body>
      <outline text="Portugal">
        <outline text="Lisboa" xmlUrl="https://lisboa.example/feed" language="pt-PT"
                 category="portugal, global" city="Lisboa"/>
        <outline text="No feed here" htmlUrl="https://example.org"/>
        <outline text="Bad" xmlUrl="ftp://example.org/feed"/>
        <outline text="Again" xmlUrl="https://lisboa.example/feed"/>
      </outline>
    </body></opml>"""
    parsed = parse_opml(data)
    assert len(parsed.sources) == 1
    lisboa = parsed.sources[0]
    assert (lisboa.url, lisboa.title, lisboa.language, lisboa.city) == (
        "https://lisboa.example/feed",
        "Lisboa",
        "pt-PT",
        "Lisboa",
    )
    assert lisboa.networks == ("portugal", "global")
    assert len(parsed.errors) == 2
    assert "ftp://example.org/feed" in parsed.errors[0]
    assert "appears twice" in parsed.errors[1]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<rss><channel/></rss>", "expected <opml>"),
        (b"<opml><body><outline", "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml>&a;</opml>',
            "refused unsafe XML",
        ),
    ],
)
def test_files_that_are_not_safe_opml_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(OpmlError, match=reason):
        parse_opml(data)


def test_a_staff_opml_cannot_point_at_the_servers_files() -> None:
    data = b"""<opml version="2.0"><body>
      <outline text="Passwords" xmlUrl="file:///etc/passwd"/>
      <outline text="Relative" xmlUrl="../../var/secret_key"/>
      <outline text="Absolute" xmlUrl="/dev/zero"/>
      <outline text="Fine" xmlUrl="HTTPS://city.example/feed"/>
    </body></opml>"""
    parsed = parse_opml(data)
    assert [s.url for s in parsed.sources] == ["HTTPS://city.example/feed"]
    assert len(parsed.errors) == 3 and all("not an http(s) URL" in e for e in parsed.errors)
    assert len(parse_opml(data, local_files=True).sources) == 4, "our own demo data only"
