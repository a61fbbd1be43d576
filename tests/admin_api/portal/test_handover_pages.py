"""The handover inbox in the browser: who sees what, taking first, the city team's view.

The conversation is asked for the way a person does (the dialogue, buttons only), committed
on the tests' real PostgreSQL; the portal is the real app in Debian's Chromium.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect
from redis.asyncio import Redis
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from admin_api.accounts.models import Role
from bot.relay import Relay
from core.pseudonym import pseudonym
from core.usage import UsageEvent
from handoff.models import Handover, HandoverContact, HandoverDesk, HandoverMessage
from nlu.client import NLUClient
from nlu.language import LanguageIdentifier
from services_directory.cities.models import City
from tests.admin_api.portal.conftest import SHORT_SESSION_S, served
from tests.helpers.browser import serious_violations, tab
from tests.helpers.conversation import Conversation
from tests.helpers.dialogue import make_dialogue
from tests.helpers.portal import PASSWORD, Invited, People, accept, sign_in
from tests.helpers.settings import PSEUDONYM_KEY
from tests.standins.server import free_port

pytestmark = pytest.mark.browser

WROTE = "J'ai reçu une lettre de la préfecture que je ne comprends pas"


@pytest.fixture
async def asked(
    pg_engine: AsyncEngine, redis: Redis, identifier: LanguageIdentifier
) -> AsyncIterator[tuple[str, str]]:
    """A person in Lyon asked for a volunteer about legal help (committed); yield their
    chat id and the desk's organisation."""
    people = People(pg_engine)
    org_id = await people.organization()
    async with AsyncSession(pg_engine) as session, session.begin():
        session.add(HandoverDesk(organization_id=org_id, city_id="lyon", category="legal"))
        last_event = await session.scalar(select(func.max(UsageEvent.id))) or 0
    chat_id = str(70_000_000 + uuid.uuid4().int % 1_000_000)
    nlu = NLUClient(f"http://127.0.0.1:{free_port()}", timeout_s=1, identifier=identifier)
    dialogue = make_dialogue(async_sessionmaker(pg_engine, expire_on_commit=False), redis, nlu)
    person = Conversation(dialogue, chat_id=chat_id, language_hint="fr")
    await person.hands_over("fr", "lyon", "legal", WROTE)
    await nlu.aclose()
    yield chat_id, org_id
    key = pseudonym(PSEUDONYM_KEY.encode(), "telegram", chat_id)
    async with AsyncSession(pg_engine) as session, session.begin():
        await session.execute(delete(Handover).where(Handover.key == key))
        await session.execute(delete(HandoverDesk).where(HandoverDesk.organization_id == org_id))
        # The person's usage events: other tests count theirs.
        await session.execute(delete(UsageEvent).where(UsageEvent.id > last_event))


async def _signed_in(page: Page, invited: Invited, landing: str) -> None:
    await accept(page, invited)
    await sign_in(page, invited.login)
    await page.wait_for_url(f"**{landing}")


async def _taken(page: Page, volunteer: Invited) -> str:
    """Sign the volunteer in, take the waiting conversation; its page's address."""
    await _signed_in(page, volunteer, "/portal/services")
    await page.goto("/portal/handovers")
    await page.locator("form[action$='/take'] button").click()
    await page.wait_for_url("**/portal/handovers/*")
    return page.url


async def test_the_first_volunteer_takes_it_the_second_is_told_and_others_never_see_it(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, asked: tuple[str, str]
) -> None:
    chat_id, org_id = asked
    people = People(pg_engine)
    samira = await people.invite(Role.ASSOCIATION, org_id)
    karim = await people.invite(Role.ASSOCIATION, org_id)
    stranger = await people.invite(Role.ASSOCIATION, await people.organization())
    async with (
        tab(browser, base_url) as first,
        tab(browser, base_url) as second,
        tab(browser, base_url) as other,
    ):
        for signed, invited in ((first, samira), (second, karim), (other, stranger)):
            await _signed_in(signed.page, invited, "/portal/services")
            await signed.page.goto("/portal/handovers")
        label = await _label(pg_engine, chat_id)
        await expect(other.page.locator("li.card")).to_have_count(0)
        for signed in (first, second):
            await expect(signed.page.locator("li.card")).to_have_count(1)
            await expect(signed.page.locator("li.card")).to_have_attribute("data-label", label)
            html = await signed.page.content()
            assert chat_id not in html
            assert WROTE not in html, "the inbox shows no message before one takes it"

        # Both pressed "take" on the same page; Samira's request arrives first.
        await first.page.locator("form[action$='/take'] button").click()
        await first.page.wait_for_url("**/portal/handovers/*")
        await expect(first.page.locator("#messages")).to_contain_text(WROTE)
        conversation = first.page.url
        await second.page.locator("form[action$='/take'] button").click()
        await second.page.wait_for_url("**/portal/handovers?notice=taken")
        await expect(second.page.locator(".notice")).to_have_text(
            "Un autre bénévole a pris cette conversation avant vous."
        )
        await expect(second.page.locator("li.card")).to_have_count(0)
        for signed in (second, other):
            response = await signed.page.goto(conversation)
            assert response is not None
            assert response.status == 404
        assert await serious_violations(first.page) == []
        # Signed out on a shared phone, Back shows no conversation: no copy was kept.
        await first.page.get_by_role("button", name="Se déconnecter").click()
        await first.page.wait_for_url("**/portal/sign-in**")
        await first.page.go_back()
        await first.page.wait_for_url("**/portal/sign-in**")
        assert WROTE not in await first.page.content()
        assert first.errors == []
        for signed in (second, other):
            # The one complaint: the 404 of the conversation they may not open.
            assert signed.errors == [
                "Failed to load resource: the server responded with a status of 404 (Not Found)"
            ]


@pytest.mark.parametrize("lang", ["ar", "fr"])
async def test_the_inbox_names_the_persons_city_in_the_readers_language(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, asked: tuple[str, str], lang: str
) -> None:
    _, org_id = asked
    volunteer = await People(pg_engine).invite(Role.ASSOCIATION, org_id)
    async with AsyncSession(pg_engine) as session:
        lyon = await session.get(City, "lyon")
        assert lyon is not None
        name = lyon.display_name(lang)
    async with tab(browser, base_url, locale=lang) as signed:
        await _signed_in(signed.page, volunteer, "/portal/services")
        await signed.page.goto("/portal/handovers")
        card = signed.page.locator("li.card p").first
        await expect(card).to_contain_text(name)
        assert "lyon" not in await card.inner_text()


async def test_ready_answers_in_french_read_left_to_right_on_an_arabic_page(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, asked: tuple[str, str]
) -> None:
    _, org_id = asked
    volunteer = await People(pg_engine).invite(Role.ASSOCIATION, org_id)
    async with tab(browser, base_url, locale="ar") as signed:
        page = signed.page
        await _taken(page, volunteer)
        assert await page.locator("html").get_attribute("dir") == "rtl"
        # Right to left, a phone-wide select shows the end of a French answer, not its start.
        for select in ("#canned", "#service"):
            shown = page.locator(select)
            assert await shown.get_attribute("lang") == "fr"
            assert await shown.evaluate("s => getComputedStyle(s).direction") == "ltr", select


async def test_a_double_tap_on_send_answers_the_person_once(
    browser: Browser, base_url: str, pg_engine: AsyncEngine, asked: tuple[str, str]
) -> None:
    chat_id, org_id = asked
    samira = await People(pg_engine).invite(Role.ASSOCIATION, org_id)
    async with tab(browser, base_url) as volunteer:
        page = volunteer.page
        conversation = await _taken(page, samira)
        await page.locator("#text").fill("Envoyez-moi une photo de la lettre")
        form = page.locator("form#answer")
        fields = await form.evaluate("f => Object.fromEntries(new FormData(f).entries())")
        action = await form.get_attribute("action")
        assert action is not None
        # Two taps: both requests leave before either is answered.
        answers = await asyncio.gather(
            *(page.request.post(action, form=fields, max_redirects=0) for _ in range(2))
        )
        assert [answer.status for answer in answers] == [303, 303]
        await page.goto(conversation)
        assert volunteer.errors == []
    key = pseudonym(PSEUDONYM_KEY.encode(), "telegram", chat_id)
    async with AsyncSession(pg_engine) as session:
        handover = (await session.scalars(select(Handover).where(Handover.key == key))).one()
        sent = await session.scalars(
            select(HandoverMessage.text).where(
                HandoverMessage.handover_id == handover.id, HandoverMessage.author == "volunteer"
            )
        )
        assert sent.all() == ["Envoyez-moi une photo de la lettre"]


async def test_an_answer_typed_while_the_session_ended_comes_back_and_is_sent_once(
    browser: Browser, short_sessions: str, pg_engine: AsyncEngine, asked: tuple[str, str]
) -> None:
    chat_id, org_id = asked
    samira = await People(pg_engine).invite(Role.ASSOCIATION, org_id)
    answer = "Bonjour, envoyez-moi une photo de la lettre.\nJe vous explique ensuite."
    async with tab(browser, short_sessions) as volunteer:
        page = volunteer.page
        conversation = await _taken(page, samira)
        taken = time.monotonic()
        await page.locator("#text").fill(answer)
        await asyncio.sleep(SHORT_SESSION_S + 0.5 - (time.monotonic() - taken))
        async with page.expect_response("**/answer") as refused:
            await page.locator("form#answer button[type=submit]").click()
        assert (await refused.value).status == 401
        await page.locator("#login").fill(samira.login)
        await page.locator("#password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()
        # The conversation again, the answer back in its box, not sent.
        await expect(page.locator("#text")).to_have_value(answer)
        await expect(page.locator("main > .notice[role=status]")).to_contain_text(
            "pas encore enregistré"
        )
        assert await _sent(pg_engine, chat_id) == []
        await page.locator("form#answer button[type=submit]").click()
        await page.wait_for_url(f"{conversation}#answer")
        await expect(page.locator("#messages")).to_contain_text("Je vous explique ensuite.")
    assert [text.replace("\r\n", "\n") for text in await _sent(pg_engine, chat_id)] == [answer]


async def _sent(engine: AsyncEngine, chat_id: str) -> list[str]:
    key = pseudonym(PSEUDONYM_KEY.encode(), "telegram", chat_id)
    async with AsyncSession(engine) as session:
        sent = await session.scalars(
            select(HandoverMessage.text)
            .join(Handover, Handover.id == HandoverMessage.handover_id)
            .where(Handover.key == key, HandoverMessage.author == "volunteer")
        )
        return list(sent)


async def test_the_city_team_sees_it_escalated_with_figures_and_reassigns_it(
    browser: Browser,
    base_url: str,
    pg_engine: AsyncEngine,
    redis: Redis,
    asked: tuple[str, str],
) -> None:
    chat_id, org_id = asked
    people = People(pg_engine)
    city = await people.invite(Role.CITY_ADMIN)
    samira = await people.invite(Role.ASSOCIATION, org_id)
    # A volunteer of an association with no desk for Lyon's legal questions.
    elsewhere = await people.invite(Role.ASSOCIATION, await people.organization())
    relay = Relay(async_sessionmaker(pg_engine), redis, PSEUDONYM_KEY.encode(), escalate_minutes=30)
    assert await relay.escalate_once(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31)) >= 1
    async with tab(browser, base_url) as team, tab(browser, base_url) as volunteer:
        await _signed_in(team.page, city, "/portal/review")
        # Every page's navigation tells the city team, not only the inbox.
        await expect(team.page.locator("nav .escalated-count")).to_contain_text("remontée")
        await team.page.goto("/portal/handovers")
        card = team.page.locator(f"li.card[data-label='{await _label(pg_engine, chat_id)}']")
        await expect(card.locator(".escalated")).to_have_text(
            "Remontée à l'équipe de la ville : personne ne l'a prise à temps."
        )
        figures = team.page.locator("dl.figures")
        await expect(figures).to_contain_text("Conversations")
        assert chat_id not in await team.page.content()
        assert await serious_violations(team.page) == []

        # The city team takes it, giving its name, then hands it to Samira.
        await card.locator("input[name=show_name]").check()
        await card.locator("form[action$='/take'] button").click()
        await team.page.wait_for_url("**/portal/handovers/*")
        conversation = team.page.url
        samira_id = await _account_id(pg_engine, samira.login)
        elsewhere_id = await _account_id(pg_engine, elsewhere.login)
        offered = await team.page.locator("#volunteer option").evaluate_all(
            "options => options.map(o => o.value)"
        )
        assert str(samira_id) in offered
        assert str(elsewhere_id) not in offered, "they could not even open it"
        # The form pointed at them all the same: refused, and the conversation stays.
        await team.page.locator("#volunteer").evaluate(
            f"s => {{ s.add(new Option('?', '{elsewhere_id}')); s.value = '{elsewhere_id}'; }}"
        )
        async with team.page.expect_response("**/reassign") as refused:
            await team.page.locator("form[action$='/reassign'] button").click()
        assert (await refused.value).status == 422
        await team.page.goto(conversation)
        await team.page.locator("#volunteer").select_option(str(samira_id))
        await team.page.locator("form[action$='/reassign'] button").click()
        await team.page.wait_for_url(conversation)

        await _signed_in(volunteer.page, samira, "/portal/services")
        await volunteer.page.goto(conversation)
        await expect(volunteer.page.locator("#messages")).to_contain_text(WROTE)
        await volunteer.page.locator("#text").fill("Envoyez-moi une photo de la lettre")
        await volunteer.page.locator("#answer button[type=submit]").click()
        await volunteer.page.wait_for_url(f"{conversation}#answer")
        # The one complaint: the refused form's 422.
        assert team.errors == [
            "Failed to load resource: the server responded with a status of 422 "
            "(Unprocessable Entity)"
        ]
        assert volunteer.errors == []

    key = pseudonym(PSEUDONYM_KEY.encode(), "telegram", chat_id)
    async with AsyncSession(pg_engine) as session:
        handover = (await session.scalars(select(Handover).where(Handover.key == key))).one()
        assert handover.volunteer_id == samira_id
        assert handover.show_name
        notice = (
            await session.scalars(
                select(HandoverMessage).where(
                    HandoverMessage.handover_id == handover.id, HandoverMessage.notice == "taken"
                )
            )
        ).one()
        assert json.loads(notice.text)["volunteer"] == city.login.split("@")[0]


async def _label(engine: AsyncEngine, chat_id: str) -> str:
    key = pseudonym(PSEUDONYM_KEY.encode(), "telegram", chat_id)
    async with AsyncSession(engine) as session:
        return (await session.scalars(select(Handover.label).where(Handover.key == key))).one()


async def _account_id(engine: AsyncEngine, login: str) -> int:
    from admin_api.accounts.models import Credential

    async with AsyncSession(engine) as session:
        credential = (
            await session.scalars(select(Credential).where(Credential.login == login))
        ).one()
        return credential.account_id


@pytest.fixture
async def asked_on_whatsapp_long_ago(
    pg_engine: AsyncEngine, redis: Redis, identifier: LanguageIdentifier
) -> AsyncIterator[tuple[str, str]]:
    """A person in Lyon asked on WhatsApp for a volunteer 25 hours ago (committed); yield
    their phone number and the desk's organisation."""
    people = People(pg_engine)
    org_id = await people.organization()
    async with AsyncSession(pg_engine) as session, session.begin():
        session.add(HandoverDesk(organization_id=org_id, city_id="lyon", category=None))
        last_event = await session.scalar(select(func.max(UsageEvent.id))) or 0
    wa_id = str(33_600_000_000 + uuid.uuid4().int % 1_000_000)
    nlu = NLUClient(f"http://127.0.0.1:{free_port()}", timeout_s=1, identifier=identifier)
    then = dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
    sessions = async_sessionmaker(pg_engine, expire_on_commit=False)
    person = Conversation(
        make_dialogue(sessions, redis, nlu, clock=lambda: then), chat_id=wa_id,
        channel="whatsapp", language_hint="fr",
    )  # fmt: skip
    await person.hands_over("fr", "lyon", "legal", WROTE)
    await nlu.aclose()
    yield wa_id, org_id
    key = pseudonym(PSEUDONYM_KEY.encode(), "whatsapp", wa_id)
    async with AsyncSession(pg_engine) as session, session.begin():
        await session.execute(delete(Handover).where(Handover.key == key))
        await session.execute(delete(HandoverDesk).where(HandoverDesk.organization_id == org_id))
        await session.execute(delete(UsageEvent).where(UsageEvent.id > last_event))


async def test_after_24_hours_on_whatsapp_the_answer_is_refused_or_waits_for_the_person(
    browser: Browser, base_url: str, pg_engine: AsyncEngine,
    asked_on_whatsapp_long_ago: tuple[str, str],
) -> None:  # fmt: skip
    wa_id, org_id = asked_on_whatsapp_long_ago
    samira = await People(pg_engine).invite(Role.ASSOCIATION, org_id)
    async with tab(browser, base_url) as volunteer:
        page = volunteer.page
        conversation = await _taken(page, samira)
        await page.locator("#text").fill("Venez mardi à la permanence")
        await page.locator("#answer button[type=submit]").click()
        await expect(page.locator("[role=alert]")).to_have_text(
            "Impossible d'envoyer : WhatsApp n'autorise les réponses que dans les 24 heures "
            "qui suivent le dernier message de la personne."
        )
        assert "Venez mardi" not in await page.locator("#messages").inner_text()

    # With the template configured, the same answer is kept and the person told by it.
    async with (
        served(WHATSAPP_HANDOVER_TEMPLATE="dalil_volunteer_answered") as templated,
        tab(browser, templated) as volunteer,
    ):
        page = volunteer.page
        await sign_in(page, samira.login)
        await page.wait_for_url("**/portal/services")
        await page.goto(conversation.replace(base_url, templated))
        await page.locator("#text").fill("Venez mardi à la permanence")
        await page.locator("#answer button[type=submit]").click()
        await page.wait_for_url("**#answer")
        messages = page.locator("#messages")
        await expect(messages).to_contain_text(
            "WhatsApp l'a prévenue que vous avez répondu. Elle recevra votre réponse quand elle "
            "écrira de nouveau."
        )
        held = messages.locator("li.volunteer")
        await expect(held).to_contain_text("Venez mardi à la permanence")
        await expect(held.locator(".held")).to_have_text(
            "(en attente d'un nouveau message de la personne)"
        )
        assert wa_id not in await page.content()
        assert volunteer.errors == []


async def test_the_city_team_sets_where_escalations_are_e_mailed(
    browser: Browser, base_url: str, pg_engine: AsyncEngine
) -> None:
    city = await People(pg_engine).invite(Role.CITY_ADMIN)
    async with tab(browser, base_url) as team:
        page = team.page
        await _signed_in(page, city, "/portal/review")
        await page.goto("/portal/handovers")
        await page.locator("#email-lyon").fill("equipe@lyon")
        await page.get_by_role("button", name="Enregistrer les adresses").click()
        await expect(page.locator("#contacts ~ [role=alert]")).to_have_text(
            "Ce n'est pas une adresse e-mail : Lyon."
        )
        await expect(page.locator("#email-lyon")).to_have_value("equipe@lyon")
        await page.locator("#email-lyon").fill("equipe-ville@lyon.example")
        await page.get_by_role("button", name="Enregistrer les adresses").click()
        await page.wait_for_url("**/portal/handovers?notice=contacts")
        await expect(page.locator(".notice")).to_have_text("Les adresses sont enregistrées.")
        await expect(page.locator("#email-lyon")).to_have_value("equipe-ville@lyon.example")
        assert await serious_violations(page) == []
    async with AsyncSession(pg_engine) as session, session.begin():
        contact = await session.get(HandoverContact, "lyon")
        assert contact is not None
        assert (contact.email, contact.language) == ("equipe-ville@lyon.example", "fr")
        await session.delete(contact)
