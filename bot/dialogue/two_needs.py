"""A second need told after "and" ("un médico para mi hijo y también dónde dormir").

The model names one need per message, and a second one is not even its runner-up ("medico
... y tambien busco donde dormir": health 1.0, housing 0.0). What follows the last "and" of
a long message is read by the model on its own, and when it says the message's need again,
what comes before it ("بدي ورق و اكل": food, and papers before it); a need the model is sure
of there, other than the message's, is offered as a button under the list
(bot/dialogue/directory.py).
"""

from __future__ import annotations

import re

from nlu.client import NLUClient
from nlu.decision import CONFIDENT
from nlu.errors import NLUUnavailable

# A message shorter than this says one thing; what follows "and" must say something too.
FEWEST_WORDS, FEWEST_AFTER = 6, 2

# "And also" first, where people mark a second need; else the last plain "and".
_ALSO = re.compile(
    r"\b(?:and also|also|y tambi[eé]n|y adem[aá]s|adem[aá]s|et aussi|et puis|e anche|e poi|"
    r"inoltre|e tamb[eé]m|al[eé]m disso|und auch|au(?:ß|ss)erdem|und noch|ve ayr[ıi]ca|"
    r"ayr[ıi]ca|а також|також|і ще|и ещ[её]|также|همچنین)\b",
    re.IGNORECASE,
)
_AND = re.compile(r"\b(?:and|y|et|e|und|ve|і|и|та|و)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


def around_and(text: str) -> tuple[str | None, str | None]:
    """Return what a long message says after its "and also", else its last "and", and what
    it says before it; None for a part that says too little."""
    if len(_WORD.findall(text)) < FEWEST_WORDS:
        return None, None
    found = _ALSO.search(text) or next(reversed(list(_AND.finditer(text))), None)
    if found is None:
        return None, None
    rest, head = text[found.end() :], text[: found.start()]
    return (
        rest if len(_WORD.findall(rest)) >= FEWEST_AFTER else None,
        head if _WORD.search(head) else None,
    )


async def other_need(nlu: NLUClient, text: str, intent: str) -> str | None:
    """Return the need (`find_*`) told after "and" in `text`, else before it, if the model
    is sure of one other than `intent`."""
    rest, head = around_and(text)
    if rest is None:
        return None
    for part in (rest, head):
        if part is None:
            continue
        try:
            other = await nlu.parse(part)
        except NLUUnavailable:
            return None
        sure = other.confidence >= CONFIDENT and not other.choices and not other.danger
        if sure and other.intent.startswith("find_") and other.intent != intent:
            return other.intent
        if other.intent != intent:
            return None  # what follows "and" is not the same need: the head says nothing new
    return None
