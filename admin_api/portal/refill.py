"""Put what a person typed back into the form of a page rendered afresh, with a notice.

The page is rendered for the person's new session, so the form's tokens (`csrf`, `once`) are
the new ones and keep their rendered values; every other field takes the value the person
sent: text, hidden fields such as the version a form was read in (its conflict check still
holds), boxes, choices. Nothing is sent: the person reads the form and sends it themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from html.parser import HTMLParser

# The fields whose value is the new session's, never the one sent with the old.
TOKENS = frozenset(("csrf", "once"))
# Inputs without a typed value, or whose value is never carried.
_NOT_FILLED = frozenset(("password", "submit", "button", "reset", "image", "file"))
Attrs = list[tuple[str, str | None]]


def _tag(tag: str, attrs: Attrs, closed: bool) -> str:
    parts = [
        tag,
        *(name if value is None else f'{name}="{escape(value)}"' for name, value in attrs),
    ]
    return "<" + " ".join(parts) + (" />" if closed else ">")


def _with(attrs: Attrs, name: str, value: str | None, present: bool = True) -> Attrs:
    kept = [(key, old) for key, old in attrs if key != name]
    return [*kept, (name, value)] if present else kept


class _Refill(HTMLParser):
    """Copy a page, filling the fields of the forms that post to `action`."""

    def __init__(self, action: str, page: str, values: Mapping[str, str]) -> None:
        super().__init__(convert_charrefs=False)
        self.action, self.page, self.values = action, page, values
        self.out: list[str] = []
        self.forms = 0
        self.notice_at: int | None = None
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self.out.append(self._start(tag, attrs, closed=False))
        if tag == "main" and self.notice_at is None:
            self.notice_at = len(self.out)

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self.out.append(self._start(tag, attrs, closed=True))

    def _start(self, tag: str, attrs: Attrs, *, closed: bool) -> str:
        original = self.get_starttag_text() or _tag(tag, attrs, closed)
        named = dict(attrs)
        if tag == "form":
            # A form without an action posts to its page's address; this page is answered at
            # the sign-in's, so it is given its action.
            action = named.get("action")
            post = (named.get("method") or "").lower() == "post"
            self.in_form = post and (action or self.page) == self.action
            if not self.in_form:
                return original
            self.forms += 1
            return original if action else _tag(tag, _with(attrs, "action", self.action), closed)
        name = named.get("name")
        if not self.in_form or (tag != "option" and (name is None or name in TOKENS)):
            return original
        if tag == "select":
            self.select = name if name in self.values else None
        elif tag == "option" and self.select is not None:
            chosen = (named.get("value") or "") == self.values[self.select]
            return _tag(tag, _with(attrs, "selected", None, chosen), closed)
        elif tag == "textarea" and name in self.values:
            self.textarea = name
            # The newline right after <textarea> is dropped by browsers: the value's own stays.
            return original + "\n"
        elif tag == "input" and name is not None:
            kind = (named.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                # Sent, a box was ticked; not sent, it was not.
                chosen = self.values.get(name) == (named.get("value") or "on")
                return _tag(tag, _with(attrs, "checked", None, chosen), closed)
            if kind not in _NOT_FILLED and name in self.values:
                return _tag(tag, _with(attrs, "value", self.values[name]), closed)
        return original

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None:
            self.out.append(escape(self.values[self.textarea], quote=False))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.textarea is None:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if self.textarea is None:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if self.textarea is None:
            self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def refill(
    html: str, *, action: str, page: str, values: Mapping[str, str], restored: str, orphaned: str
) -> str:
    """Return the page `html` (at `page`) with `values` in its forms that post to `action`.

    A notice opens the page's main part: `restored` if such a form is there; else `orphaned`,
    followed by what was typed, to copy (the form is gone, as when a conversation ended).
    """
    parser = _Refill(action, page, values)
    parser.feed(html)
    parser.close()
    if parser.forms:
        notice = f'<p class="notice" role="status">{escape(restored)}</p>'
    else:
        texts = [v for k, v in values.items() if k not in TOKENS and v.strip()]
        copies = "".join(
            f'<textarea readonly rows="4" dir="auto" aria-label="{escape(orphaned)}">\n'
            f"{escape(text, quote=False)}</textarea>"
            for text in texts
        )
        notice = f'<div class="notice" role="status"><p>{escape(orphaned)}</p>{copies}</div>'
    at = parser.notice_at if parser.notice_at is not None else len(parser.out)
    parser.out.insert(at, "\n" + notice)
    return "".join(parser.out)
