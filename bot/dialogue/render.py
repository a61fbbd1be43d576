"""Turning directory results and menus into short replies in the user's language."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.support import NullTranslations
from babel.units import format_unit

from bot.dialogue.myths import RUMOUR
from bot.i18n import (
    always_open,
    format_opening_hours,
    is_rtl,
    isolate,
    language_name,
    translations,
)
from bot.messages import Button, Reply
from core.languages import NATIVE_NAMES
from services_directory.categories import Category
from services_directory.cities.models import City, EmergencyNumber
from services_directory.search.opening import ICAL_DAYS
from services_directory.search.service import ServiceCard

MAX_BUTTON_LABEL = 30


def category_label(t: NullTranslations, category: Category) -> str:
    """Return the button label of a category."""
    labels = {
        Category.HEALTH: t.gettext("🩺 Health"),
        Category.HOUSING: t.gettext("🏠 Housing"),
        Category.EDUCATION: t.gettext("📚 Education"),
        Category.JOBS: t.gettext("💼 Jobs"),
        Category.LEGAL: t.gettext("⚖️ Legal help"),
        Category.SOCIAL_SUPPORT: t.gettext("🤝 Food and support"),
        Category.MOBILITY: t.gettext("🚌 Transport"),
    }
    return labels[category]


# Italian writes "ad" for "a" before a vowel: the catalogs' "a {city}" reads "a Amman".
_ITALIAN_A = re.compile(r"(?<!\w)a (?=\{(?:city|cities)\})")
_VOWELS = "aeiouàèéìòù"


def with_city(text: str, locale: str, **values: str) -> str:
    """Return `text` formatted with `values`, among them `city` or `cities` (names of cities),
    the word before the name in the form the name asks for ("ad Amman", "a Lisbona")."""
    first = values.get("city") or values.get("cities") or ""
    if locale == "it" and first[:1].casefold() in _VOWELS:
        text = _ITALIAN_A.sub("ad ", text)
    return text.format(**values)


def emergency_kind_label(t: NullTranslations, kind: str) -> str:
    """Return the name of a kind of emergency number."""
    labels = {
        "general": t.gettext("Emergencies"),
        "police": t.gettext("Police"),
        "ambulance": t.gettext("Ambulance"),
        "fire": t.gettext("Fire brigade"),
        # Translators: the service that rescues people in disasters and fires (in Lebanon, 125).
        "civil_defence": t.gettext("Civil defence"),
        "gendarmerie": t.gettext("Gendarmerie"),
        "violence_women": t.gettext("Violence against women"),
        "child": t.gettext("Children in danger"),
    }
    return labels.get(kind, kind)


def _rows(buttons: list[Button], width: int = 2) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def language_buttons() -> tuple[tuple[Button, ...], ...]:
    """Return the language choice, each language named in its own script, two per row."""
    return _rows([Button(name, f"lang:{code}") for code, name in NATIVE_NAMES.items()])


def category_button(t: NullTranslations, category: Category) -> Button:
    """Return the button that searches one category."""
    return Button(category_label(t, category), f"cat:{category.value}")


def myths_button(t: NullTranslations, key: str | None = None) -> Button:
    """Return the button that opens the myths and facts, or the fact of myth `key`."""
    return Button(t.gettext("💬 Myths and facts"), f"myth:{key}" if key else "myths")


def emergency_button(t: NullTranslations) -> Button:
    """Return the button that shows the emergency numbers."""
    return Button(t.gettext("🚨 Emergency"), "emergency")


def human_button(t: NullTranslations) -> Button:
    """Return the button that asks to write to a person (an association's volunteer)."""
    return Button(t.gettext("🙋 Talk to a person"), "human")


def erase_offer(t: NullTranslations, locale: str) -> Reply:
    """Return the answer to asking in words to be forgotten: what would go, and the button."""
    text = t.gettext(
        "I can erase what I keep about you: your language, your city, the facts you asked "
        "for and your conversations with volunteers. Tap the button to erase it."
    )
    buttons = (
        (Button(t.gettext("🗑 Erase my data"), "forget"),),
        (Button(t.gettext("Back to the menu"), "menu"),),
    )
    return Reply(text, buttons, rtl=is_rtl(locale))


def category_buttons(t: NullTranslations, *, person: bool = True) -> tuple[tuple[Button, ...], ...]:
    """Return the category menu, two per row, then myths and facts, a person (unless not
    `person`: where nobody answers), emergency last."""
    buttons = [category_button(t, c) for c in Category]
    buttons.append(myths_button(t))
    asking = ((human_button(t),),) if person else ()
    return (*_rows(buttons), *asking, (emergency_button(t),))


def city_buttons(cities: list[City], locale: str) -> tuple[tuple[Button, ...], ...]:
    """Return one button per city, two per row."""
    return _rows([Button(city.display_name(locale), f"city:{city.id}") for city in cities])


def menu(t: NullTranslations, locale: str, text: str, *, person: bool = True) -> Reply:
    """Return `text` followed by the category menu (without its person, unless `person`)."""
    return Reply(text, category_buttons(t, person=person), rtl=is_rtl(locale))


def ask_back(
    t: NullTranslations, locale: str, choices: tuple[str, ...], *, myth: str | None = None
) -> Reply:
    """Ask which of the likeliest topics is meant, with the menu and emergency a tap away;
    with `myth`, the key of the myth the message names, the myths button is its fact (and
    comes first if the myths are not among `choices`)."""
    rows: list[tuple[Button, ...]] = []
    if myth is not None and not any(c.partition("/")[0] == RUMOUR for c in choices):
        rows.append((myths_button(t, myth),))
    for choice in choices:
        category = Category.from_intent(choice)
        if category is not None:
            rows.append((category_button(t, category),))
        elif choice.partition("/")[0] == RUMOUR:
            rows.append((myths_button(t, myth),))
    # Translators: a button under the likeliest topics; it shows the whole menu.
    rows.append((Button(t.gettext("Something else"), "menu"),))
    # Whatever the guess, a person in danger is one tap from the numbers.
    rows.append((emergency_button(t),))
    # Translators: followed by one button per topic the message may be about.
    return Reply(t.gettext("Do you mean:"), tuple(rows), rtl=is_rtl(locale))


def _day(day: dt.date, today: dt.date, locale: str) -> str:
    # A weekday is clear within the week ahead; further, the date says which one.
    if (day - today).days < 7:
        return format_date(day, "EEEE", locale=locale)
    return format_skeleton("MMMMEEEEd", day, locale=locale)


def opening_state(
    t: NullTranslations, locale: str, card: ServiceCard, today: dt.date
) -> str | None:
    """Return "open now, until 13:00" or "closed now, opens Tuesday at 09:00" for one card."""
    if card.open_now is None:
        return None
    change = card.changes_at
    time = format_time(change, "HH:mm", locale=locale) if change else ""
    if card.open_now:
        if change is None or change.date() > today + dt.timedelta(days=1):
            return t.gettext("🟢 Open now")
        return t.gettext("🟢 Open now, until {time}").format(time=time)
    if change is None:
        return t.gettext("🔴 Closed now")
    if change.date() == today:
        return t.gettext("🔴 Closed now, opens today at {time}").format(time=time)
    if change.date() == today + dt.timedelta(days=1):
        return t.gettext("🔴 Closed now, opens tomorrow at {time}").format(time=time)
    # Translators: {day} is a weekday ("Tuesday") or a date ("Thursday, December 24").
    text = t.gettext("🔴 Closed now, opens {day} at {time}")
    return text.format(day=_day(change.date(), today, locale), time=time)


def distance(metres: float, locale: str) -> str:
    """Return a distance as people say it: "350 m" under a kilometre, "1.2 km" above."""
    if metres < 1000:
        return format_unit(round(metres, -1), "length-meter", "short", locale=locale)
    return format_unit(round(metres / 1000, 1), "length-kilometer", "short", locale=locale)


def service_card(
    t: NullTranslations, locale: str, number: int, card: ServiceCard, today: dt.date
) -> str:
    """Return one service as a few short lines; `today` is the city's date."""
    lines = [f"{number}. {card.name}"]
    place = ", ".join(part for part in (card.address, card.district) if part)
    if place:
        lines.append(f"📍 {isolate(place, locale)}")
    if card.distance_m is not None:
        # Translators: how far a service is from the location the person shared.
        away = t.gettext("{distance} away").format(distance=distance(card.distance_m, locale))
        lines.append(f"🚶 {isolate(away, locale)}")
    for phone in card.phones[:2]:
        lines.append(f"📞 {isolate(phone, locale)}")
    periods = [(p.days, p.opens_at, p.closes_at) for p in card.opening_hours]
    if periods:
        hours = (
            t.gettext("Open 24 hours, every day")
            if always_open(periods)
            else (format_opening_hours(periods, locale))
        )
        lines.append(f"🕒 {hours}")
        state = opening_state(t, locale, card, today) if not always_open(periods) else None
        if state:
            lines.append(state)
    if card.languages:
        names = format_list([language_name(code, locale) for code in card.languages], locale=locale)
        lines.append(f"🗣 {names}")
    if card.eligibility:
        lines.append(f"✅ {card.eligibility}")
    cost = t.gettext("Free") if card.is_free else card.fees or t.gettext("Fee to pay")
    lines.append(f"💶 {cost}")
    return "\n".join(lines)


def card_text(locale: str, card: ServiceCard, today: dt.date) -> str:
    """Return one card as the first of a list in `locale`: the portal's "what migrants see"."""
    return service_card(translations(locale), locale, 1, card, today)


def results(
    t: NullTranslations,
    locale: str,
    *,
    category: Category,
    city: City,
    cards: tuple[ServiceCard, ...],
    total: int,
    first_number: int,
    has_more: bool,
    filters: Filters,
    today: dt.date,
    offer_person: bool = False,
) -> Reply:
    """Return a list of services with the next steps as buttons; `offer_person` says under
    it, and shows as the first step after more results, that a person can help."""
    header = with_city(
        t.gettext("{category} in {city}:"),
        locale,
        category=category_label(t, category),
        city=city.display_name(locale),
    )
    blocks = [header + " " + found(t, total, filters)]
    blocks += [
        service_card(t, locale, first_number + i, card, today) for i, card in enumerate(cards)
    ]
    if any(card.is_sample for card in cards):
        blocks.append(t.gettext("⚠️ Sample data: these services are examples, not real places."))
    if offer_person:
        # Translators: under a list of services the person asked for again; 🙋 is the
        # "Talk to a person" button shown under it.
        blocks.append(
            t.gettext(
                "If these services do not help you, you can write to a person: press 🙋 below."
            )
        )
    rows: list[tuple[Button, ...]] = []
    if has_more:
        rows.append((Button(t.gettext("More results"), "more"),))
    if offer_person:
        rows.append((human_button(t),))
    rows.append(filter_buttons(t, filters))
    rows.append((Button(t.gettext("📍 Nearest to me"), "where"),))
    rows.append(
        (
            Button(t.gettext("Other topic"), "menu"),
            Button(t.gettext("Change city"), "city"),
        )
    )
    rows.append(
        (Button(t.gettext("👍 Useful"), "fb:up"), Button(t.gettext("👎 Not useful"), "fb:down"))
    )
    return Reply("\n\n".join(blocks), tuple(rows), rtl=is_rtl(locale))


@dataclass(frozen=True, slots=True)
class Filters:
    """How the person narrowed the list with the buttons under it."""

    open_only: bool = False
    free_only: bool = False

    def __bool__(self) -> bool:
        return self.open_only or self.free_only


def found(t: NullTranslations, count: int, filters: Filters) -> str:
    """Return how many services the list has, as narrowed."""
    if filters.open_only and filters.free_only:
        text = t.ngettext("{count} free service open now", "{count} free services open now", count)
    elif filters.open_only:
        text = t.ngettext("{count} service open now", "{count} services open now", count)
    elif filters.free_only:
        text = t.ngettext("{count} free service", "{count} free services", count)
    else:
        text = t.ngettext("{count} service", "{count} services", count)
    return text.format(count=count)


def filter_buttons(t: NullTranslations, filters: Filters) -> tuple[Button, ...]:
    """Return the buttons that narrow the list to open or free services, or widen it back."""
    return (
        Button(t.gettext("🕒 Any time"), "only:open")
        if filters.open_only
        else Button(t.gettext("🕒 Open now"), "only:open"),
        Button(t.gettext("💶 Paid too"), "only:free")
        if filters.free_only
        else Button(t.gettext("🆓 Free only"), "only:free"),
    )


def none_match(
    t: NullTranslations,
    locale: str,
    category: Category,
    city: City,
    filters: Filters,
    *,
    soonest: ServiceCard | None = None,
    today: dt.date | None = None,
) -> Reply:
    """Say that the narrowed list is empty, with the buttons that widen it again; with
    `soonest`, the service that opens first, and when (`today` is the city's date)."""
    text = t.gettext("None of the services for {category} in {city} is open now.")
    if filters.free_only:
        text = t.gettext("None of the free services for {category} in {city} is open now.")
        if not filters.open_only:
            text = t.gettext("None of the services for {category} in {city} is free.")
    body = with_city(
        text, locale, category=category_label(t, category), city=city.display_name(locale)
    )
    if soonest is not None and soonest.changes_at is not None and today is not None:
        body += "\n\n" + _first_to_open(t, locale, soonest, soonest.changes_at, today)
    rows = (filter_buttons(t, filters), (Button(t.gettext("Other topic"), "menu"),))
    return Reply(body, rows, rtl=is_rtl(locale))


def none_on_days(
    t: NullTranslations, locale: str, category: Category, city: City, days: tuple[str, ...]
) -> Reply:
    """Say that none of the list's services opens on `days` (ICAL_DAYS' names)."""
    names = Locale.parse(locale).days["stand-alone"]["wide"]
    listed = format_list([names[ICAL_DAYS.index(day)] for day in days], locale=locale)
    # Translators: {days} is a list of weekdays ("Saturday and Sunday").
    text = t.gettext("None of the services for {category} in {city} opens on these days: {days}.")
    body = with_city(
        text,
        locale,
        category=category_label(t, category),
        city=city.display_name(locale),
        days=listed,
    )
    return Reply(body, ((Button(t.gettext("Other topic"), "menu"),),), rtl=is_rtl(locale))


def none_tonight(t: NullTranslations, locale: str, category: Category, city: City) -> Reply:
    """Say that none of the list's services is open this evening or tonight."""
    text = t.gettext("None of the services for {category} in {city} is open tonight.")
    body = text.format(category=category_label(t, category), city=city.display_name(locale))
    return Reply(body, ((Button(t.gettext("Other topic"), "menu"),),), rtl=is_rtl(locale))


def _first_to_open(
    t: NullTranslations, locale: str, card: ServiceCard, opens: dt.datetime, today: dt.date
) -> str:
    """Return "The first to open: <name>, today at 08:30." with its phone."""
    time = format_time(opens, "HH:mm", locale=locale)
    name = isolate(card.name, locale)
    if opens.date() == today:
        # Translators: under "None of the services ... is open now"; {name} is a service's.
        text = t.gettext("The first to open: {name}, today at {time}.")
    elif opens.date() == today + dt.timedelta(days=1):
        text = t.gettext("The first to open: {name}, tomorrow at {time}.")
    else:
        # Translators: {day} is a weekday ("Tuesday") or a date ("Thursday, December 24").
        text = t.gettext("The first to open: {name}, {day} at {time}.")
    line = text.format(name=name, time=time, day=_day(opens.date(), today, locale))
    if card.phones:
        line += f"\n📞 {isolate(card.phones[0], locale)}"
    return line


def privacy_notice(t: NullTranslations, ttl_s: int) -> str:
    """Return what is kept and for how long: the state's time to live, in days or hours."""
    if ttl_s >= 86_400:
        days = round(ttl_s / 86_400)
        kept = t.ngettext("{count} day", "{count} days", days).format(count=days)
    else:
        hours = max(1, round(ttl_s / 3600))
        kept = t.ngettext("{count} hour", "{count} hours", hours).format(count=hours)
    # Translators: {duration} is "30 days" or "12 hours", already translated.
    text = t.gettext(
        "Privacy: I keep only your language, your city and the district you asked about, "
        "for {duration} after your last message, never your name or number. "
        "Send /forget to erase them."
    )
    return text.format(duration=kept)


def location_request(t: NullTranslations, locale: str) -> Reply:
    """Return the request to share a location, with the platform's location button."""
    text = t.gettext(
        "Tap the button below to send your location. I use it only to find the nearest "
        "services, and I do not keep it."
    )
    return Reply(text, rtl=is_rtl(locale), location_request=t.gettext("📍 Send my location"))


def no_result(
    t: NullTranslations,
    locale: str,
    *,
    category: Category,
    city: City,
    other_cities: list[City],
    other_categories: list[Category],
) -> Reply:
    """Say there is nothing yet, and offer the nearest cities and the topics that have some."""
    text = with_city(
        t.gettext("I have no services for {category} in {city} yet."),
        locale,
        category=category_label(t, category),
        city=city.display_name(locale),
    )
    rows: list[tuple[Button, ...]] = []
    if other_cities:
        text += "\n\n" + t.gettext("The nearest cities where I know some:")
        rows += city_buttons(other_cities, locale)
    if other_categories:
        rows += _rows([category_button(t, c) for c in other_categories])
    rows.append((human_button(t),))
    rows.append((emergency_button(t),))
    return Reply(text, tuple(rows), rtl=is_rtl(locale))


def _number_line(t: NullTranslations, locale: str, number: EmergencyNumber) -> str:
    # Translators: an emergency service and its number ("Police: 19"). French puts a no-break
    # space before the colon.
    return t.gettext("{service}: {number}").format(
        service=emergency_kind_label(t, number.kind), number=isolate(number.number, locale)
    )


def emergency_numbers(
    t: NullTranslations,
    locale: str,
    cities: list[tuple[City, list[EmergencyNumber]]],
    city_choice: tuple[tuple[Button, ...], ...] = (),
) -> Reply:
    """Return the emergency numbers of one city, or one line per city when it is unknown."""
    header = t.gettext("🚨 If you are in danger, call now:")
    if len(cities) == 1:
        _city, numbers = cities[0]
        lines = [_number_line(t, locale, n) for n in numbers]
        text = "\n\n".join([header, "\n".join(lines)])
    else:
        lines = [
            f"{city.display_name(locale)} — "
            + " · ".join(_number_line(t, locale, n) for n in numbers)
            for city, numbers in cities
        ]
        text = "\n\n".join([header, "\n".join(lines)])
    rows = (*city_choice, (Button(t.gettext("Other topic"), "menu"),))
    return Reply(text, rows, rtl=is_rtl(locale), urgent=True)
