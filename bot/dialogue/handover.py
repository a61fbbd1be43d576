"""Talking to a person: asking for a volunteer, writing to them, and coming back with /end.

The person asks (the `talk_to_human` intent or the 🙋 button), is told who will read, when
someone is usually there, that /end stops it and that an emergency still gets the numbers at
once, and confirms. While the conversation is open their messages go to it instead of the
NLU, but for the safety net: words of danger get the numbers first.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.lists import format_list
from babel.support import NullTranslations

from bot.dialogue import directory, render
from bot.dialogue.turn import Turn
from bot.i18n import format_opening_hours, is_rtl
from bot.messages import Button, Reply
from core import sealed, usage
from core.languages import ICAL_DAYS
from handoff import service as handoff
from handoff.models import WAITING, Handover, HandoverDesk
from nlu.safety import mentions_danger
from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.cities.service import get_city
from services_directory.listings.models import Organization

INTENT = usage.HANDOVER_INTENT
# A rating counts for a conversation that ended this recently (the buttons stay in the chat).
RATED_WITHIN = dt.timedelta(days=7)
# The sealing label of a conversation's chat id (core.sealed): the relay opens it to deliver.
CHAT_ID_LABEL = b"dalil/handover-chat-id/v1"
# The value of "human:yes:<category>" when the person chose no topic.
ANY_TOPIC = "any"
# What waits for a city (the state's pending_category) while the person answers the questions
# before a conversation opens: a city they give then goes on with those questions.
PENDING = "human"


def seal_chat_id(secret: bytes, turn: Turn) -> str:
    """Return the turn's chat id sealed for its conversation row."""
    message = turn.message
    return sealed.seal(
        secret, CHAT_ID_LABEL, key=turn.key, channel=message.channel, chat_id=message.chat_id
    )


def unseal_chat_id(secret: bytes, handover: Handover) -> str:
    """Return the chat id of a conversation (UnreadableChatId when it cannot be opened)."""
    return sealed.unseal(
        secret, CHAT_ID_LABEL, key=handover.key or "", channel=handover.channel,
        sealed=handover.sealed_chat_id or "",
    )  # fmt: skip


def _category(value: str | None) -> Category | None:
    return Category(value) if value is not None and value in Category._value2member_map_ else None


async def on_button(turn: Turn, value: str, secret: bytes) -> list[Reply]:
    """Answer a press of 🙋 and of the buttons that follow it."""
    action, _, rest = value.partition(":")
    if action == "city":
        city = await get_city(turn.session, rest)
        if city is not None:
            return [await city_given(turn, city)]
        return [await offer(turn, _category(turn.state.category))]
    if action == "cat":
        return [await offer(turn, _category(rest), topic_chosen=True)]
    if action == "yes":
        return [await confirm(turn, None if rest == ANY_TOPIC else _category(rest), secret)]
    return [await offer(turn, _category(turn.state.category))]


def asking(turn: Turn) -> bool:
    """Tell whether the person is answering the questions before a conversation opens."""
    return turn.state.pending_category == PENDING


def topic_asked(turn: Turn) -> bool:
    """Tell whether the last answer asked which topic to talk to a person about."""
    return asking(turn) and "human:cat:" in (turn.offered or "")


def leave(turn: Turn) -> None:
    """Forget the questions before a conversation: the person turned to something else."""
    if asking(turn):
        turn.state.pending_category = None


async def city_given(turn: Turn, city: City) -> Reply:
    """Go on with the questions before a conversation in `city`, typed or pressed alike."""
    turn.state.city = city.id
    return await offer(turn, _category(turn.state.category))


async def offer(turn: Turn, category: Category | None, *, topic_chosen: bool = False) -> Reply:
    """Say who would read, when, and how to stop; ask the person to confirm."""
    t = turn.t
    # Until they confirm or turn away, a city the person gives answers these questions.
    turn.state.pending_category = PENDING
    city = await get_city(turn.session, turn.state.city) if turn.state.city else None
    if city is None:
        cities = await turn.cities()
        buttons = render.city_buttons(cities, turn.locale)
        by_city = tuple(tuple(Button(b.label, "human:" + b.payload) for b in r) for r in buttons)
        directory.numbered_rows(turn, by_city)
        return Reply(t.gettext("Which city are you in?"), by_city, rtl=is_rtl(turn.locale))
    if category is None and not topic_chosen:
        # Only the topics someone answers in this city, and none to choose if nobody does.
        desks = await handoff.city_desks(turn.session, city_id=city.id)
        answered = {desk.category for desk in desks}
        if not answered:
            leave(turn)
            await turn.record(INTENT, "no_desk", city=city.id)
            text = render.with_city(
                t.gettext("No association answers messages in {city} yet. Here is what I can do:"),
                turn.locale,
                city=city.display_name(turn.locale),
            )
            # Without the person's button: pressed, it led back here.
            return render.menu(t, turn.locale, text, person=False)
        every_topic = None in answered
        rows = [
            (Button(render.category_label(t, c), f"human:cat:{c.value}"),)
            for c in Category
            if every_topic or c.value in answered
        ]
        if every_topic:
            # Translators: a button under the topics, when the question is about none of them.
            rows.append((Button(t.gettext("Something else"), f"human:cat:{ANY_TOPIC}"),))
        text = t.gettext("What would you like to talk about?")
        # A number typed picks a topic (dialogue.respond), and a topic typed is read as one.
        turn.state.offered = "|".join(row[0].payload for row in rows)
        return Reply(text, tuple(rows), rtl=is_rtl(turn.locale))
    found = await handoff.desks(
        turn.session, city_id=city.id, category=category.value if category else None
    )
    await turn.record(INTENT, "offered" if found else "no_desk", category=category, city=city.id)
    if not found:
        leave(turn)
        text = render.with_city(
            t.gettext(
                "No association answers messages on this topic in {city} yet. "
                "Here is what I can do:"
            ),
            turn.locale,
            city=city.display_name(turn.locale),
        )
        return render.menu(t, turn.locale, text)
    names = [
        organization.name
        for desk in found
        if (organization := await turn.session.get(Organization, desk.organization_id))
    ]
    hours = _hours(found, turn.locale)
    lines = [
        t.gettext("Volunteers of {names} will read your messages.").format(
            names=format_list(names, locale=turn.locale)
        ),
        t.gettext("Someone is usually there: {hours}.").format(hours=hours),
    ]
    if not _open_now(found, city, turn.now):
        lines.append(t.gettext("Nobody is there right now: expect an answer during those hours."))
    lines.append(
        t.gettext(
            "You can stop at any time with /end. In an emergency, you still get the "
            "emergency numbers at once."
        )
    )
    lines.append(t.gettext("Do you want to write to them?"))
    topic = category.value if category else ANY_TOPIC
    confirm_rows = (
        (Button(t.gettext("✅ Yes, write to a person"), f"human:yes:{topic}"),),
        (Button(t.gettext("Back to the menu"), "menu"),),
    )
    return Reply("\n\n".join(lines), confirm_rows, rtl=is_rtl(turn.locale))


def _hours(found: list[HandoverDesk], locale: str) -> str:
    periods = [(tuple(d.byday.split(",")), d.opens_at, d.closes_at) for d in found]
    return format_opening_hours(periods, locale)


def _open_now(found: list[HandoverDesk], city: City, now: dt.datetime) -> bool:
    local = now.astimezone(ZoneInfo(city.timezone))
    day, clock = ICAL_DAYS[local.weekday()], local.strftime("%H:%M")
    return any(
        day in desk.byday.split(",") and desk.opens_at <= clock < desk.closes_at for desk in found
    )


async def confirm(turn: Turn, category: Category | None, secret: bytes) -> Reply:
    """Open the conversation; the person's next messages go to the volunteers."""
    t = turn.t
    if turn.state.city is None:
        return await offer(turn, category)
    found = await handoff.desks(
        turn.session, city_id=turn.state.city, category=category.value if category else None
    )
    if not found:
        return await offer(turn, category, topic_chosen=True)
    await handoff.open_conversation(
        turn.session, key=turn.key, channel=turn.message.channel,
        sealed_chat_id=seal_chat_id(secret, turn), city_id=turn.state.city,
        category=category.value if category else None, language=turn.locale, now=turn.now,
    )  # fmt: skip
    leave(turn)
    await turn.record(INTENT, "opened", category=category)
    text = t.gettext(
        "Done. Write your message here: a volunteer will answer in this chat. Send /end to stop."
    )
    return Reply(text, rtl=is_rtl(turn.locale))


async def while_handed_over(turn: Turn, handover: Handover) -> list[Reply] | None:
    """Answer a message of a person whose conversation is open; None: the usual dialogue."""
    message = turn.message
    t = turn.t
    if message.kind == "command":
        command = message.text.split()[0].split("@")[0].lower()
        return [await end(turn, handover)] if command == "/end" else None
    if message.kind == "unsupported":
        # A voice note, a sticker, a photo without words: nothing of it reaches the volunteer,
        # who would never know it was sent, and the person would think it had.
        text = t.gettext(
            "Volunteers can only read written messages: what you sent did not reach them. "
            "Please write it here."
        )
        return [Reply(text, rtl=is_rtl(turn.locale))]
    if message.kind != "text" or not message.text.strip():
        return None
    await handoff.add_person_message(turn.session, handover, message.text, turn.now)
    replies: list[Reply] = []
    if mentions_danger(message.text):
        # The volunteer reads it too; the numbers do not wait for them.
        replies.append(await directory.emergency(turn, None))
    if handover.state == WAITING:
        text = t.gettext("Sent. A volunteer will answer here. Send /end to stop.")
        replies.append(Reply(text, rtl=is_rtl(turn.locale)))
    return replies


async def end(turn: Turn, handover: Handover) -> Reply:
    """End the conversation at the person's request, with the menu and the feedback question."""
    await handoff.end_by_person(turn.session, handover, turn.now)
    await turn.record(INTENT, "ended", category=_category(handover.category))
    text = turn.t.gettext("The conversation with the volunteer has ended. Did it help you?")
    return ended(turn.t, turn.locale, text)


def ended(t: NullTranslations, locale: str, text: str) -> Reply:
    """The menu after a conversation with a volunteer, asking whether it helped."""
    feedback = (Button("👍", "hfb:up"), Button("👎", "hfb:down"))
    menu = render.menu(t, locale, text)
    return Reply(text, (feedback, *menu.buttons), rtl=is_rtl(locale))


async def feedback(turn: Turn, value: str) -> list[Reply] | None:
    """Count a 👍 or 👎 after a conversation with a volunteer, anonymously: once for each
    conversation that ended in the last RATED_WITHIN, and never without one (a button pressed
    again, or sent by hand, is thanked and not counted)."""
    if value not in ("up", "down"):
        return None
    rating: usage.Feedback = "up" if value == "up" else "down"
    ended = await handoff.last_ended(turn.session, turn.key, since=turn.now - RATED_WITHIN)
    if ended is not None and ended.id != turn.state.rated_handover:
        turn.state.rated_handover = ended.id
        await turn.record(INTENT, usage.FEEDBACK_OUTCOME, feedback=rating)
    text = turn.t.gettext("Thank you! This helps us improve Dalil.")
    return [render.menu(turn.t, turn.locale, text)]


async def end_without_conversation(turn: Turn) -> Reply:
    """Answer /end when no conversation is open: the menu."""
    return directory.what_do_you_need(turn)
