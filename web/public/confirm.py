"""`/confirm/{token}`: the double opt-in. The link shows one button and its POST confirms, so
a mail gateway that opens every link of a message confirms nothing on the reader's behalf."""

from __future__ import annotations

from aiohttp import web

from newsletter.subscriptions import service
from newsletter.subscriptions.i18n import gettext
from newsletter.subscriptions.tokens import (
    TokenError,
    csrf_form_token,
    preferences_url,
    read_confirm_token,
)
from storage.subscribers import Subscriber, SubscriberStatus
from web.public.site import (
    SITE,
    SubscriptionSite,
    bad_link,
    csrf_nonce,
    csrf_ok,
    csrf_refused,
    message,
    page,
    visitor_lang,
    with_csrf_cookie,
)


async def _pending_subscriber(request: web.Request) -> Subscriber | web.Response:
    """The subscriber the confirm link names, or the page saying why there is nothing to do."""
    site = request.app[SITE]
    try:
        claim = read_confirm_token(site.settings, request.match_info["token"])
    except TokenError as exc:
        known = None
        if exc.claim is not None:
            async with site.sessions() as session:
                expired_for = await service.find_by_claim(session, exc.claim)
                known = expired_for.language if expired_for else None
        return bad_link(visitor_lang(request, known), exc.expired)
    async with site.sessions() as session:
        subscriber = await service.find_by_claim(session, claim)
    if subscriber is None:
        return bad_link(visitor_lang(request), expired=False)
    lang = visitor_lang(request, subscriber.language)
    if subscriber.status is SubscriberStatus.confirmed:
        return _confirmed_page(site, subscriber, lang)
    if subscriber.status is not SubscriberStatus.pending:
        return message(
            lang,
            gettext(lang, "This link is no longer valid"),
            [gettext(lang, "You are not subscribed. To receive the bulletin, subscribe again.")],
            status=410,
            link=(f"/subscribe?lang={lang}", gettext(lang, "Subscribe again")),
        )
    return subscriber


def _confirmed_page(site: SubscriptionSite, subscriber: Subscriber, lang: str) -> web.Response:
    return message(
        lang,
        gettext(lang, "Your subscription is confirmed"),
        [gettext(lang, "Thank you! You will receive the next bulletin in your inbox.")],
        link=(
            preferences_url(site.settings, subscriber),
            gettext(lang, "Choose your networks and language"),
        ),
    )


async def confirm_page(request: web.Request) -> web.Response:
    """Shows one button; a GET (a person, or a gateway scanning links) confirms nothing."""
    found = await _pending_subscriber(request)
    if isinstance(found, web.Response):
        return found
    lang = visitor_lang(request, found.language)
    nonce, new = csrf_nonce(request)
    response = page(
        lang,
        "confirm.html",
        title=gettext(lang, "Confirm your subscription"),
        email=found.email,
        action=f"{request.path}?lang={lang}",
        csrf_token=csrf_form_token(request.app[SITE].settings, nonce),
    )
    return with_csrf_cookie(request, response, nonce, new)


async def confirm_submit(request: web.Request) -> web.Response:
    """The button of the confirm page: pending → confirmed (CSRF-checked like every form)."""
    site = request.app[SITE]
    found = await _pending_subscriber(request)
    if isinstance(found, web.Response):
        return found
    lang = visitor_lang(request, found.language)
    if not csrf_ok(request, await request.post()):
        return csrf_refused(lang)
    async with site.sessions() as session:
        subscriber = await session.get(Subscriber, found.id)
        assert subscriber is not None
        await service.confirm(session, subscriber, site.clock())
        await session.commit()
    return _confirmed_page(site, subscriber, lang)
