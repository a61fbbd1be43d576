"""Putting what was typed back into a page's form: every kind of field, and nothing else."""

from __future__ import annotations

from html.parser import HTMLParser

from admin_api.portal.refill import refill

PAGE = """<!doctype html>
<html lang="fr"><body>
<header><form method="post" action="/portal/sign-out">
<input type="hidden" name="csrf" value="new-token"><button type="submit">Sortir</button>
</form></header>
<main id="main">
<h1>Conversation</h1>
<form method="post" action="/portal/handovers/7/answer" id="answer">
  <input type="hidden" name="csrf" value="new-token">
  <input type="hidden" name="once" value="new-once">
  <input type="hidden" name="version" value="4">
  <textarea id="text" name="text">déjà là</textarea>
  <input id="name" name="name" value="">
  <input type="checkbox" name="is_free" checked>
  <input type="checkbox" name="by_appointment">
  <input type="radio" name="kind" value="open" checked><input type="radio" name="kind" value="closed">
  <select name="city"><option value="lyon" selected>Lyon</option><option value="tunis">Tunis</option></select>
  <input type="password" name="password">
  <button type="submit" name="then" value="save">Envoyer</button>
</form>
<form method="post" action="/portal/handovers/7/close"><textarea name="text"></textarea></form>
<p>Tom &amp; Jerry &#169;</p>
</main></body></html>
"""  # noqa: E501
TYPED = {
    "csrf": "old-token", "once": "old-once", "version": "3",
    "text": "\nPremière ligne vide & <b>pas du HTML</b>\r\nfin", "name": 'Le "Refuge"',
    "by_appointment": "on", "kind": "closed", "city": "tunis", "password": "secret",
    "then": "save",
}  # fmt: skip
NOTICES = {"restored": "Pas encore enregistré.", "orphaned": "Le formulaire a disparu :"}


class _Fields(HTMLParser):
    """The values a browser would show in each form, by the form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self.form = ""
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        fields = self.forms.setdefault(self.form, {})
        if tag == "form":
            self.form = named.get("action") or ""
        elif tag == "textarea":
            self.textarea = named["name"]
            fields[self.textarea or ""] = ""
        elif tag == "select":
            self.select = named["name"]
        elif tag == "option" and "selected" in named:
            fields[self.select or ""] = named["value"] or ""
        elif tag == "input" and named.get("type") in {"checkbox", "radio"}:
            if "checked" in named:
                fields[named["name"] or ""] = named.get("value") or "on"
        elif tag == "input":
            fields[named["name"] or ""] = named.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            fields = self.forms[self.form]
            # As browsers do: one newline right after <textarea> is not part of the value.
            fields[self.textarea] += data.removeprefix("\n") if not fields[self.textarea] else data


def _fields(html: str) -> dict[str, dict[str, str]]:
    parser = _Fields()
    parser.feed(html)
    return parser.forms


def test_the_forms_fields_take_what_was_typed_but_the_tokens_stay_new() -> None:
    html = refill(PAGE, action="/portal/handovers/7/answer", page="/portal/handovers/7",
                  values=TYPED, **NOTICES)  # fmt: skip
    answer = _fields(html)["/portal/handovers/7/answer"]
    assert answer == {
        "csrf": "new-token", "once": "new-once", "version": "3", "text": TYPED["text"],
        "name": 'Le "Refuge"', "by_appointment": "on", "kind": "closed", "city": "tunis",
        "password": "",
    }  # fmt: skip
    # Other forms are left as they were rendered.
    assert _fields(html)["/portal/handovers/7/close"] == {"text": ""}
    assert _fields(html)["/portal/sign-out"] == {"csrf": "new-token"}
    assert "<b>" not in html
    assert "secret" not in html
    assert '<main id="main">\n<p class="notice" role="status">Pas encore enregistré.</p>' in html
    assert "<p>Tom &amp; Jerry &#169;</p>" in html


def test_a_form_without_an_action_is_given_the_one_it_was_sent_to() -> None:
    page = PAGE.replace(' action="/portal/handovers/7/answer"', "")
    html = refill(page, action="/portal/handovers/7", page="/portal/handovers/7",
                  values={"text": "Bonjour"}, **NOTICES)  # fmt: skip
    assert _fields(html)["/portal/handovers/7"]["text"] == "Bonjour"


def test_when_the_form_is_gone_what_was_typed_is_shown_to_copy() -> None:
    # The conversation ended meanwhile: its page has no answer form any more.
    page = PAGE.replace("/portal/handovers/7/answer", "/portal/handovers/7/take")
    html = refill(page, action="/portal/handovers/7/answer", page="/portal/handovers/7",
                  values={"csrf": "old-token", "text": "Appelez <le> 15", "name": " "},
                  **NOTICES)  # fmt: skip
    assert "Pas encore enregistré." not in html
    assert "<p>Le formulaire a disparu :</p>" in html
    assert "Appelez &lt;le&gt; 15</textarea>" in html
    assert "old-token" not in html
    assert html.count("readonly") == 1
