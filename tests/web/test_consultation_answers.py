"""Answering a consultation on the web: bad input gets a clear sentence and loses nothing;
two representatives saving at once never overwrite each other silently; the sign-in form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from engagement.consultations import answering, lifecycle
from engagement.consultations.definition_check import load_definition
from engagement.consultations.errors import AnswerError, DefinitionError, InvalidAnswer
from engagement.consultations.messages import explain_answer
from engagement.consultations.response_access import start_or_resume
from engagement.invites import Redeemed, create_invite, redeem_invite
from storage.base import utcnow
from storage.consultations import (
    ConsultationInvitation,
    ConsultationResponse,
    ConsultationStatus,
    InvitationKind,
)
from storage.engine import SessionFactory
from storage.networks import City
from storage.people import Person, PersonRole, Role
from tests.bot.consultation_support import add_city, declaration_yaml
from tests.web.answer_support import link, mailed_links, send, visible_text, web_client


@pytest.fixture
async def client(sessions: SessionFactory, tmp_path: Path) -> AsyncIterator[TestClient]:
    async with web_client(sessions, tmp_path / "outbox", subscribe_limit=3) as c:
        yield c


async def representative(
    sessions: SessionFactory, city_id: int, lang: str, email: str | None = None
) -> int:
    async with sessions() as session:
        person = Person(
            display_name=f"rep-{lang}",
            language=lang,
            email=email,
            roles=[PersonRole(role=Role.city_representative, city_id=city_id)],
        )
        session.add(person)
        await session.commit()
        return person.id


async def open_consultation(sessions: SessionFactory, yaml: str | None = None) -> int:
    async with sessions() as session:
        consultation = await lifecycle.create_consultation(
            session, yaml or declaration_yaml(), actor="t"
        )
        await lifecycle.set_status(session, consultation.id, ConsultationStatus.open, actor="t")
        return consultation.id


async def stored(sessions: SessionFactory, consultation_id: int) -> dict[str, object]:
    async with sessions() as session:
        response = await session.scalar(
            select(ConsultationResponse).where(
                ConsultationResponse.consultation_id == consultation_id
            )
        )
        assert response is not None
        return dict(response.working_answers)


async def open_form(
    client: TestClient, sessions: SessionFactory, city_name: str, country: str, lang: str
) -> tuple[int, str, str]:
    """A city with its representative reading `lang`, the declaration open, and its form opened
    from the representative's link: (consultation, path, first page)."""
    city = await add_city(sessions, city_name, country)
    person = await representative(sessions, city, lang)
    cid = await open_consultation(sessions)
    path = link("declaration", cid, person, city)
    page = await (await client.get(path)).text()
    return cid, path, page


async def test_a_word_for_a_number_is_refused_with_the_bots_sentence_and_the_word_kept(
    client: TestClient, sessions: SessionFactory
) -> None:
    cid, path, page = await open_form(client, sessions, "Lisboa", "PT", "pt")
    _, page = await send(client, path, page, [("priority", "climate")])
    _, page = await send(client, path, page, [("actions", "parks")])
    _, page = await send(client, path, page, [("satisfaction", "3")])
    status, page = await send(client, path, page, [("budget", "muito dinheiro")])
    assert status == 422
    text = visible_text(page)
    assert "Há um problema" in text
    assert (
        f"Orçamento (k€)?: {explain_answer(InvalidAnswer(AnswerError.not_a_number), 'pt')}" in text
    )
    assert 'href="#a-budget"' in page and 'aria-invalid="true"' in page
    assert 'value="muito dinheiro"' in page
    assert await stored(sessions, cid) == {
        "priority": "climate",
        "actions": ["parks"],
        "satisfaction": 3,
    }


async def test_too_long_text_is_refused_and_kept_whole_in_the_field(
    client: TestClient, sessions: SessionFactory
) -> None:
    cid, path, page = await open_form(client, sessions, "Barcelona", "ES", "ca")
    _, page = await send(client, path, page, [("priority", "inclusion")])
    _, page = await send(client, path, page, [("actions", "schools"), ("actions", "parks")])
    _, page = await send(client, path, page, [("satisfaction", "4")])
    long = "Perquè cap infant no es quedi enrere a cap barri"
    status, page = await send(client, path, page, [("why", long)])
    assert status == 422
    assert "La vostra resposta té 48 caràcters; el límit és 40." in visible_text(page)
    assert f">{long}</textarea>" in page
    assert "why" not in await stored(sessions, cid)


async def test_more_choices_than_allowed_are_refused(
    client: TestClient, sessions: SessionFactory
) -> None:
    _, path, page = await open_form(client, sessions, "Lyon", "FR", "fr")
    _, page = await send(client, path, page, [("priority", "climate")])
    three = [("actions", "schools"), ("actions", "parks"), ("actions", "transport")]
    status, page = await send(client, path, page, three)
    assert status == 422 and "Vous pouvez choisir au plus 2 options." in visible_text(page)
    assert page.count("checked") == 3  # her three choices stay ticked


async def test_a_forged_link_is_refused_clearly(
    client: TestClient, sessions: SessionFactory
) -> None:
    city = await add_city(sessions, "Lyon", "FR")
    person = await representative(sessions, city, "fr")
    cid = await open_consultation(sessions)
    path = link("declaration", cid, person, city)
    forged = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    response = await client.get(forged, headers={"Accept-Language": "fr"})
    assert response.status == 403
    assert "Ce lien n'est pas valide" in visible_text(await response.text())
    other_key = link("declaration", cid, person, city, key="someone-elses-key")
    response = await client.get(other_key, headers={"Accept-Language": "fr"})
    assert response.status == 403


async def test_an_expired_link_says_so_and_offers_a_new_one(
    client: TestClient, sessions: SessionFactory
) -> None:
    city = await add_city(sessions, "Lyon", "FR")
    person = await representative(sessions, city, "fr")
    cid = await open_consultation(sessions)
    path = link("declaration", cid, person, city, now=utcnow() - timedelta(days=15))
    response = await client.get(path, headers={"Accept-Language": "fr"})
    assert response.status == 410
    page = await response.text()
    assert "Ce lien a expiré." in visible_text(page)
    assert 'href="/consultations/declaration#sign-in"' in page


async def test_a_link_for_another_city_is_refused(
    client: TestClient, sessions: SessionFactory
) -> None:
    lyon = await add_city(sessions, "Lyon", "FR")
    porto = await add_city(sessions, "Porto", "PT")
    person = await representative(sessions, lyon, "fr")
    cid = await open_consultation(sessions)
    response = await client.get(link("declaration", cid, person, porto))
    assert response.status == 403
    assert "ville que vous ne représentez pas" in visible_text(await response.text())
    # a link of another consultation pasted under this one's address
    response = await client.get(link("declaration", cid + 1, person, lyon))
    assert response.status == 403


async def test_submitting_after_closing_says_it_closed_and_gives_back_what_was_typed(
    client: TestClient, sessions: SessionFactory
) -> None:
    cid, path, page = await open_form(client, sessions, "Lyon", "FR", "fr")
    _, page = await send(client, path, page, [("priority", "climate")])
    async with sessions() as session:
        await lifecycle.set_status(session, cid, ConsultationStatus.closed, actor="t")
    status, page = await send(client, path, page, [("actions", "parks")])
    assert status == 409
    text = visible_text(page)
    assert "Cette consultation est close ; les réponses ne peuvent plus être modifiées." in text
    assert "Ce que vous aviez saisi (non enregistré) Quelles actions ? Parcs" in text
    assert await stored(sessions, cid) == {"priority": "climate"}


async def test_the_second_saver_sees_what_the_other_changed_and_nothing_is_overwritten(
    client: TestClient, sessions: SessionFactory
) -> None:
    city = await add_city(sessions, "Barcelona", "ES")
    marta = await representative(sessions, city, "ca")
    jordi = await representative(sessions, city, "ca")
    cid = await open_consultation(sessions)
    marta_path, jordi_path = (link("declaration", cid, p, city) for p in (marta, jordi))
    page = await (await client.get(marta_path)).text()
    _, marta_page = await send(client, marta_path, page, [("priority", "inclusion")])
    jordi_page = await (await client.get(jordi_path)).text()  # both at "Quines accions?"
    _, jordi_page = await send(client, jordi_path, jordi_page, [("actions", "transport")])
    status, page = await send(client, marta_path, marta_page, [("actions", "schools")])
    assert status == 409
    text = visible_text(page)
    assert "Una altra persona ha canviat aquestes respostes mentrestant" in text
    assert "Canviat des que heu obert la pàgina: Quines accions?" in text
    assert 'value="schools" checked' in page  # her choice is kept in the form
    assert (await stored(sessions, cid))["actions"] == ["transport"]  # his is not overwritten
    status, page = await send(client, marta_path, page, [("actions", "schools")])
    assert status == 200 and (await stored(sessions, cid))["actions"] == ["schools"]


async def test_the_engine_refuses_a_save_made_from_an_old_version(
    sessions: SessionFactory,
) -> None:
    city = await add_city(sessions, "Lyon", "FR")
    person = await representative(sessions, city, "fr")
    cid = await open_consultation(sessions)
    async with sessions() as session:
        view = await start_or_resume(session, cid, person, language="fr")
        seen = answering.Seen(view.version, view.answers)
        moved = await answering.answer(
            session, view.response_id, "priority", "climate", person_id=person, channel="web"
        )
        assert moved.version == view.version + 1 and moved.channel == "web"
        with pytest.raises(answering.AnswersChanged) as refused:
            await answering.answer(
                session, view.response_id, "priority", "inclusion", person_id=person, seen=seen
            )
        assert refused.value.changed == ["priority"]


async def test_sign_in_answers_the_same_for_known_and_unknown_addresses_and_is_rate_limited(
    client: TestClient, sessions: SessionFactory, tmp_path: Path
) -> None:
    city = await add_city(sessions, "Lyon", "FR")
    await representative(sessions, city, "fr", email="claire@lyon.fr")
    await open_consultation(sessions)
    public = await (await client.get("/consultations/declaration?lang=fr")).text()
    assert 'action="/consultations/declaration/sign-in"' in public
    known = await client.post(
        "/consultations/declaration/sign-in", data={"email": "Claire@Lyon.fr", "page_lang": "fr"}
    )
    unknown = await client.post(
        "/consultations/declaration/sign-in", data={"email": "nobody@lyon.fr", "page_lang": "fr"}
    )
    assert known.status == unknown.status == 200
    assert visible_text(await known.text()) == visible_text(await unknown.text())
    assert "un lien est en route" in visible_text(await known.text())
    assert list(mailed_links(tmp_path / "outbox")) == ["claire@lyon.fr"]
    form = "/consultations/declaration/sign-in"
    bad = await client.post(form, data={"email": "claire", "page_lang": "fr"})
    assert bad.status == 422
    assert "Indiquez une adresse e-mail, par exemple nom@ville.org." in visible_text(
        await bad.text()
    )
    limited = await client.post(form, data={"email": "claire@lyon.fr", "page_lang": "fr"})
    assert limited.status == 429  # the fourth request from here within the window (limit 3)
    assert "Trop de demandes" in visible_text(await limited.text())
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1  # nothing sent when limited


async def test_the_emailed_sign_in_link_opens_the_form(
    client: TestClient, sessions: SessionFactory, tmp_path: Path
) -> None:
    city = await add_city(sessions, "Lyon", "FR")
    await representative(sessions, city, "fr", email="claire@lyon.fr")
    await open_consultation(sessions)
    await client.post("/consultations/declaration/sign-in", data={"email": "claire@lyon.fr"})
    url = mailed_links(tmp_path / "outbox")["claire@lyon.fr"]
    page = await client.get(url.split("aive.example.org", 1)[1])
    assert page.status == 200 and "Priorité principale ?" in await page.text()


SINGLE = declaration_yaml().replace(
    "one_response_per: city", "one_response_per: city\nweb_layout: single"
)


async def test_single_page_without_javascript_shows_a_branch_after_saving_and_pages_stay_light(
    client: TestClient, sessions: SessionFactory
) -> None:
    city = await add_city(sessions, "Barcelona", "ES")
    person = await representative(sessions, city, "en")
    cid = await open_consultation(sessions, SINGLE)
    path = link("declaration", cid, person, city)
    response = await client.get(path)
    page = await response.text()
    assert len(page.encode()) < 50_000
    assert (
        "'unsafe-inline'" not in response.headers["Content-Security-Policy"].split("style-src")[0]
    )
    assert '<script src="/static/consultation-answers.js" defer></script>' in page
    assert (
        '<div class="field" id="q-why" hidden data-show-if="priority" data-show-in="inclusion">'
        in page
    )
    status, page = await send(
        client,
        path,
        page,
        [
            ("priority", "inclusion"),
            ("actions", "schools"),
            ("satisfaction", "4"),
            ("budget", "12"),
        ],
    )
    assert status == 200
    assert '<div class="field" id="q-why" data-show-if="priority" data-show-in="inclusion">' in page
    status, page = await send(client, path, page, [("why", "For every child")])
    assert "Please check your answers" in page and "For every child" in page
    script = await client.get("/static/consultation-answers.js")
    assert script.status == 200 and script.content_type == "text/javascript"


def test_web_layout_is_checked_like_the_other_keys() -> None:
    assert load_definition(SINGLE).web_layout.value == "single"
    assert load_definition(declaration_yaml()).web_layout.value == "steps"
    with pytest.raises(DefinitionError) as bad:
        load_definition(SINGLE.replace("web_layout: single", "web_layout: pages"))
    assert "web_layout: must be one of steps, single" in bad.value.errors


async def test_an_invitation_emailed_to_a_representative_records_their_address(
    sessions: SessionFactory,
) -> None:
    city_id = await add_city(sessions, "Lyon", "FR")
    async with sessions() as session:
        city = await session.get(City, city_id)
        assert city is not None
        _invite, token = await create_invite(
            session, city, "k", created_by="cli", email="claire@lyon.fr"
        )
        person = Person(display_name="Claire", telegram_id=77)
        session.add(person)
        await session.flush()
        assert isinstance(await redeem_invite(session, token, "k", person), Redeemed)
        await session.commit()
        assert person.email == "claire@lyon.fr"


async def test_reminders_are_emailed_with_the_link_once_to_cities_that_have_not_submitted(
    sessions: SessionFactory, tmp_path: Path
) -> None:
    from app.context import AppContext
    from app.jobs import remind_consultations
    from app.settings import load_settings
    from tests.web.answer_support import KEY, PUBLIC

    lyon = await add_city(sessions, "Lyon", "FR")
    porto = await add_city(sessions, "Porto", "PT")
    claire = await representative(sessions, lyon, "fr", email="claire@lyon.fr")
    await representative(sessions, porto, "pt", email="rui@porto.pt")
    cid = await open_consultation(sessions, declaration_yaml(days_open=2))
    async with sessions() as session:  # Porto has submitted: no reminder for it
        rui = (await session.scalars(select(Person).where(Person.email == "rui@porto.pt"))).one()
        view = await start_or_resume(session, cid, rui.id, language="pt")
        await answering.answer_many(
            session,
            view.response_id,
            {"priority": "climate", "actions": ["parks"], "satisfaction": "3", "budget": "1"},
            person_id=rui.id,
        )
        await answering.submit(session, view.response_id, person_id=rui.id, channel="web")
    outbox = tmp_path / "outbox"
    settings = load_settings(public_url=PUBLIC, secret_key=KEY, outbox_dir=outbox)
    ctx = AppContext(settings, sessions.kw["bind"], sessions)
    await remind_consultations(ctx)
    await remind_consultations(ctx)  # the scheduler runs it every 15 minutes
    links = mailed_links(outbox)
    assert list(links) == ["claire@lyon.fr"] and len(list(outbox.glob("*.eml"))) == 1
    eml = message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
    assert eml["Subject"] == "Rappel : Déclaration 2026"
    assert "/consultations/declaration/answer/" in links["claire@lyon.fr"]
    async with sessions() as session:
        reminded = await session.scalars(
            select(ConsultationInvitation.person_id).where(
                ConsultationInvitation.kind == InvitationKind.reminder
            )
        )
        assert list(reminded) == [claire]
