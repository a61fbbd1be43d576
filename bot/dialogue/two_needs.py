"""A second need told after "and" ("un médico para mi hijo y también dónde dormir").

The model names one need per message, and a second one is not even its runner-up ("medico
... y tambien busco donde dormir": health 1.0, housing 0.0). What follows the last "and" of
a long message is read by the model on its own; a need it is sure of there, other than the
message's, is offered as a button under the list (bot/dialogue/directory.py).
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
_AND = re.compile(r"\b(?:and|y|et|e|und|ve|і|и|та)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


def after_and(text: str) -> str | None:
    """Return what a long message says after its "and also", else its last "and"."""
    if len(_WORD.findall(text)) < FEWEST_WORDS:
        return None
    found = _ALSO.search(text) or next(reversed(list(_AND.finditer(text))), None)
    rest = text[found.end() :] if found else ""
    return rest if len(_WORD.findall(rest)) >= FEWEST_AFTER else None


async def other_need(nlu: NLUClient, text: str, intent: str) -> str | None:
    """Return the need (`find_*`) told after "and" in `text`, if the model is sure of one
    other than `intent`."""
    rest = after_and(text)
    if rest is None:
        return None
    try:
        other = await nlu.parse(rest)
    except NLUUnavailable:
        return None
    sure = other.confidence >= CONFIDENT and not other.choices and not other.danger
    if sure and other.intent.startswith("find_") and other.intent != intent:
        return other.intent
    return None
