"""The web chat page in Debian's Chromium, on a 360 px phone: right to left, screen readers
and the keyboard, a hidden tab, a lost network.

The whole app runs (worker, sender, outbox) with Rasa unreachable: buttons, the language of
a text and the danger words need no Rasa, and the page is what is tested here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.async_api import Browser, Page, Request, Route

from bot.i18n import translations
from tests.helpers.app import Running, running_app
from tests.helpers.browser import PHONE, check_page, chromium, tab, tab_to
from tests.standins.server import free_port

pytestmark = pytest.mark.browser

PHONE_NUMBER = "+212 5 39 94 00 00"
ADDRESS = "23 Rue des Siaghines"
# "My number is ... please", "I live at ... in the medina", "I sent /start and nothing
# happened", as a person in Tangier writes them.
WITH_NUMBER = f"رقمي {PHONE_NUMBER} من فضلك"
WITH_ADDRESS = f"أسكن في {ADDRESS} في المدينة"
WITH_COMMAND = "أرسلت /start ولم يحدث شيء"
HELP = "أحتاج مساعدة من فضلك"
DOCTOR = "طبيب من فضلك"  # "a doctor, please": a need, named in words Rasa is not needed for
DANGER = "ساعدوني شخص يحاول قتلي"
KEYBOARD_OPEN = {"width": 360, "height": 400}
# Whether the element with the id given is empty (the hidden copy of an announcement).
_EMPTIED = "(id) => document.getElementById(id).textContent === ''"

# Where each character of `needle` is drawn inside the first element matching `selector`
# that holds it: [character, left, top] for every character but spaces.
_DRAWN = """([selector, needle]) => {
  const root = [...document.querySelectorAll(selector)].find((e) => e.textContent.includes(needle));
  if (!root) return null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push([node, text.length]);
    text += node.data;
  }
  const start = text.indexOf(needle);
  if (start < 0) return null;
  const drawn = [];
  for (let i = start; i < start + needle.length; i++) {
    if (text[i] === " ") continue;
    const [node, offset] = nodes.filter(([, at]) => at <= i).pop();
    const range = document.createRange();
    range.setStart(node, i - offset);
    range.setEnd(node, i - offset + 1);
    const box = range.getBoundingClientRect();
    drawn.push([text[i], Math.round(box.left), Math.round(box.top)]);
  }
  return drawn;
}"""

# WCAG's contrast ratio between an element's focus outline and what is behind it.
_RING = """() => {
  const luminance = (color) => {
    const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const clear = (e) => /rgba\\(0, 0, 0, 0\\)|transparent/.test(getComputedStyle(e).backgroundColor);
  let behind = element.parentElement;
  while (behind && clear(behind)) {
    behind = behind.parentElement;
  }
  const back = behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)";
  const [light, dark] = [luminance(style.outlineColor), luminance(back)].sort((a, b) => b - a);
  return {
    style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    ratio: (light + 0.05) / (dark + 0.05), element: element.outerHTML.slice(0, 60),
  };
}"""

# Every control on screen that a finger has to hit, and its size.
_TARGETS = """() => [...document.querySelectorAll("a, button, input, summary")]
  .filter((e) => e.getClientRects().length > 0)
  .map((e) => {
    const box = e.getBoundingClientRect();
    return [e.outerHTML.slice(0, 50), Math.round(box.width), Math.round(box.height)];
  })"""


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, shared by this module's tests."""
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def app(app_url_prereqs: None) -> AsyncIterator[Running]:
    """The app with every role, Rasa unreachable, and short long polls."""
    async with running_app(
        f"http://127.0.0.1:{free_port()}", RASA_TIMEOUT_S=1, CHAT_LONG_POLL_MS="500"
    ) as running:
        yield running


async def _open(page: Page, lang: str) -> None:
    """Open the chat in `lang`; wait for the welcome (the field is enabled by then)."""
    await page.goto(f"/chat?lang={lang}")
    await page.locator("#log li.bot").first.wait_for()


async def _write(page: Page, text: str) -> None:
    await page.fill("#text", text)
    await page.keyboard.press("Enter")


async def _until(happened: Callable[[], bool], timeout_s: float = 10) -> None:
    """Wait until `happened()` is true; fail after `timeout_s`."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not happened():
        assert asyncio.get_running_loop().time() < deadline, "it did not happen in time"
        await asyncio.sleep(0.05)


async def _drawn(page: Page, selector: str, needle: str) -> list[list[Any]]:
    drawn = await page.evaluate(_DRAWN, [selector, needle])
    assert drawn, f"{needle!r} is not in {selector}"
    return list(drawn)


def _left_to_right(drawn: list[list[Any]]) -> bool:
    """Tell whether characters drawn on one line read left to right, in the order written."""
    lefts = [left for _, left, _ in drawn]
    return len({top for _, _, top in drawn}) == 1 and lefts == sorted(lefts)


async def test_arabic_and_persian_keep_numbers_and_addresses_in_one_piece(
    browser: Browser, app: Running
) -> None:
    problems: list[str] = []
    async with tab(browser, app.url) as person:
        page = person.page
        for lang in ("fa", "ar"):
            await _open(page, lang)
            await check_page(page, "chat", lang, problems)
        for text in (WITH_NUMBER, WITH_ADDRESS, WITH_COMMAND):
            await _write(page, text)
        await page.locator("#log li.me", has_text="/start").wait_for()
        # Right to left, the groups of a number would otherwise be drawn last group first,
        # a house number after its street, and the slash after the command.
        for needle in (PHONE_NUMBER, ADDRESS, "/start"):
            drawn = await _drawn(page, "#log li.me", needle)
            assert _left_to_right(drawn), drawn
        await check_page(page, "chat-conversation", "ar", problems)
        assert person.errors == []
    assert problems == []


async def test_a_message_in_another_language_is_marked_with_it(
    browser: Browser, app: Running
) -> None:
    async with tab(browser, app.url) as person:
        page = person.page
        await _open(page, "fr")
        await page.fill("#text", HELP)
        # The field follows what is typed: Arabic runs right to left on a French page.
        assert await page.locator("#text").evaluate("e => e.matches(':dir(rtl)')")
        await page.keyboard.press("Enter")
        answer = page.locator("#log li.bot").nth(1)
        await answer.wait_for()
        # Rasa is unreachable: the apology comes in the language the text was written in.
        apology = translations("ar").gettext(
            "Sorry, I cannot understand messages right now. Choose a topic:"
        )
        assert (await answer.inner_text()).startswith(apology)
        assert await answer.get_attribute("lang") == "ar"
        assert await answer.get_attribute("dir") == "rtl"
        assert await page.locator("html").get_attribute("lang") == "fr"
        assert await page.locator("#said p[lang='ar']").inner_text() == apology
        assert person.errors == []


async def test_a_language_chosen_in_the_header_is_the_conversations_too(
    browser: Browser, app: Running
) -> None:
    async with tab(browser, app.url) as person:
        page = person.page
        await _open(page, "fr")
        await page.locator("#languages summary").click()
        await page.locator("#languages nav a[lang='ar']").click()
        # The bot answers in Arabic from now on, not the page alone.
        answer = page.locator("#log li.bot").nth(1)
        await answer.wait_for()
        assert await answer.get_attribute("lang") == "ar"
        assert (await answer.inner_text()).startswith(
            translations("ar").gettext("Which city are you in?")
        )
        assert await page.locator("html").get_attribute("lang") == "ar"
        assert page.url.endswith("?lang=ar")
        assert await page.locator("#languages nav a[aria-current]").get_attribute("lang") == "ar"
        assert person.errors == []


async def test_an_answer_before_the_chosen_languages_words_is_shown(
    browser: Browser, app: Running
) -> None:
    # The words of a language chosen in the header come in their own request. On a slow
    # network (or a busy server) the bot's answer came first, the page read a word of a
    # language it did not have yet, and the answer was dropped: the person saw nothing.
    async with tab(browser, app.url) as person:
        page = person.page
        asked, answered = asyncio.Event(), asyncio.Event()

        async def slow_words(route: Route) -> None:
            asked.set()
            await answered.wait()
            await route.continue_()

        await page.route("**/chat/words-ar.json*", slow_words)
        await _open(page, "fr")
        await page.locator("#languages summary").click()
        await page.locator("#languages nav a[lang='ar']").click()
        answer = page.locator("#log li.bot").nth(1)
        await answer.wait_for(timeout=15_000)
        assert asked.is_set()
        assert await answer.get_attribute("lang") == "ar"
        answered.set()
        # Then the page's own words follow, once they have come.
        await page.locator("html[lang='ar']").wait_for(state="attached")
        label = translations("ar").gettext("Write your message")
        await page.wait_for_function(
            "(label) => document.getElementById('text').placeholder === label", arg=label
        )
        assert person.errors == []


async def test_answers_are_announced_and_the_emergency_numbers_at_once(
    browser: Browser, app: Running
) -> None:
    ar = translations("ar")
    async with tab(browser, app.url) as person:
        page = person.page
        await _open(page, "ar")
        # The conversation itself is not a live region: a reload would read it all again.
        assert await page.locator("#log").get_attribute("aria-live") is None
        said, urgent = page.locator("#said"), page.locator("#urgent")
        assert await said.get_attribute("aria-live") == "polite"
        assert await urgent.get_attribute("role") == "alert"
        welcome = ar.gettext(
            "Welcome to Dalil. I help you find services near you: health, "
            "housing, school, work, legal help, food and transport."
        )
        assert (await said.inner_text()).startswith(welcome)

        await _write(page, DANGER)
        await page.locator("#log li.bot").nth(1).wait_for()
        numbers = await urgent.inner_text()
        assert numbers.startswith(ar.gettext("🚨 If you are in danger, call now:"))
        assert await urgent.locator("p").get_attribute("lang") == "ar"
        # Each answer is heard once, and what the person wrote is not read back to them.
        assert await said.inner_text() == ""
        # "I need help please" under the numbers: the numbers again, at once.
        await _write(page, HELP)
        await page.locator("#log li.bot").nth(2).wait_for()
        assert await urgent.inner_text() == numbers
        assert await said.inner_text() == ""
        await _write(page, DOCTOR)
        await page.locator("#log li.bot").nth(3).wait_for()
        assert DOCTOR not in await said.inner_text()
        assert await said.inner_text() != ""
        assert await urgent.inner_text() == ""
        assert person.errors == []


async def test_an_announcement_leaves_the_page_once_heard(browser: Browser, app: Running) -> None:
    # The hidden copy stayed: moving through the page, a screen reader read the last answer
    # again after the conversation itself.
    async with tab(browser, app.url) as person:
        page = person.page
        await _open(page, "en")
        assert await page.locator("#said").inner_text() != ""
        await page.wait_for_function(_EMPTIED, arg="said", timeout=15_000)
        assert await page.locator("#log li.bot").count() == 1, "the conversation stays on screen"

        await _write(page, DANGER)
        await page.locator("#log li.bot").nth(1).wait_for()
        assert await page.locator("#urgent").inner_text() != ""
        await page.wait_for_function(_EMPTIED, arg="urgent", timeout=15_000)
        assert person.errors == []


async def test_the_focus_stays_where_the_person_goes_on(browser: Browser, app: Running) -> None:
    async with tab(browser, app.url) as person:
        page = person.page
        await _open(page, "fr")
        # Counted before sending: without Rasa the answer can be on screen before a count
        # taken after the click, which would then wait for an answer that never comes.
        answers = await page.locator("#log li.bot").count()
        # Send pressed with a finger or a mouse: the field keeps the focus for what comes next.
        await page.fill("#text", "bonjour")
        await page.click("#send")
        assert await page.evaluate("document.activeElement.id") == "text"

        # A quick reply pressed with the keyboard: its answer takes the focus, and the next
        # Tab reaches the answer's own buttons, not the older ones after the one pressed.
        await page.locator("#log li.bot").nth(answers).wait_for()
        await tab_to(page, "#log li.bot button[lang='en']")
        await page.keyboard.press("Enter")
        answer = page.locator("#log li.bot").nth(answers + 1)
        await answer.wait_for()
        assert await answer.evaluate("e => e === document.activeElement")
        await page.keyboard.press("Tab")
        assert await answer.evaluate("e => e.contains(document.activeElement)")
        assert await page.evaluate("document.activeElement.tagName") == "BUTTON"
        # The page speaks the language chosen, from words it fetched then.
        assert await page.locator("html").get_attribute("lang") == "en"
        assert await page.locator("#send").inner_text() == "Send"
        assert person.errors == []


async def test_targets_are_large_and_focus_visible_even_with_double_text(
    browser: Browser, app: Running
) -> None:
    async with tab(browser, app.url) as person:
        page = person.page
        await _open(page, "uk")
        await page.click("#languages summary")  # the languages' links are targets too
        small = [t for t in await page.evaluate(_TARGETS) if t[1] < 44 or t[2] < 44]
        assert small == []

        # A ring that shows against what is behind it (3:1), on the header and the page.
        await page.click("#languages summary")
        rings = []
        for selector in (
            "#languages summary", "#log li.bot button", "#text", "#send", "#forget",
        ):  # fmt: skip
            await tab_to(page, selector)
            rings.append(await page.evaluate(_RING))
        weak = [r for r in rings if r["style"] == "none" or r["width"] < 2 or r["ratio"] < 3]
        assert weak == []

        # Text twice as large, as a phone's font setting makes it: nothing goes off screen.
        await page.evaluate("document.documentElement.style.fontSize = '200%'")
        width = PHONE["width"]
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        for selector in ("#text", "#send", "#locate", "#languages summary"):
            box = await page.locator(selector).bounding_box()
            assert box is not None
            assert 0 <= box["x"] <= box["x"] + box["width"] <= width, selector
        text = await page.locator("#text").bounding_box()
        assert text is not None
        assert text["width"] >= 80
        assert person.errors == []


async def _in_view(page: Page, selector: str) -> bool:
    """Tell whether the element is on screen above the field that stays at its foot: all of
    it, or from its start when it is taller than the room left."""
    box = await page.locator(selector).bounding_box()
    field = await page.locator("#composer").bounding_box()
    assert box is not None
    assert field is not None
    fits = box["y"] + box["height"] <= field["y"]
    return bool(0 <= box["y"] < field["y"] and (fits or box["height"] > field["y"]))


async def _comes_into_view(page: Page, selector: str, *, within_s: float = 5.0) -> bool:
    """Tell whether the element is in view (`_in_view`) within `within_s` seconds."""
    for _ in range(int(within_s * 10)):
        if await _in_view(page, selector):
            return True
        await page.wait_for_timeout(100)
    return await _in_view(page, selector)


async def test_what_comes_is_shown_from_its_start_and_never_under_the_field(
    browser: Browser, app: Running
) -> None:
    # A phone with its keyboard open: 400 px of page are left.
    async with tab(browser, app.url, viewport=KEYBOARD_OPEN) as person:
        page = person.page
        await _open(page, "uk")
        # The welcome is taller than the screen: it is shown from its first line.
        welcome = await page.locator("#log li.bot").first.bounding_box()
        assert welcome is not None
        assert welcome["height"] > KEYBOARD_OPEN["height"]
        assert await _in_view(page, "#log li.bot >> nth=0")
        # The answer is held back until the person's message has been seen in view: a tall
        # answer that came first would scroll it away (a clean-clone run did just that).
        polled, answer = asyncio.Event(), asyncio.Event()

        async def held(route: Route) -> None:
            polled.set()
            await answer.wait()
            await route.continue_()

        await page.route("**/chat/api/updates*", held)
        await polled.wait()  # the poll asked before the hold has ended
        await _write(page, "Привіт")
        # The page scrolls once the message is drawn: watched until it has, not before.
        assert await _comes_into_view(page, "#log li.me")
        answer.set()  # every poll goes through from now on
        await page.locator("#log li.bot").nth(1).wait_for()
        assert await _comes_into_view(page, "#log li.bot >> nth=1")
        assert person.errors == []


async def _hide(page: Page, hidden: bool) -> None:
    """Tell the page it is hidden (another app, the screen off) or seen again."""
    await page.evaluate(
        """hidden => {
          Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
          Object.defineProperty(document, "visibilityState",
            {configurable: true, get: () => hidden ? "hidden" : "visible"});
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


async def test_a_hidden_page_stops_asking_and_catches_up_when_seen(
    browser: Browser, app: Running
) -> None:
    async with tab(browser, app.url) as person:
        page = person.page
        polls: list[str] = []
        page.on("request", lambda r: polls.append(r.url) if "/api/updates" in r.url else None)
        await _open(page, "en")
        await _hide(page, True)
        await page.wait_for_timeout(1000)  # the poll on its way ends (long polls of 0.5 s)
        before = len(polls)
        # Meanwhile, an answer is waiting: this conversation asked for help elsewhere.
        conversation = await page.evaluate("localStorage.getItem('dalil-chat-conversation')")
        sent = await app.http.post(
            "/chat/api/messages",
            json={"id": "elsewhere", "text": "/help"},
            headers={"X-Dalil-Conversation": conversation},
        )
        assert sent.status_code == 202
        await page.wait_for_timeout(3000)
        assert len(polls) == before, "a hidden page went on polling"
        await _hide(page, False)
        await page.locator("#log li.bot").nth(1).wait_for(timeout=3000)
        assert len(polls) > before
        assert person.errors == []


async def test_a_reply_the_page_cannot_show_is_an_error_not_a_lost_network(
    browser: Browser, app: Running
) -> None:
    # Showing a reply used to fail like the network: "No connection", a wait that doubled
    # with each try, and the same reply asked for again, failing again.
    fr = translations("fr")
    broken: list[str] = []

    async def one_broken_reply(route: Route) -> None:
        after = parse_qs(urlsplit(route.request.url).query)["after"][0]
        broken.append(after)
        await route.fulfill(json={"messages": [{"text": "no buttons"}], "cursor": after})

    async with tab(browser, app.url) as person:
        page = person.page
        await _open(page, "fr")
        await page.route("**/chat/api/updates*", one_broken_reply, times=1)
        await _until(lambda: bool(broken) and bool(person.errors))
        assert len(person.errors) == 1
        assert "TypeError" in person.errors[0]
        # And the conversation goes on.
        await _write(page, "/start")
        welcome = fr.gettext(
            "Welcome to Dalil. I help you find services near you: health, "
            "housing, school, work, legal help, food and transport."
        )
        await page.locator("#log li.bot", has_text=welcome).nth(1).wait_for()
        assert await page.locator("#status").inner_text() != fr.gettext(
            "No connection. Trying again…"
        )


async def test_a_message_that_cannot_go_is_kept_with_a_way_to_send_it_again(
    browser: Browser, app: Running
) -> None:
    fr = translations("fr")
    posted: list[dict[str, Any]] = []

    def record(request: Request) -> None:
        body = request.post_data_json
        if request.url.endswith("/api/messages") and isinstance(body, dict):
            posted.append(body)

    async def too_many(route: Route) -> None:
        await route.fulfill(
            status=429, headers={"Retry-After": "60"},
            json={"error": "rate_limited", "detail": "more than 30 messages in a minute"},
        )  # fmt: skip

    async with tab(browser, app.url) as person:
        page = person.page
        page.on("request", record)
        await _open(page, "fr")
        again = fr.gettext("Send again")
        await page.route("**/chat/api/messages", too_many)
        await _write(page, "Bonjour, j'ai besoin d'un médecin")
        unsent = page.locator("#log li.me.unsent")
        await unsent.wait_for()
        assert await _in_view(page, "#log li.me.unsent")
        assert await page.locator("#status").inner_text() == fr.gettext(
            "Too many messages. Please wait a minute."
        )
        assert fr.gettext("Not sent.") in await unsent.inner_text()
        assert "Bonjour, j'ai besoin d'un médecin" in await unsent.inner_text()

        # A reload keeps it, still to be sent.
        await page.reload()
        await unsent.get_by_role("button", name=again).wait_for()
        await page.unroute("**/chat/api/messages")
        await unsent.get_by_role("button", name=again).click()
        await unsent.wait_for(state="detached")
        # The same message, under the same id: the server answers it once whatever happened.
        first, *_, last = [p for p in posted if p.get("text", "").startswith("Bonjour")]
        assert (last["id"], last["text"]) == (first["id"], first["text"])

        # The network gone: said at once, retried by itself, sent once it is back.
        await page.context.set_offline(True)
        await _write(page, "Et un logement ?")
        await unsent.wait_for()
        assert await page.locator("#status").inner_text() == fr.gettext(
            "No connection. Trying again…"
        )
        await page.context.set_offline(False)
        await unsent.wait_for(state="detached", timeout=10_000)
        assert await page.locator("#log li.me", has_text="Et un logement ?").count() == 1
