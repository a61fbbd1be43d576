"""What the bot does with the model's ranking: act, ask which topic, or show the numbers.

The safety net (`nlu.safety`, applied by the client before anything here counts) makes every
message with words of danger an emergency. The model's own `emergency` must clear a bar of its
own: on strangers' text the model calls unfamiliar sentences emergencies, and those people get
police numbers instead of an answer. Over the bar, the person gets the numbers; when the model
is not sure, the need it sees next is kept, and the dialogue answers it after the numbers.
Under the bar, the bot asks about the topics in sight, or shows the menu, and both carry the
emergency button. Between the fallback threshold and a confident answer, the bot asks which
of the likeliest topics is meant instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from nlu.normalize import normalize

OUT_OF_SCOPE = "out_of_scope"
EMERGENCY = "emergency"
# Asking for a person: "I want to talk to a lawyer" is a legal question, not a handover.
TALK_TO_HUMAN = "talk_to_human"
RUMOUR = "rumour"
# Rasa's FallbackClassifier answers this when no intent is confident enough.
RASA_FALLBACK = "nlu_fallback"
# Under this confidence the model's first intent is not acted on (out of scope: the menu).
# Chosen on the development set (nlu/README.md): 0.3 answers more questions rightly than 0.5
# (macro-F1 0.933 against 0.920), with the same emergencies and false emergencies.
FALLBACK = 0.3
# The model's first intent `emergency` is acted on (the numbers) from this confidence on; under
# it, with no word of danger, the bot asks about the topics in sight or shows the menu, both
# with the emergency button. Chosen on the development set and the strangers' set together
# (nlu/README.md): the bar that keeps the most emergencies of both. Higher bars spare
# strangers false alarms but lose emergencies written by strangers (0.6: 0.64 -> 0.54).
EMERGENCY_BAR = 0.3
# A message of fewer than SHORT_WORDS words needs more of the model's belief in `emergency`:
# the safety net knows the short, plain ways of saying danger ("drop the gun", "I'm hit", "he
# swallowed a magnet"), and short unfamiliar sentences are where most of the model's false
# alarms on strangers' text come from. Long messages keep EMERGENCY_BAR: an emergency told
# calmly, at length and without a word of danger, is found by the model alone. Chosen on the
# development, strangers' and calm sets together (nlu/README.md, "Short plain emergencies").
SHORT_WORDS = 10
SHORT_EMERGENCY_BAR = 0.5
# A message that ends with a question mark asks for something far more often than it tells of
# danger now ("what is the difference between a bachelor's and a master's degree?"), and such
# long, formal questions are where the model's false alarms on strangers' text come from. The
# model's `emergency` needs this much belief there; words of danger still count at once, so
# "what do I do, he is hitting me?" gets the numbers from the safety net. Chosen on the five
# choosing sets (nlu/README.md, "A higher bar for questions"): 0.99 loses a calm emergency.
QUESTION_EMERGENCY_BAR = 0.95
# The model's talk_to_human is acted on only from this confidence on; below it, with a topic
# in sight, the bot asks which topic is meant (the menu it leads to offers a person too).
HUMAN_BAR = 0.8
# The model's `goodbye` is acted on only from this confidence on. A goodbye is the one answer
# without a button, and the model puts short messages it does not know there ("jetzt offen?"
# 0.77, "open now?" 0.49, "aiutatemi vi prego" 0.56 with emergency 0.41 next): under the bar
# the bot asks about the topics in sight, else shows the menu, both with the emergency button.
# Chosen on the five choosing sets (nlu/README.md, "A bar for goodbyes"): the best mean of
# their macro-F1 (0.8 costs development goodbyes); no emergency or false alarm moves.
GOODBYE = "goodbye"
GOODBYE_BAR = 0.7
# From this confidence on, the bot acts on the model's first intent without asking.
CONFIDENT = 0.8
# A topic offered in the question must have at least this share of the model's belief.
LEAST_CHOICE = 0.1
MOST_CHOICES = 3


@dataclass(frozen=True, slots=True)
class Decision:
    """The intent to act on, its confidence, and the topics to offer when unsure."""

    intent: str
    confidence: float
    choices: tuple[str, ...] = ()
    # With an unsure emergency: the likeliest need, answered after the emergency numbers.
    need: str | None = None


def is_topic(intent: str) -> bool:
    """Tell whether an intent names something the bot can offer as a button."""
    return intent.startswith("find_") or intent.split("/", 1)[0] == RUMOUR


# The words a question opens with, per language as the identifier names it (Arabizi is read
# as Arabic), as people type them: without accents, the question mark often left out ("kifach
# nsajel bnti fel madrassa", "como tirar o nif"). Only words that ask whatever follows: no
# "can", "is" or "do" ("do something!"), no Arabic "ما" (also "not": "ما بقدر اتنفس").
_OPENERS = {
    "en": "how what which who where when why whats hows wheres whos",
    "fr": "comment quel quelle quels quelles ou qui combien pourquoi quand estce",
    "es": "como cual cuales donde cuando quien cuanto cuanta",
    "it": "come quale quali dove quando quanto quanta perche",
    "pt": "como qual quais onde quando quem quanto quanta porque",
    "de": "wie was welche welcher welches wo wann wer warum",
    "tr": "nasil neden nerede nereye hangi kim kac",
    "uk": "як що де коли хто чи скільки чому який яка які как что где когда кто сколько почему",
    "fa": "چطور چگونه کجا چه چرا آیا کدام چند",
    "ar": "كيف ماذا اين وين فين متى هل شو واش كيفاش شنو ليش لماذا كم قديش اشنو علاش "
    "kifach kifash kif chno chnou wach fin win wein 3lach shu",
}
# Turkish asks with a particle after the word asked about ("açık mı", "ücretsiz mi").
_TURKISH_PARTICLES = frozenset(
    ("mi", "mı", "mu", "mü", "misin", "mısın", "musun", "müsün", "miyim", "mıyım")
)


def _plain(word: str) -> str:
    """`word` as the model reads it (nlu.normalize: Arabic and Persian letter forms one), and
    without accents."""
    folded = unicodedata.normalize("NFD", normalize(word))
    return "".join(c for c in folded if not unicodedata.combining(c))


_OPENING = {language: frozenset(map(_plain, words.split())) for language, words in _OPENERS.items()}


def asks(text: str, language: str | None = None) -> bool:
    """Tell whether a message asks something: it ends with a question mark (Latin or Arabic)
    or, written in `language`, opens with a word that asks ("how", "kifach", "چطور"), or is
    Turkish with its question particle ("açık mı")."""
    if text.rstrip().endswith(("?", "؟")):
        return True
    words = re.findall(r"\w+", text.casefold())
    if not words or language is None:
        return False
    if language == "tr" and _TURKISH_PARTICLES.intersection(words):
        return True
    return _plain(words[0]) in _OPENING.get(language, frozenset())


def emergency_bar(words: int | None, *, question: bool = False) -> float:
    """The confidence the model's `emergency` needs in a message of `words` words, which
    asks something (`asks`) if `question`."""
    bar = EMERGENCY_BAR
    if words is not None and words < SHORT_WORDS:
        bar = max(bar, SHORT_EMERGENCY_BAR)
    return max(bar, QUESTION_EMERGENCY_BAR) if question else bar


def decide(
    ranking: Sequence[tuple[str, float]],
    *,
    fallback: float = FALLBACK,
    words: int | None = None,
    question: bool = False,
) -> Decision:
    """Return what to do with the model's intents, most confident first, for a message of
    `words` words (None: the message is not known, and the bar of long messages holds) that
    ends with a question mark if `question`."""
    ranked = [(name, score) for name, score in ranking if name != RASA_FALLBACK]
    if not ranked:
        return Decision(OUT_OF_SCOPE, 0.0)
    top, confidence = ranked[0]
    if top == EMERGENCY and confidence >= emergency_bar(words, question=question):
        needs = [name for name, _ in _topics(ranked[1:]) if name.startswith("find_")]
        unsure = confidence < CONFIDENT and bool(needs)
        return Decision(EMERGENCY, confidence, need=needs[0] if unsure else None)
    if confidence < fallback:
        return Decision(OUT_OF_SCOPE, confidence)
    offered = _topics(ranked)
    if top == EMERGENCY:
        # The model's emergency under its bar, with no word of danger (the client's safety net
        # decides those first): the topics in sight are asked about, else the menu; both carry
        # the emergency button, so a person in danger is still one tap from the numbers.
        if not offered:
            return Decision(OUT_OF_SCOPE, confidence)
        return Decision(offered[0][0], offered[0][1], tuple(name for name, _ in offered))
    if top == GOODBYE and confidence < GOODBYE_BAR:
        if not offered:
            return Decision(OUT_OF_SCOPE, confidence)
        return Decision(offered[0][0], offered[0][1], tuple(name for name, _ in offered))
    if top == TALK_TO_HUMAN and confidence < HUMAN_BAR and offered:
        return Decision(offered[0][0], offered[0][1], tuple(name for name, _ in offered))
    if confidence >= CONFIDENT or not is_topic(top) or len(offered) < 2:
        return Decision(top, confidence)
    return Decision(top, confidence, tuple(name for name, _ in offered))


def _topics(ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
    # One button per topic: every rumour is the same "myths and facts" button.
    seen: dict[str, float] = {}
    for name, score in ranked:
        base = name.split("/", 1)[0]
        if is_topic(name) and score >= LEAST_CHOICE and base not in seen:
            seen[base] = score
    return list(seen.items())[:MOST_CHOICES]
