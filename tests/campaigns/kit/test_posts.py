"""Posts stay within each platform's limit, counted the platform's way, and never cut a link or
a hashtag."""

from __future__ import annotations

import pytest

from campaigns.kit import KIT_LANGUAGES
from campaigns.kit.content import kit_texts
from campaigns.kit.posts import (
    ELLIPSIS,
    RULES,
    Platform,
    compose_post,
    graphemes,
    hashtags_for,
    kit_posts,
    post_length,
    x_weighted_length,
)
from tests.campaigns.kit.sample import DAY_URL, sample_kit

LONG_URL = "https://www.edcities.org/" + "very-long-path/" * 10


def test_x_counts_every_link_as_23_whatever_its_length() -> None:
    assert x_weighted_length("see https://a.io") == 4 + 23
    assert x_weighted_length(f"see {LONG_URL}") == 4 + 23
    assert x_weighted_length("ab") == 2


def test_x_counts_a_bare_domain_as_a_link_at_least() -> None:
    assert x_weighted_length("edcities.org") == 23


def test_x_weighs_emoji_and_other_scripts_double() -> None:
    assert x_weighted_length("é") == 1
    assert x_weighted_length("日本") == 4
    assert x_weighted_length("👍🏽") == 2  # one emoji with a skin tone: one weight-2 glyph


def test_bluesky_counts_graphemes() -> None:
    assert graphemes("e\u0301") == 1  # e + combining accent
    assert graphemes("👨‍👩‍👧") == 1
    assert post_length(Platform.bluesky, "👨‍👩‍👧 ok") == 4


@pytest.mark.parametrize("platform", list(Platform))
def test_a_long_body_is_cut_at_a_word_with_link_and_hashtags_whole(platform: Platform) -> None:
    words = ["Ciutat", "educadora", "participació", "col·laboració", "https://x.example/é"]
    body = " ".join(words[i % len(words)] for i in range(4000))
    tags = hashtags_for("ca")
    post = compose_post(platform, body, url=LONG_URL, hashtags=tags)
    assert post_length(platform, post) <= RULES[platform].limit
    assert LONG_URL in post
    assert post.endswith(" ".join(tags))
    text = post[: post.index(LONG_URL)].rstrip()
    assert text.endswith(ELLIPSIS)
    last_word = text[: -len(ELLIPSIS)].split()[-1]
    assert last_word in words  # cut between words, never inside one


def test_x_fits_more_text_when_the_link_is_long_than_a_naive_count_would() -> None:
    body = "word " * 100
    post = compose_post(Platform.x, body, url=LONG_URL, hashtags=("#30N",))
    assert len(post) > 280  # the 160-character URL counts as 23
    assert x_weighted_length(post) <= 280


def test_hashtags_that_cannot_fit_are_dropped_whole() -> None:
    tags = [f"#Hashtag{i:03d}" + "x" * 20 for i in range(40)]
    post = compose_post(Platform.x, "Hello", url="https://a.example", hashtags=tags)
    assert x_weighted_length(post) <= 280
    kept = [t for t in post.split() if t.startswith("#")]
    assert kept == tags[: len(kept)] and 0 < len(kept) < len(tags)


def test_instagram_keeps_at_most_30_hashtags() -> None:
    tags = [f"#t{i}" for i in range(40)]
    post = compose_post(Platform.instagram, "Hello", hashtags=tags)
    assert post.count("#") == 30


def test_a_short_post_is_kept_as_it_is() -> None:
    post = compose_post(Platform.bluesky, "  Hello   world ", url=DAY_URL, hashtags=("#30N",))
    assert post == f"Hello world {DAY_URL} #30N"


@pytest.mark.parametrize("language", KIT_LANGUAGES)
def test_kit_posts_in_every_language_fit_and_carry_the_days_hashtags(language: str) -> None:
    kit = sample_kit()
    posts = kit_posts(kit_texts(kit, language), kit.url)
    assert set(posts) == set(Platform)
    for platform, text in posts.items():
        assert post_length(platform, text) <= RULES[platform].limit, platform
        assert DAY_URL in text
        assert "#30N" in text and hashtags_for(language)[0] in text
    assert "Barcelona" not in posts[Platform.x]  # short posts say the Day, not the list


def test_language_hashtags() -> None:
    assert hashtags_for("fr") == ("#VillesÉducatrices", "#EducatingCities", "#30N")
    assert hashtags_for("en") == ("#EducatingCities", "#30N")
