"""Subscription pages: `/subscribe`, `/confirm/{token}`, `/preferences/{token}`,
`/unsubscribe/{token}` (server-rendered, in the visitor's language).

Wire them with `setup_subscription_routes(app, SubscriptionSite(...))`. Forms carry a signed
double-submit CSRF token (cookie + hidden field), except the unsubscribe POST, which must work
for RFC 8058 one-click requests sent by mail providers without any cookie. GET never changes
anything: mail gateways open every link of a message, so the confirm link shows a button and
its POST is the double opt-in itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiohttp import web

from i18n.languages import LANGUAGES
from newsletter.subscriptions import service
from newsletter.subscriptions.addresses import (
    NON_ASCII_LOCAL_PART,
    AddressError,
    UnsupportedAddress,
    normalize_address,
)
from newsletter.subscriptions.confirmation import confirmation_message
from newsletter.subscriptions.i18n import gettext
from newsletter.subscriptions.mailer import MailerError
from newsletter.subscriptions.names import subscriber_name
from storage.subscribers import Subscriber
from web.public.confirm import confirm_page, confirm_submit
from web.public.preferences import (
    preferences_page,
    preferences_submit,
    unsubscribe_page,
    unsubscribe_submit,
)
from web.public.site import (
    SITE,
    SubscriptionSite,
    client_key,
    csrf_ok,
    csrf_refused,
    form_lang,
    form_page,
    form_string,
    form_strings,
    message,
    visitor_lang,
)

__all__ = ["SubscriptionSite", "setup_subscription_routes"]
log = logging.getLogger(__name__)


def setup_subscription_routes(app: web.Application, site: SubscriptionSite) -> None:
    """Add the four subscription routes to `app`."""
    app[SITE] = site
    app.on_cleanup.append(_emails_sent)
    app.router.add_get("/subscribe", subscribe_form)
    app.router.add_post("/subscribe", subscribe_submit)
    app.router.add_get("/confirm/{token}", confirm_page)
    app.router.add_post("/confirm/{token}", confirm_submit)
    app.router.add_get("/unsubscribe/{token}", unsubscribe_page)
    app.router.add_post("/unsubscribe/{token}", unsubscribe_submit)
    app.router.add_get("/preferences/{token}", preferences_page)
    app.router.add_post("/preferences/{token}", preferences_submit)


# ---------------------------------------------------------------- /subscribe


async def _subscribe_page(
    request: web.Request,
    lang: str,
    form: dict[str, object],
    errors: Sequence[str] = (),
    status: int = 200,
) -> web.Response:
    return await form_page(
        request,
        lang,
        "subscribe.html",
        status,
        title=gettext(lang, "Subscribe to the bulletin"),
        switch_url="/subscribe",
        form=form,
        errors=errors,
    )


async def subscribe_form(request: web.Request) -> web.Response:
    lang = visitor_lang(request)
    return await _subscribe_page(
        request, lang, {"email": "", "name": "", "language": lang, "networks": []}
    )


async def subscribe_submit(request: web.Request) -> web.Response:
    site = request.app[SITE]
    form = await request.post()
    lang = form_lang(request, form)
    visitor = client_key(request, site.trusted_proxy)
    if not site.limiter.hit(visitor, site.monotonic()):
        return _too_many(site, visitor, lang)
    if not csrf_ok(request, form):
        return csrf_refused(lang)
    values: dict[str, object] = {
        "email": form_string(form, "email")[:320],
        "name": form_string(form, "name")[:200],
        "language": form_string(form, "language"),
        "networks": form_strings(form, "networks"),
    }
    email, errors = _check_fields(values, lang)
    async with site.sessions() as session:
        known = await service.known_network_slugs(session)
    chosen = [n for n in values["networks"] if n in known]  # type: ignore[attr-defined]
    if not chosen:
        errors.append(gettext(lang, "Please choose at least one network."))
    if errors:
        return await _subscribe_page(request, lang, values, errors, status=400)
    async with site.sessions() as session:
        result = await service.request_subscription(
            session,
            email,
            str(values["name"]) or None,
            str(values["language"]),
            chosen,
            site.clock(),
        )
        await session.commit()
        if result.send_confirmation:
            site.send_later(_send_confirmation(site, result.subscriber.id))
    # the same answer whether the address was new, pending or already confirmed
    return _check_your_inbox(lang)


def _too_many(site: SubscriptionSite, visitor: str, lang: str) -> web.Response:
    minutes = max(1, round(site.limiter.retry_after(visitor, site.monotonic()) / 60))
    response = message(
        lang,
        gettext(lang, "Too many attempts"),
        [gettext(lang, "Please wait %(minutes)s minutes and try again.", minutes=minutes)],
        status=429,
    )
    response.headers["Retry-After"] = str(minutes * 60)
    return response


def _check_fields(values: dict[str, object], lang: str) -> tuple[str, list[str]]:
    """The normalized address ("" when refused) and what is wrong with the form's fields; an
    unknown language is replaced by the page's."""
    email = ""
    errors: list[str] = []
    try:
        email = normalize_address(str(values["email"]))
    except UnsupportedAddress:
        errors.append(gettext(lang, NON_ASCII_LOCAL_PART))
    except AddressError:
        errors.append(gettext(lang, "Please enter a valid email address, like name@example.org."))
    try:
        subscriber_name(str(values["name"]))
    except ValueError:
        errors.append(gettext(lang, "Please write your name on one line."))
    if values["language"] not in LANGUAGES:
        values["language"] = lang
        errors.append(gettext(lang, "Please choose the language of the bulletin."))
    return email, errors


def _check_your_inbox(lang: str) -> web.Response:
    return message(
        lang,
        gettext(lang, "Check your inbox"),
        [
            gettext(
                lang,
                "If this address can subscribe, we have sent it an email with a link to "
                "confirm. Click it to start receiving the bulletin.",
            ),
            gettext(lang, "Nothing there after a few minutes? Look in the spam folder."),
        ],
    )


async def _send_confirmation(site: SubscriptionSite, subscriber_id: int) -> None:
    """Send the confirmation email after the answer; a failure is logged, and subscribing
    again sends it (re-sends are paced only once one went out)."""
    async with site.sessions() as session:
        subscriber = await session.get(Subscriber, subscriber_id)
        if subscriber is None:
            return
        try:
            await site.mailer.send(confirmation_message(site.settings, subscriber))
        except MailerError as exc:
            log.error("confirmation email not sent: %s", exc)
            return
        service.confirmation_sent(session, subscriber, "web", site.clock())
        await session.commit()


async def _emails_sent(app: web.Application) -> None:
    await app[SITE].emails_sent()
