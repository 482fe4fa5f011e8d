"""`POST /consultations/{slug}/sign-in`: a representative asks for a new link by email.

The page says the same whether the address is known or not (nobody learns whose address we
hold), and a visitor may ask a few times per window only (`AnswerSite.limiter`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from engagement.consultations import web_recipients
from engagement.consultations.response_access import definition_of
from engagement.consultations.schema import localized
from newsletter.subscriptions.addresses import AddressError, normalize_address
from newsletter.subscriptions.mailer import MailerError
from storage import consultations_queries as q
from storage.consultations import Consultation
from web.public import answer_mail
from web.public.answer_pages import render, text
from web.public.answer_site import SITE, AnswerSite, form_str, html_page, reader_lang
from web.public.site import client_key

log = logging.getLogger(__name__)
_ = text


async def sign_in(request: web.Request) -> web.Response:
    """Mail a link to the address given, if it is a representative's who may answer; the page
    says the same either way (no one learns whose address is known)."""
    site = request.app[SITE]
    slug = request.match_info["slug"]
    form = await request.post()
    lang = reader_lang(request, form_str(form.get("page_lang")) or None)
    async with site.sessions() as session:
        consultation = await q.consultation_by_slug(session, slug)
        if consultation is None:
            raise web.HTTPNotFound()
        title = localized(definition_of(consultation).title, lang)
        if not site.limiter.hit(client_key(request, site.trusted_proxy), site.clock().timestamp()):
            sentence = _("Too many requests from here. Please try again in a few minutes.", lang)
            return _page(lang, 429, sentence=sentence, title=title, slug=slug)
        try:
            address = normalize_address(form_str(form.get("email")))
        except AddressError:
            sentence = _("Please give an email address, for example name@city.org.", lang)
            return _page(lang, 422, sentence=sentence, title=title, slug=slug, invalid=True)
        recipients = await web_recipients.sign_in_recipients(
            session, consultation, address, site.clock()
        )
        await _send_links(site, consultation, recipients)
    sentence = _(
        "If this address belongs to a representative who can answer this consultation, a "
        "link is on its way. It works for %(days)s days; check your spam folder too.",
        lang,
        days=site.link_validity.days,
    )
    return _page(lang, 200, sentence=sentence, title=title, slug=slug, sent=True)


def _page(lang: str, status: int, **values: Any) -> web.Response:
    return html_page(render("answers/sign_in.html.j2", lang, **values), lang, status)


async def _send_links(
    site: AnswerSite,
    consultation: Consultation,
    recipients: Sequence[web_recipients.LinkRecipient],
) -> None:
    """One sign-in email per city the address may answer for; a failure is logged only."""
    for recipient in recipients:
        try:
            await site.mailer.send(
                answer_mail.link_message(
                    recipient,
                    consultation,
                    "sign_in",
                    site.key,
                    site.public_url,
                    site.default_language,
                    now=site.clock(),
                    validity=site.link_validity,
                    timezone=site.timezone,
                )
            )
        except MailerError as error:
            log.warning("consultation sign-in link not sent: %s", error)
