"""Answers from the directory: the city, the services found there, nearby alternatives,
and the emergency numbers."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import replace
from zoneinfo import ZoneInfo

from babel.lists import format_list

from bot.dialogue import render, weekdays
from bot.dialogue.phrasebook import normalised
from bot.dialogue.turn import Turn
from bot.i18n import is_rtl
from bot.messages import Button, Reply
from handoff import service as handoff
from nlu import topic_words
from nlu.client import ParseResult
from nlu.decision import CONFIDENT, EMERGENCY, OUT_OF_SCOPE
from nlu.normalize import normalize
from services_directory.categories import Category
from services_directory.cities.models import City
from services_directory.cities.service import (
    city_districts,
    city_names,
    get_city,
    list_cities,
    match_city,
    match_district,
)
from services_directory.search.service import (
    SearchPage,
    ServiceCard,
    distance_m,
    elsewhere,
    search_services,
)

PAGE_SIZE = 5
# What is read of a list to choose among all its services (the first to open, those open on
# a day named): a city's topic has fewer.
WHOLE_LIST = 50
# Remembered when the emergency numbers were shown before the city was known.
EMERGENCY_PENDING = "emergency"
# Words the NLU's lists of city names hold that people write for something else: the Persian
# name of Vienna, وین, once normalised is "وين", "where?" in Levantine, Gulf and Iraqi Arabic
# ("وين في دكتور" in Amman got Vienna's doctors). Such a word names the city only when one
# of the names the directory keeps for it is in the message too.
FALSE_FRIENDS = {"vienna": frozenset({"وين"})}
# Names of a city that are also a common word, taken for the city only as the whole answer to
# "Which city are you in?": Amman typed "امان" got "Goodbye" there; as one of the directory's
# names it would make "احس بعدم امان" and "من در امان نیستم" (I feel, I am not, safe) Amman.
ALONE = {"amman": frozenset({"امان"})}


def what_do_you_need(turn: Turn) -> Reply:
    """Return the menu with the plain question."""
    return render.menu(turn.t, turn.locale, turn.t.gettext("What do you need?"))


async def cities_refused(turn: Turn) -> Reply:
    """Answer "none of them" to "Which city are you in?": the cities served, said kindly, and
    the menu without a person (who would need one of the cities too). What waited for the
    city still waits: the city typed later answers it."""
    t = turn.t
    names = [city.display_name(turn.locale) for city in await turn.cities()]
    await turn.record(OUT_OF_SCOPE, "cities_refused")
    text = render.with_city(
        # Translators: the answer to "none of them" under "Which city are you in?"; {cities}
        # lists the cities served ("Amman, Beirut and Vienna").
        t.gettext(
            "For now I only know services in {cities}. Elsewhere I cannot help you find services "
            "yet, sorry. If you are in danger, call the emergency number of the country you are "
            "in."
        ),
        turn.locale,
        cities=format_list(names, locale=turn.locale),
    )
    return render.menu(t, turn.locale, text, person=False)


async def ask_city(turn: Turn) -> Reply:
    """Ask which city the person is in, one button per city."""
    cities = await turn.cities()
    buttons = render.city_buttons(cities, turn.locale)
    numbered_rows(turn, buttons)
    return Reply(turn.t.gettext("Which city are you in?"), buttons, rtl=is_rtl(turn.locale))


def numbered_rows(turn: Turn, buttons: tuple[tuple[Button, ...], ...]) -> None:
    """Let a number typed pick one of `buttons` on WhatsApp (dialogue.respond), where they are
    one list, a row each, in this order: "3" or "2." typed for the city, as people often answer
    there, asked the city again. On Telegram they stand two by two, and which is the third is
    nowhere sure: a number asks again."""
    if turn.message.channel == "whatsapp":
        turn.state.offered = "|".join(button.payload for row in buttons for button in row)


async def city_from(turn: Turn, result: ParseResult | None) -> City | None:
    """Return the city the message names, else the one remembered, else None."""
    cities = await turn.cities()
    city = await named_city(turn, result) if result is not None else None
    if city is None and turn.state.city:
        city = next((c for c in cities if c.id == turn.state.city), None)
    return city


async def named_city(turn: Turn, result: ParseResult) -> City | None:
    """Return the city the message names (the NLU's entity, else a name in the text), or None."""
    cities = await turn.cities()
    text = turn.message.text
    named = result.entity("city")
    city = next((c for c in cities if c.id == named), None) if named else None
    if city is not None and _only_false_friends(city, text):
        city = None
    return city or match_city(cities, text)


def _only_false_friends(city: City, text: str) -> bool:
    words = set(re.findall(r"\w+", normalize(text)))
    return bool(words & FALSE_FRIENDS.get(city.id, frozenset())) and not match_city([city], text)


async def answered_city(turn: Turn, result: ParseResult, *, bare: bool) -> City | None:
    """Return the city a message gives as its answer to "Which city are you in?", or to a
    list of another city's services ("and in Madrid?"), or None.

    People type the city as often as they press its button: "Lyon", "je suis à Tanger",
    "ana f tanja". A city named in a `bare` message (one word) or in a message the model did
    not understand is that answer; and so is one named while a topic waits for its city,
    unless the model is sure of a need ("a lawyer in Lyon" is a question of its own). Words
    of danger are never an answer.
    """
    if result.danger:
        return None
    if (city := await named_city(turn, result)) and _only_where(turn.message.text, city):
        # Nothing but where they are, whatever the model read into it: "ma dar viyana
        # hastim" (Finglish, "we are in Vienna") got the emergency numbers, "man too lyon
        # hastam" Lyon's doctors. Words of danger were never among these.
        return city
    if result.intent == EMERGENCY:
        return None
    if city is None and bare and city_awaited(turn):
        said = normalised(turn.message.text)
        cities = await turn.cities()
        alone = next((c for c in cities if said in ALONE.get(c.id, frozenset())), None)
        return alone or _one_slip_from(cities, said)
    if result.intent != OUT_OF_SCOPE and not bare and not _stated(turn.message.text, result):
        waiting = turn.state.pending_category is not None
        sure = result.confidence >= CONFIDENT and not result.choices
        if not waiting or sure:
            return None
    return city


# A name this long at least, typed alone for "Which city are you in?" with one letter wrong,
# missing, extra or swapped, is that city's ("wein" got "Sorry, I did not understand").
SLIP_LETTERS = 4


def _one_slip_from(cities: list[City], said: str) -> City | None:
    """Return the one city whose name `said` misses by one slip of a letter, else None."""
    if len(said) < SLIP_LETTERS or " " in said:
        return None
    near = {
        city.id: city
        for city in cities
        for name in _names(city)
        if len(name) >= SLIP_LETTERS and _one_slip(said, name)
    }
    return next(iter(near.values())) if len(near) == 1 else None


def _one_slip(a: str, b: str) -> bool:
    """Tell whether `a` and `b` differ by one letter changed, added, dropped or two side by
    side swapped (and are not the same)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        return len(diff) == 1 or (swapped and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def city_awaited(turn: Turn) -> bool:
    """Tell whether "Which city are you in?" is the question on screen: no city yet, and a
    topic, a person or the numbers wait for one, or a language was just chosen."""
    state = turn.state
    return state.city is None and bool(state.pending_category or state.language)


# The words people write around a city's name to say where they are, and nothing else, as
# they type them: Finglish and Persian, Arabic and Arabizi, and the other languages.
_WHERE_WORDS = """
    man ma dar too tu hastam hastim hast zendegi mikonam mikonim alan inja
    من ما در تو هستم هستیم زندگی میکنم میکنیم الان اینجا
    ana ena ahna a7na nahna rani rana f fi fe b bi sakin saken sakna 3ayesh daba tawa
    انا أنا احنا نحنا نحن اني راني في ب ساكن ساكنة عايش هلق هلا دابا توا الان هون هنا
    i im am we are in at live living now here currently
    je suis j habite nous sommes on est a au en dans ici maintenant actuellement
    yo estoy estamos vivo ahora aqui
    io sono siamo abito adesso ora qui
    eu estou estamos moro em agora aqui
    ich bin wir sind wohne lebe jetzt hier
    ben biz yasiyorum oturuyorum simdi burada
    я ми мы у в зараз сейчас тут живу живемо живем перебуваю знаходжусь нахожусь
    """
# Words of just having come, beside where: "wsalt jdid l tunis" (I just arrived in Tunis) got
# Tunis's legal help, the model sure, and "viyanaya yeni geldim" the emergency numbers.
_ARRIVED_WORDS = """
    وصلت وصلنا جديد جديدة جيت جينا توني ل على الى wsalt wselt wsalna jdid jdida jit jina
    l 3la ila
    تازه رسیدم رسیدیم اومدم اومدیم آمدم آمدیم به taze tazeh residam omadam amadam be
    just arrived came new to
    viens vient venons darriver jarrive arriver arrive arrivee nouveau nouvelle jhabite
    recien llegue llegamos acabo acabamos de llegar nuevo nueva
    appena arrivato arrivata arrivati nuovo nuova
    acabei acabamos chegar cheguei chegamos novo nova
    neu gerade angekommen nach
    yeni geldim geldik
    тільки щойно приїхав приїхала приїхали только приехал приехала приехали новий нова
    """
# Words of who is there with them, beside where: "мы в лиссабоне с детьми" (we are in Lisbon
# with the children) got "Do you mean: jobs, food?", and "je suis à Lyon avec mes enfants"
# Lyon's schools. Who they are with is no need; what they need is asked.
_WITH_WORDS = """
    with my our kids children child family wife husband baby and
    avec mes ma mon nos enfants enfant famille femme mari bebe et
    con mis mi nuestros hijos hijas ninos familia esposa marido bebe y
    i miei mia mio nostri figli bambini famiglia moglie marito e
    com os meus minha meu nossos filhos filhas criancas familia esposa marido
    mit meinen meiner meinem unseren kindern kind familie frau mann und
    ile cocuklarimla cocugumla ailemle esimle ailecek ve
    с з із зі и і та дітьми дитиною сім'єю родиною дружиною чоловіком детьми ребенком семьей
    женой мужем
    مع و اولادي ولادي عيالي اطفالي عائلتي عيلتي زوجتي مرتي زوجي
    m3a w wladi wlidi drari 3ayalti 3a2ilti 3a2elti mrati zawji
    با و بچه‌ها بچه‌هام بچه‌هایم خانواده خانوادم خانواده‌ام همسرم شوهرم زنم
    ba bacheha bachehaam khanevade khanevadam hamsaram shoharam
    """
_WHERE = frozenset(
    normalised(word) for word in (_WHERE_WORDS + _ARRIVED_WORDS + _WITH_WORDS).split()
)


def _names(city: City) -> set[str]:
    return {normalised(name) for name in city_names(city)}


def without_city(text: str, city: City) -> str:
    """Return `text` without the words that are `city`'s name (as typed, glued ones kept)."""
    names = _names(city)
    return " ".join(word for word in text.split() if normalised(word) not in names)


def _besides_city(text: str, city: City) -> str:
    """Return the words of `text` besides `city`'s names, glued ones split off ("Viyana'da"):
    the city points to no one service ("food in Lisbon" put the talking circles "in Lisbon"
    before the food parcels)."""
    names = _names(city)
    return " ".join(word for word in re.findall(r"\w+", text) if normalised(word) not in names)


def _only_where(text: str, city: City) -> bool:
    """Tell whether `text` says where the person is and nothing more: the city's name and
    words of _WHERE only."""
    # The name as written, or glued to a preposition or a case ending ("viyanaya").
    words = {w for w in set(normalised(text).split()) - _names(city) if not match_city([city], w)}
    return all(word in _WHERE for word in words)


# Greetings a message may begin with before where the person is ("salam, man too lyon
# hastam"), as people type them.
_GREETING_WORDS = """
    salam slm salaam salut hello hi hey bonjour bonsoir hola buenas ciao ola oi hallo servus
    merhaba selam привіт вітаю привет здравствуйте سلام درود مرحبا اهلا السلام marhaba ahlan
    """
_GREETINGS = frozenset(normalised(word) for word in _GREETING_WORDS.split())


async def greeted_where(turn: Turn, text: str) -> bool:
    """Tell whether `text` greets, then says where the person is and nothing more ("سلام، من
    تو لیون هستم" got "Do you mean: legal help, jobs?", its Finglish Lyon's doctors)."""
    words = normalised(text).split()
    if len(words) < 2 or words[0] not in _GREETINGS:
        return False
    rest = " ".join(words[1:])
    city = match_city(await turn.cities(), rest)
    return city is not None and _only_where(rest, city)


# Up to this many words, a message naming a city and no need is the person saying where
# they are ("Я у Відні", "من در وین هستم", "انا بعمان").
STATED_WORDS = 4
# What the model's answer may be to such a message: unsure, or a goodbye ("انا بعمان" read
# as one). A greeting or thanks with a city keeps it and greets (respond.py).
_NOT_A_NEED = frozenset({"goodbye", OUT_OF_SCOPE})


def _stated(text: str, result: ParseResult) -> bool:
    """Tell whether `text` only says where the person is, whatever topic the model guessed
    unsure: a few words, no word of a need, and no need the model is sure of."""
    # Any word of a need, not only a need named alone: "bghit sakan f tanja" is a question.
    if len(re.findall(r"[^\W\d_]+", text)) > STATED_WORDS or topic_words.topics_named(text):
        return False
    sure = result.confidence >= CONFIDENT and not result.choices
    unsure_topic = not sure and Category.from_intent(result.intent) is not None
    return result.intent in _NOT_A_NEED or unsure_topic


# Up to this many words, a message naming a city and a need in a word or two is that need
# there ("bghit sakan f tanja"): topic_words.MOST_WORDS for the need, the rest for the city.
NEED_AND_CITY_WORDS = 6


async def need_named_with_city(turn: Turn, result: ParseResult) -> ParseResult:
    """Return `result` as the one need a few words with a city name, when the model is not
    sure of the message: "bghit sakan f tanja" (the model: health, unsure) is housing there.

    The client does so for a need named in a word or two (nlu/topic_words.py); the name of the
    city adds words, and such a message got the menu, its need lost.
    """
    text = turn.message.text
    sure = result.confidence >= CONFIDENT and not result.choices
    if sure or result.danger or result.intent == EMERGENCY:
        return result
    if len(re.findall(r"[^\W\d_]+", text)) > NEED_AND_CITY_WORDS:
        return result
    named = topic_words.topics_named(text)
    if len(named) != 1 or await named_city(turn, result) is None:
        return result
    return replace(result, intent=named.pop(), choices=())


async def city_chosen(
    turn: Turn,
    city: City,
    *,
    otherwise: str | None = None,
    near: tuple[float, float] | None = None,
) -> Reply:
    """Answer a city just chosen: with what waited for it, else a search of `otherwise`."""
    turn.state.city = city.id
    pending = turn.state.pending_category
    turn.state.pending_category = None
    if pending == EMERGENCY_PENDING:
        return await emergency(turn, None)
    category = pending or otherwise
    if category is None:
        return what_do_you_need(turn)
    if pending:
        # The district named with the question belongs to its city, not to another one.
        turn.state.district = await _known_district(turn, city, turn.state.district)
    turn.state.page = 1
    turn.state.pointed = None  # the question's words are not kept for the city asked next
    return await search(turn, Category(category), city, "find_" + category, near)


async def _known_district(
    turn: Turn, city: City | None, named: str | None, text: str | None = None
) -> str | None:
    # Only a district the directory has places in is used, kept or recorded: whatever else
    # the entity holds is the person's own words, which neither state nor statistics keep.
    districts = await city_districts(turn.session, city.id if city else None)
    return match_district(districts, named, text)


async def find(turn: Turn, category: Category, result: ParseResult | None, intent: str) -> Reply:
    """Answer a topic: its services in the person's city (its district's first), once known."""
    city = await city_from(turn, result)
    named, text = (result.entity("district"), turn.message.text) if result else (None, None)
    turn.state.open_only = turn.state.free_only = False  # a new question starts a new list
    if city is None:
        turn.state.pending_category = category.value
        # Kept until the city is chosen, then checked against that city's districts.
        turn.state.district = await _known_district(turn, None, named, text)
        await turn.record(intent, "asked_city", category=category)
        return await ask_city(turn)
    shown = (turn.state.category, turn.state.city, turn.state.district)
    turn.state.city = city.id
    turn.state.district = await _known_district(turn, city, named, text)
    turn.state.page = 1
    question = _besides_city(turn.message.text, city) if turn.message.kind == "text" else ""
    # Asked again in words for the list already shown: it did not help, and a person may,
    # where an association answers the topic there (offered elsewhere, it says nobody does).
    again = (
        result is not None
        and shown == (category.value, city.id, turn.state.district)
        and bool(await handoff.desks(turn.session, city_id=city.id, category=category.value))
    )
    shown_now = await search(turn, category, city, intent, again=again, question=question)
    asked = result is not None or turn.also is not None
    return _also_asked(turn, category, shown_now) if asked else shown_now


def _also_asked(turn: Turn, category: Category, reply: Reply) -> Reply:
    """Return `reply` with a button, first, for the one other topic the message tells, after
    "and" (`turn.also`) or by name ("un logement et un travail"): the second need of a
    message was lost."""
    others = topic_words.topics_named(turn.message.text) - {f"find_{category.value}"}
    if turn.also is not None:
        others = {turn.also}
    other = Category.from_intent(others.pop()) if len(others) == 1 else None
    if other is None:
        return reply
    button = render.category_button(turn.t, other)
    if any(shown.payload == button.payload for row in reply.buttons for shown in row):
        return reply
    return replace(reply, buttons=((button,), *reply.buttons))


async def _services(
    turn: Turn,
    category: Category,
    city: City,
    near: tuple[float, float] | None,
    offset: int,
    limit: int,
    question: str | None = None,
    *,
    filtered: bool = True,
) -> SearchPage:
    """The services of the list the state describes (its filters unless not `filtered`,
    district and the services its question pointed to, or those `question` points to for a
    new list), from `offset` on."""
    state = turn.state
    return await search_services(
        turn.session,
        category=category,
        city_id=city.id,
        locale=turn.locale,
        language=turn.locale,
        limit=limit,
        offset=offset,
        near=near,
        prefer_district=state.district,
        first=tuple(state.pointed.split("|")) if state.pointed else (),
        question=question,
        open_at=turn.now if state.open_only and filtered else None,
        free_only=state.free_only and filtered,
        now=turn.now,
    )


async def search(
    turn: Turn,
    category: Category,
    city: City,
    intent: str,
    near: tuple[float, float] | None = None,
    *,
    again: bool = False,
    question: str | None = None,
) -> Reply:
    """Answer with the state's page of services, or with the alternatives when there are none;
    `again`: the same question as the list shown last, which then offers a person; `question`:
    a new list's question, whose own words put the services they point to first (kept for
    its next pages as their ids, never the words)."""
    state = turn.state
    state.pending_category = None  # a list is shown: no topic waits for a city any more
    page = max(state.page, 1)
    filters = render.Filters(open_only=state.open_only, free_only=state.free_only)

    async def page_of_services(page: int) -> SearchPage:
        offset = (page - 1) * PAGE_SIZE
        return await _services(turn, category, city, near, offset, PAGE_SIZE, question)

    found = await page_of_services(page)
    if question is not None:
        state.pointed = "|".join(found.pointed) or None
    if not found.cards and found.total and page > 1:
        # "More results" pressed again after the last page (its button stays in the chat, and
        # a slow phone gets a double tap): the last page again, not "no services here".
        state.page = page = math.ceil(found.total / PAGE_SIZE)
        found = await page_of_services(page)
    state.category = category.value
    outcome = "results" if found.cards else "filtered_out" if filters else "no_result"
    await turn.record(intent, outcome, category=category, city=city.id, district=state.district)
    if outcome == "filtered_out":
        soonest = await _first_to_open(turn, category, city) if filters.open_only else None
        today = turn.now.astimezone(ZoneInfo(city.timezone)).date()
        return render.none_match(
            turn.t, turn.locale, category, city, filters, soonest=soonest, today=today
        )
    if outcome == "no_result":
        return await _alternatives(turn, category, city)
    state.rated_results = False
    state.nearest_first = near is not None
    state.listed = len(found.cards)
    return render.results(
        turn.t,
        turn.locale,
        category=category,
        city=city,
        cards=found.cards,
        total=found.total,
        first_number=(page - 1) * PAGE_SIZE + 1,
        # "More" could not continue nearest-first: the point is not kept for a next page.
        has_more=near is None and page * PAGE_SIZE < found.total,
        filters=filters,
        today=turn.now.astimezone(ZoneInfo(city.timezone)).date(),
        offer_person=again,
    )


async def _whole_list(
    turn: Turn, category: Category, city: City, *, at: dt.datetime | None = None
) -> tuple[ServiceCard, ...]:
    """Every service of the list, open now or not, its "free only" kept, each card saying
    whether it is open now (or `at`, timezone-aware) and when that changes."""
    found = await search_services(
        turn.session,
        category=category,
        city_id=city.id,
        locale=turn.locale,
        limit=WHOLE_LIST,
        prefer_district=turn.state.district,
        free_only=turn.state.free_only,
        now=turn.now if at is None else at,
    )
    return found.cards


async def _first_to_open(turn: Turn, category: Category, city: City) -> ServiceCard | None:
    """The service of the list (its other filter kept) that opens first from now, or None
    when none lists hours that open soon: "open now" at night says when to go instead."""
    closed = [
        (opens, n, card)
        for n, card in enumerate(await _whole_list(turn, category, city))
        if card.open_now is False and (opens := card.changes_at) is not None
    ]
    return min(closed)[2] if closed else None


async def _on_screen(turn: Turn) -> tuple[Category, City] | None:
    """The topic and city of the list on screen, or None without one."""
    state = turn.state
    city = await get_city(turn.session, state.city) if state.category and state.city else None
    if city is None or state.category is None:
        return None
    return Category(state.category), city


async def in_district(turn: Turn, result: ParseResult) -> Reply | None:
    """Answer a district of the list's city named under it ("y en Lavapiés?", "w f
    lavapies?"): the same list, that district's services first; None when the message names
    no district the directory knows there, or a need the model is sure of (a question of
    its own, answered as one)."""
    if (shown := await _on_screen(turn)) is None:
        return None
    if Category.from_intent(result.intent) and result.confidence >= CONFIDENT:
        return None
    category, city = shown
    district = await _known_district(turn, city, result.entity("district"), turn.message.text)
    if district is None:
        return None
    turn.state.district = district
    turn.state.page = 1
    return await search(turn, category, city, "find_" + category.value)


# What the model reads in words under a list that may yet point to some of its services.
_NOT_ASKED = frozenset({OUT_OF_SCOPE, "bot_help"})


async def pointed_under(turn: Turn, result: ParseResult) -> Reply | None:
    """Answer a few words typed under a list that point to some of its services ("а для
    дітей?", "et pour les femmes ?", "do they speak Arabic?"): the same list from the top,
    those services first, then those its question pointed to before; None
    when its words point to none of them, or when the model is sure of what it asks (a need,
    the list's own again, a person, thanks: answered as such). A question about the bot
    itself is no such thing under a list: "parlano arabo?" (do they speak Arabic?), read so
    at 0.85, got the help text."""
    if (shown := await _on_screen(turn)) is None:
        return None
    if result.intent not in _NOT_ASKED and result.confidence >= CONFIDENT:
        return None
    category, city = shown
    text = _besides_city(turn.message.text, city)
    pointed = (await _services(turn, category, city, None, 0, 1, text)).pointed
    if not pointed:
        return None
    # Then those the question before pointed to: "do they speak Arabic?" under the food list
    # puts the services speaking Arabic first, and the food parcels still before the rest.
    before = turn.state.pointed.split("|") if turn.state.pointed else []
    turn.state.pointed = "|".join([*pointed, *(s for s in before if s not in pointed)])
    turn.state.page = 1
    return await search(turn, category, city, "find_" + category.value)


async def on_days(turn: Turn) -> Reply | None:
    """Answer days of the week named under a list ("et le week-end ?", "am Samstag?", "nhar
    sebt"): the same list from the top (all hours, not only open now), the services open on
    one of those days first; that none is, when none is; None when no day is named."""
    if (shown := await _on_screen(turn)) is None:
        return None
    category, city = shown
    days = weekdays.named(turn.message.text, city.country)
    if not days:
        return None
    then = [
        card.id
        for card in await _whole_list(turn, category, city)
        if any(day in period.days for period in card.opening_hours for day in days)
    ]
    if not then:
        return render.none_on_days(turn.t, turn.locale, category, city, days)
    return await _these_first(turn, category, city, then)


# "Tonight" is from this hour (or from now, when later) until the next morning's.
EVENING = dt.time(18)
MORNING = dt.time(6)


async def tonight(turn: Turn) -> Reply | None:
    """Answer "tonight" named under a list ("is any of them open tonight?", "ce soir ?",
    "bu gece açık mı"): the same list from the top, those open at some time this evening or
    night first; that none is, when none is; None when tonight is not named.

    The cards are read as at the evening's start, so closures and nights past midnight count
    as the directory's "open now" counts them; "open now" at three in the afternoon said none.
    """
    if not weekdays.tonight(turn.message.text) or (shown := await _on_screen(turn)) is None:
        return None
    category, city = shown
    local = turn.now.astimezone(ZoneInfo(city.timezone))
    if local.time() < MORNING:
        start, end = local, dt.datetime.combine(local.date(), MORNING)
    else:
        evening = dt.datetime.combine(local.date(), EVENING, tzinfo=local.tzinfo)
        start = max(local, evening)
        end = dt.datetime.combine(local.date() + dt.timedelta(days=1), MORNING)
    then = [
        card.id
        for card in await _whole_list(turn, category, city, at=start)
        if card.open_now or (card.changes_at is not None and card.changes_at < end)
    ]
    if not then:
        return render.none_tonight(turn.t, turn.locale, category, city)
    return await _these_first(turn, category, city, then)


async def _these_first(turn: Turn, category: Category, city: City, then: list[str]) -> Reply:
    """The list on screen from the top, all hours, the services `then` names first."""
    state = turn.state
    # Those the list's question pointed to first among them, and then before the rest.
    before = state.pointed.split("|") if state.pointed else []
    then = [*(s for s in before if s in then), *(s for s in then if s not in before)]
    state.pointed = "|".join([*then, *(s for s in before if s not in then)])
    state.open_only = False
    state.page = 1
    return await search(turn, category, city, "find_" + category.value)


async def more(turn: Turn) -> Reply | None:
    """Answer "More results" (pressed, or typed): the next page of the list on screen, or
    None without one."""
    if (shown := await _on_screen(turn)) is None:
        return None
    turn.state.page += 1
    return await search(turn, *shown, "more")


async def narrowed(turn: Turn, which: str, *, on: bool | None = None) -> Reply | None:
    """The list on screen again from the top, with its "open now" (`which` "open") or "free
    only" ("free") filter switched `on`, off, or over (None: its button pressed again); None
    without a list."""
    if (shown := await _on_screen(turn)) is None:
        return None
    state = turn.state
    if which == "open":
        state.open_only = not state.open_only if on is None else on
    else:
        state.free_only = not state.free_only if on is None else on
    state.page = 1
    return await search(turn, *shown, "filter")


async def numbered(turn: Turn, number: int) -> Reply | None:
    """The service numbered `number` in the list on screen (on any of its pages), its card
    alone, or None without such a service. A list nearest first has no numbers to go back
    to (the point it came from is not kept)."""
    if turn.state.nearest_first or number < 1 or (shown := await _on_screen(turn)) is None:
        return None
    category, city = shown
    found = await _services(turn, category, city, None, number - 1, 1)
    if not found.total and (turn.state.open_only or turn.state.free_only):
        # Narrowed to nothing ("None of the services is open now"): the numbers are those of
        # the list seen before it ("wann macht nummer 3 auf" got that line again).
        found = await _services(turn, category, city, None, number - 1, 1, filtered=False)
    if not found.cards:
        return None
    today = turn.now.astimezone(ZoneInfo(city.timezone)).date()
    card = render.service_card(turn.t, turn.locale, number, found.cards[0], today)
    turn.state.card = number
    return render.menu(turn.t, turn.locale, card)


async def again(turn: Turn) -> Reply | None:
    """The page of the list on screen again, in the turn's language now; None without one."""
    if (shown := await _on_screen(turn)) is None:
        return None
    return await search(turn, *shown, "language")


async def _alternatives(turn: Turn, category: Category, city: City) -> Reply:
    """Nothing here: the nearest cities that have the topic, and the topics this city has."""
    found = await elsewhere(turn.session, city_id=city.id, category=category)
    here = (city.latitude, city.longitude)
    others = [c for c in await turn.cities() if c.id in found.cities - {city.id}]
    others.sort(key=lambda c: distance_m(here, (c.latitude, c.longitude)))
    topics = [c for c in Category if c != category and c.value in found.categories]
    # Pressing one of those cities continues with the same topic there.
    turn.state.pending_category = category.value
    return render.no_result(
        turn.t, turn.locale, category=category, city=city, other_cities=others[:2],
        other_categories=topics,
    )  # fmt: skip


async def emergency(turn: Turn, result: ParseResult | None, *, ask_city: bool = True) -> Reply:
    """Answer with the emergency numbers of the person's city, or of every city.

    Without `ask_city` (a need comes after the numbers and asks the city itself), no city
    buttons come with every city's numbers: one question, and the city pressed answers the need.
    """
    # Never ask anything first: with no known city, show every city's numbers at once,
    # and offer the city buttons to narrow them down.
    city = await city_from(turn, result)
    if city is not None:
        # Kept for what comes next ("wo kann ich mit den Kindern schlafen?" after the numbers
        # of the city named with the danger asked "Which city are you in?" again).
        turn.state.city = city.id
        loaded = await get_city(turn.session, city.id)
        cities = [loaded] if loaded is not None else []
    else:
        cities = await list_cities(turn.session, with_numbers=True)
    numbers = [(c, list(c.emergency_numbers)) for c in cities]
    await turn.record("emergency", "emergency", city=city.id if city else None)
    turn.state.urgent = True
    choice: tuple[tuple[Button, ...], ...] = ()
    if city is None and ask_city:
        turn.state.pending_category = EMERGENCY_PENDING
        choice = render.city_buttons([loaded for loaded, _ in numbers], turn.locale)
    return render.emergency_numbers(turn.t, turn.locale, numbers, choice)
