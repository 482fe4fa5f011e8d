"""Pure parts of subscriptions: tokens, rate limit, CSV validation, language choice."""

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from itsdangerous import Signer
from multidict import CIMultiDict

from newsletter.delivery.mail_addresses import header_address
from newsletter.subscriptions import tokens
from newsletter.subscriptions.addresses import (
    NON_ASCII_LOCAL_PART,
    UnsupportedAddress,
    normalize_address,
)
from newsletter.subscriptions.i18n import choose_language
from newsletter.subscriptions.mailer import TransactionalMessage, to_email_message
from newsletter.subscriptions.ratelimit import SlidingWindowLimiter
from newsletter.subscriptions.subscribers_csv import parse_subscribers_csv
from newsletter.subscriptions.tokens import TokenError
from web.public.site import client_key

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LANGS = ("en", "fr", "es", "pt", "ca")
NETWORKS = {"global", "portugal", "spain"}


@dataclass(frozen=True)
class Keys:
    public_url: str = "https://news.example.org"
    key: str = "test-key"

    def signing_key(self) -> str:
        return self.key


@dataclass
class Sub:
    id: int
    email_key: str


def test_unsubscribe_and_preferences_links_round_trip_and_are_not_interchangeable() -> None:
    keys, joao = Keys(), Sub(7, "joao@example.pt")
    url = tokens.unsubscribe_url(keys, joao)
    assert url.startswith("https://news.example.org/unsubscribe/")
    assert "joao" not in url  # the address never appears in a link
    token = url.rsplit("/", 1)[1]
    claim = tokens.read_unsubscribe_token(keys, token)
    assert claim.subscriber_id == 7 and claim.matches(joao)
    with pytest.raises(TokenError):
        tokens.read_preferences_token(keys, token)
    prefs = tokens.preferences_url(keys, joao).rsplit("/", 1)[1]
    assert tokens.read_preferences_token(keys, prefs).matches(joao)
    with pytest.raises(TokenError):
        tokens.read_confirm_token(keys, token)


def test_a_changed_address_or_another_key_invalidates_old_links() -> None:
    keys, joao = Keys(), Sub(7, "joao@example.pt")
    token = tokens.unsubscribe_token(keys, joao)
    assert not tokens.read_unsubscribe_token(keys, token).matches(Sub(7, "joao@new.example"))
    with pytest.raises(TokenError) as forged:
        tokens.read_unsubscribe_token(Keys(key="another"), token)
    assert not forged.value.expired
    with pytest.raises(TokenError):
        tokens.read_unsubscribe_token(keys, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))


@pytest.mark.parametrize(
    ("key", "subscriber"),
    [
        ("test-key", Sub(7, "joao@example.pt")),
        ("x" * 64, Sub(123456789, "zoë@exämple.org")),
        ("clé-ñ-日本", Sub(1, "a@b.c")),
    ],
)
def test_links_are_byte_for_byte_what_itsdangerous_signs(key: str, subscriber: Sub) -> None:
    """Links already in inboxes stay valid: the fast signer makes itsdangerous' exact tokens."""
    keys = Keys(key=key)
    value = f"{subscriber.id}.{tokens.fingerprint(subscriber.email_key)}"
    expected = {
        salt: Signer(key, salt=salt, digest_method=hashlib.sha256).sign(value).decode()
        for salt in ("aive.unsubscribe", "aive.preferences")
    }

    unsubscribe, preferences = tokens.link_urls(keys, subscriber)

    assert unsubscribe == f"{keys.public_url}/unsubscribe/{expected['aive.unsubscribe']}"
    assert preferences == f"{keys.public_url}/preferences/{expected['aive.preferences']}"
    assert tokens.unsubscribe_url(keys, subscriber) == unsubscribe
    assert tokens.preferences_url(keys, subscriber) == preferences
    assert tokens.read_unsubscribe_token(keys, unsubscribe.rsplit("/", 1)[1]).matches(subscriber)
    assert tokens.read_preferences_token(keys, preferences.rsplit("/", 1)[1]).matches(subscriber)


def test_confirm_tokens_expire_and_say_so() -> None:
    keys, joao = Keys(), Sub(7, "joao@example.pt")
    token = tokens.confirm_token(keys, joao)
    assert tokens.read_confirm_token(keys, token).subscriber_id == 7
    with pytest.raises(TokenError) as expired:
        tokens.read_confirm_token(keys, token, max_age=-1)
    assert expired.value.expired


def test_csrf_token_is_bound_to_the_cookie_nonce() -> None:
    keys = Keys()
    form = tokens.csrf_form_token(keys, "nonce-of-this-browser")
    assert tokens.csrf_valid(keys, form, "nonce-of-this-browser")
    assert not tokens.csrf_valid(keys, form, "nonce-of-another-browser")
    assert not tokens.csrf_valid(keys, "", "nonce-of-this-browser")
    assert not tokens.csrf_valid(keys, form, "nonce-of-this-browser", max_age=-1)


def test_rate_limit_allows_five_per_window_then_refuses_until_the_oldest_leaves() -> None:
    limiter = SlidingWindowLimiter(limit=5, window=600)
    assert all(limiter.hit("1.2.3.4", t) for t in (0, 10, 20, 30, 40))
    assert not limiter.hit("1.2.3.4", 50)
    assert limiter.hit("5.6.7.8", 50)  # other visitors are not affected
    assert limiter.retry_after("1.2.3.4", 50) == pytest.approx(550)
    assert not limiter.hit("1.2.3.4", 599)
    assert limiter.hit("1.2.3.4", 600.5)
    limiter.prune(5000)
    assert limiter.retry_after("1.2.3.4", 5000) == 0


def test_rate_limit_keeps_memory_bounded() -> None:
    limiter = SlidingWindowLimiter(limit=1, window=10, max_keys=3)
    for i in range(3):
        limiter.hit(f"ip{i}", 0)
    assert limiter.hit("ip-late", 100)  # old keys are pruned instead of growing forever
    assert len(limiter._hits) == 1


def test_csv_keeps_good_rows_and_reports_bad_ones_with_line_and_reason() -> None:
    text = (
        "email,name,language,networks,consent_source,consented_at\n"
        "joao@example.pt,João,pt,portugal,,\n"
        "not-an-address,,,,,\n"
        "JOAO@example.pt,,pt,,,\n"
        "ana@example.es,Ana,es,atlantis,,\n"
        "marc@example.cat,Marc,kl,spain,,\n"
        "lea@example.fr,Léa,FR,global;spain,fair 2026,2026-10-01\n"
        "tom@example.org,,en,,,tomorrow\n"
        ",,,,,\n"
        "zoe@example.org,,,,,2027-01-01\n"
    )
    parsed = parse_subscribers_csv(text, NETWORKS, LANGS, NOW)
    assert [r.email for r in parsed.rows] == ["joao@example.pt", "lea@example.fr"]
    reasons = {r.line: r.reason for r in parsed.rejected}
    assert sorted(reasons) == [3, 4, 5, 6, 8, 10]
    assert reasons[3].startswith("email:")
    assert reasons[4] == "email: same address as line 2"
    assert "atlantis" in reasons[5]
    assert reasons[6].startswith("language: 'kl'")
    assert reasons[8].startswith("consented_at:")
    assert "future" in reasons[10]
    lea = parsed.rows[1]
    assert lea.language == "fr" and lea.networks == ("global", "spain")
    assert lea.consented_at == datetime(2026, 10, 1, tzinfo=UTC)


def test_csv_confirmed_rows_need_a_consent_source() -> None:
    text = "email,consent_source\na@example.org,newsletter fair 2026\nb@example.org,\n"
    parsed = parse_subscribers_csv(text, NETWORKS, LANGS, NOW, confirmed=True)
    assert [r.email for r in parsed.rows] == ["a@example.org"]
    assert parsed.rejected[0].line == 3 and "consent" in parsed.rejected[0].reason
    whole_file = parse_subscribers_csv(
        text, NETWORKS, LANGS, NOW, confirmed=True, consent_source="paper form"
    )
    assert len(whole_file.rows) == 2


def test_csv_without_an_email_column_is_refused_on_line_one() -> None:
    parsed = parse_subscribers_csv("mail,name\na@example.org,A\n", NETWORKS, LANGS, NOW)
    assert parsed.rows == [] and parsed.rejected[0].line == 1


def test_language_comes_from_the_query_then_the_subscriber_then_the_browser() -> None:
    assert choose_language("es", "pt-PT,pt;q=0.9", "en") == "es"
    assert choose_language(None, "pt-PT,pt;q=0.9,en;q=0.5", "en") == "pt"
    assert choose_language(None, "pt-BR", "en") == "pt"
    assert choose_language(None, "de-DE,fr;q=0.4", "en") == "fr"
    assert choose_language(None, "de-DE,fr;q=0", "en") == "en"
    assert choose_language("xx", None, "ca") == "ca"
    assert choose_language(None, "fr", "en", known_preference="pt") == "pt"


def test_idn_domains_are_accepted_and_written_in_ascii_in_mail_headers() -> None:
    stored = normalize_address("user@xn--exmple-cua.org")
    assert stored == "user@exämple.org"
    assert header_address(stored) == "user@xn--exmple-cua.org"
    message = to_email_message(
        TransactionalMessage(to=stored, to_name="Ana", subject="s", text="t", html="<p>h</p>"),
        "AIVE <bulletin@example.org>",
    )
    assert message["To"].addresses[0].addr_spec == "user@xn--exmple-cua.org"


def test_a_confirmation_keeps_body_lines_within_76_characters() -> None:
    html = "<p>" + "Confirme a sua subscrição das Cidades Educadoras. " * 40 + "</p>"
    message = to_email_message(
        TransactionalMessage(to="ana@example.org", to_name="A", subject="s", text=html, html=html),
        "AIVE <bulletin@example.org>",
    )
    body = message.as_bytes().split(b"\r\n\r\n", 1)[1]
    assert max(len(line.rstrip(b"\r")) for line in body.split(b"\n")) <= 76


def test_a_non_ascii_local_part_is_refused_with_its_own_reason() -> None:
    with pytest.raises(UnsupportedAddress) as refused:
        normalize_address("josé@example.org")
    assert str(refused.value) == NON_ASCII_LOCAL_PART
    assert header_address("josé@example.org") is None


def forwarded(*lines: str, remote: str = "10.0.0.2") -> web.Request:
    headers = CIMultiDict(("X-Forwarded-For", line) for line in lines)
    return make_mocked_request("POST", "/subscribe", headers=headers, transport=_Transport(remote))


class _Transport:
    def __init__(self, peer: str) -> None:
        self.peer = peer

    def get_extra_info(self, name: str, default: object = None) -> object:
        return (self.peer, 40000) if name == "peername" else default


def test_behind_the_proxy_the_key_is_the_last_address_it_appended_on_any_header_line() -> None:
    # the client sent its own header line; the proxy appended the real address on another
    request = forwarded("1.1.1.1", "203.0.113.9")
    assert client_key(request, trusted_proxy=True) == "203.0.113.9"
    assert client_key(forwarded("1.1.1.1, 203.0.113.9"), trusted_proxy=True) == "203.0.113.9"
    assert client_key(request, trusted_proxy=False) == "10.0.0.2"


def test_ipv6_visitors_are_counted_by_their_64_and_junk_is_one_visitor() -> None:
    a = client_key(forwarded("2001:db8:1:2:aaaa::1"), trusted_proxy=True)
    b = client_key(forwarded("2001:db8:1:2:ffff:1:2:3"), trusted_proxy=True)
    c = client_key(forwarded("2001:db8:1:3::1"), trusted_proxy=True)
    assert a == b == "2001:db8:1:2::/64" and c != a
    assert client_key(forwarded("::ffff:198.51.100.7"), trusted_proxy=True) == "198.51.100.7"
    junk = {client_key(forwarded(f"not-an-ip-{i}"), trusted_proxy=True) for i in range(50)}
    assert len(junk) == 1


def test_a_full_limiter_table_costs_no_scan_per_new_visitor() -> None:
    limiter = SlidingWindowLimiter(limit=5, window=600, max_keys=100_000)
    for i in range(100_000):
        limiter.hit(f"k{i}", 1.0)
    started = time.perf_counter()
    for i in range(2_000):
        assert limiter.hit(f"new{i}", 2.0)
    per_key = (time.perf_counter() - started) / 2_000
    assert per_key < 0.0005, f"{per_key * 1000:.2f} ms per new key"
    assert len(limiter) <= 100_000
