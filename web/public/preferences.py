"""`/unsubscribe/{token}` (a button; RFC 8058 one-click POST too) and `/preferences/{token}`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiohttp import web

from newsletter.subscriptions import service
from newsletter.subscriptions.i18n import LANGUAGES, gettext
from newsletter.subscriptions.tokens import (
    TokenClaim,
    TokenError,
    TokenSettings,
    preferences_url,
    read_preferences_token,
    read_unsubscribe_token,
    unsubscribe_url,
)
from storage.subscribers import Subscriber, SubscriberStatus
from web.public.site import (
    SITE,
    bad_link,
    csrf_ok,
    csrf_refused,
    form_page,
    form_string,
    form_strings,
    message,
    page,
    visitor_lang,
)

# ---------------------------------------------------------------- /unsubscribe


def _unsubscribed_page(lang: str) -> web.Response:
    return message(
        lang,
        gettext(lang, "You are unsubscribed"),
        [gettext(lang, "You will not receive any more emails from us.")],
        link=(f"/subscribe?lang={lang}", gettext(lang, "Changed your mind? Subscribe again")),
    )


async def _subscriber_of(
    request: web.Request, read_token: Callable[[TokenSettings, str], TokenClaim]
) -> Subscriber | web.Response:
    """The subscriber the link's token names, or the page saying the link is not valid."""
    site = request.app[SITE]
    try:
        claim = read_token(site.settings, request.match_info["token"])
    except TokenError:
        return bad_link(visitor_lang(request), expired=False)
    async with site.sessions() as session:
        subscriber = await service.find_by_claim(session, claim)
    if subscriber is None:
        return bad_link(visitor_lang(request), expired=False)
    return subscriber


async def unsubscribe_page(request: web.Request) -> web.Response:
    """Shows a button; a GET (e.g. a link scanner) changes nothing."""
    site = request.app[SITE]
    subscriber = await _subscriber_of(request, read_unsubscribe_token)
    if isinstance(subscriber, web.Response):
        return subscriber
    lang = visitor_lang(request, subscriber.language)
    if subscriber.status not in (SubscriberStatus.pending, SubscriberStatus.confirmed):
        return _unsubscribed_page(lang)
    return page(
        lang,
        "unsubscribe.html",
        title=gettext(lang, "Unsubscribe"),
        switch_url=request.path,
        email=subscriber.email,
        action=f"{request.path}?lang={lang}",
        preferences_link=preferences_url(site.settings, subscriber),
    )


async def unsubscribe_submit(request: web.Request) -> web.Response:
    """Unsubscribes at once: the page's button, or an RFC 8058 one-click POST (no cookie)."""
    site = request.app[SITE]
    try:
        claim = read_unsubscribe_token(site.settings, request.match_info["token"])
    except TokenError:
        return bad_link(visitor_lang(request), expired=False)
    body = await request.post()
    how = "one-click" if body.get("List-Unsubscribe") == "One-Click" else "web page"
    async with site.sessions() as session:
        subscriber = await service.find_by_claim(session, claim)
        if subscriber is None:
            return bad_link(visitor_lang(request), expired=False)
        lang = visitor_lang(request, subscriber.language)
        await service.unsubscribe(session, subscriber, how, site.clock())
        await session.commit()
    return _unsubscribed_page(lang)


# ---------------------------------------------------------------- /preferences


async def _preferences_response(
    request: web.Request,
    subscriber: Subscriber,
    lang: str,
    form: dict[str, object],
    errors: Sequence[str] = (),
    saved: bool = False,
    status: int = 200,
) -> web.Response:
    return await form_page(
        request,
        lang,
        "preferences.html",
        status,
        title=gettext(lang, "Your preferences"),
        switch_url=request.path,
        email=subscriber.email,
        form=form,
        errors=errors,
        saved=saved,
        action=f"{request.path}?lang={lang}",
        unsubscribe_link=unsubscribe_url(request.app[SITE].settings, subscriber),
    )


async def _load_for_preferences(request: web.Request) -> Subscriber | web.Response:
    subscriber = await _subscriber_of(request, read_preferences_token)
    if isinstance(subscriber, web.Response):
        return subscriber
    if subscriber.status not in (SubscriberStatus.pending, SubscriberStatus.confirmed):
        lang = visitor_lang(request, subscriber.language)
        return message(
            lang,
            gettext(lang, "You are not subscribed"),
            [gettext(lang, "You do not receive the bulletin any more.")],
            link=(f"/subscribe?lang={lang}", gettext(lang, "Subscribe again")),
        )
    return subscriber


async def preferences_page(request: web.Request) -> web.Response:
    found = await _load_for_preferences(request)
    if isinstance(found, web.Response):
        return found
    lang = visitor_lang(request, found.language)
    form = {"language": found.language, "networks": found.networks, "paused": found.paused}
    return await _preferences_response(request, found, lang, form)


async def preferences_submit(request: web.Request) -> web.Response:
    site = request.app[SITE]
    found = await _load_for_preferences(request)
    if isinstance(found, web.Response):
        return found
    lang = visitor_lang(request, found.language)
    form = await request.post()
    if not csrf_ok(request, form):
        return csrf_refused(lang)
    language = form_string(form, "language")
    values: dict[str, object] = {
        "language": language if language in LANGUAGES else found.language,
        "networks": form_strings(form, "networks"),
        "paused": form_string(form, "paused") == "1",
    }
    async with site.sessions() as session:
        known = await service.known_network_slugs(session)
        chosen = [n for n in values["networks"] if n in known]  # type: ignore[attr-defined]
        if not chosen:
            error = gettext(lang, "Please choose at least one network.")
            return await _preferences_response(request, found, lang, values, [error], status=400)
        subscriber = await session.get(Subscriber, found.id)
        assert subscriber is not None
        await service.change_preferences(
            session, subscriber, str(values["language"]), chosen, bool(values["paused"])
        )
        await session.commit()
        values["networks"] = subscriber.networks
    lang = str(values["language"])  # answer in the language just chosen
    return await _preferences_response(request, subscriber, lang, values, saved=True)
