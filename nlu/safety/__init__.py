"""A safety net under the model: words that mean someone may be in danger right now.

The model can mistake a cry for help for something else, and Rasa can be down. Emergency
numbers cost nothing to show, so any of these words shows them first, whatever else the
message asks. The list is deliberately broad; it is matched on whole words after the same
normalisation the model uses. The phrases live in one file per language beside this module
(`<lang>.txt`, one phrase a line), so translators add them without touching the code.

Some cries are danger only as the whole message. "Help me!" alone is a cry, and "help me
find a school" a need; "Help!" is a cry, and "help" alone asks how the bot works. A line
starting with `=` is such a cry: the message is those words and nothing else (said once or
more). A line starting with `!` needs an exclamation mark in the message too.

People in danger type fast, on small keys: "baby not breething", "husban hiting me". A word
that is no word of any of our languages (wordfreq's lists) and one letter away from a word of
the phrases (one letter changed, added, dropped, or two swapped; the same first letter; five
letters or more) is read as that word too. A real word is never read as another: "breeding"
stays "breeding", "filling" is never "killing".

Some phrases are idioms around a word of danger: "I'm dying to see my mum", "my back is
killing me". A line starting with `~` is such an idiom: a word of danger inside it does not
count, while any other in the message still does ("he is killing me, my back is killing me").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from nlu.normalize import normalize

PHRASES_DIR = Path(__file__).resolve().parent

# Arabic articles and one-letter prepositions glued to the next word (and, so, with, for).
_PREFIXES = ("وال", "بال", "فال", "لل", "ال", "و", "ف", "ب", "ل")
_WORDS = re.compile(r"[\w']+")


def _unaccented(text: str) -> str:
    """Drop the accents of Latin letters ("agressée" → "agressee"): people type without them."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = [
        char
        for index, char in enumerate(decomposed)
        if not (
            unicodedata.combining(char)
            and index > 0
            and "LATIN" in unicodedata.name(decomposed[index - 1], "")
        )
    ]
    return unicodedata.normalize("NFC", "".join(kept))


# English contractions, read as the words they stand for: "Tom's shot" is "Tom is shot", and
# "I'm hit" is "I am hit", so one line "is shot" or "i am hit" covers every way of typing it.
# ("Tom's" as a possessive reads as "Tom is" too: the net errs on the side of the numbers.)
_CONTRACTIONS = {"n't": ("not",), "'s": ("is",), "'re": ("are",), "'m": ("am",),
                 "'ve": ("have",), "'ll": ("will",), "'d": ("would",)}  # fmt: skip
_SPELLED_OUT = {"can't": ("can", "not"), "won't": ("will", "not"), "cannot": ("can", "not")}
# Ukrainian writes "in" and "and" two ways each, by the sound of the word before: "я у пастці"
# and "я в пастці" are one phrase, as are "і" and "й".
_ONE_WORD = {"в": "у", "й": "і"}
# French and Italian articles and pronouns elided onto the next word: "l'ambulance" holds
# "ambulance", "dell'ospedale" "ospedale".
_ELIDED = re.compile(r"^[a-z]{1,5}'(?=\w{3})")


def _spelled_out(token: str) -> tuple[str, ...]:
    if token in _ONE_WORD:
        return (_ONE_WORD[token],)
    if token in _SPELLED_OUT:
        return _SPELLED_OUT[token]
    for ending, words in _CONTRACTIONS.items():
        if token.endswith(ending) and len(token) > len(ending) and token.isascii():
            return (token[: -len(ending)], *words)
    return (token,)


def _tokens(text: str) -> list[str]:
    words = _WORDS.findall(_unaccented(normalize(text)))
    return [word for token in words for word in _spelled_out(token)]


def _forms(token: str) -> set[str]:
    """Return the token and what it is without an elided article or a glued Arabic prefix."""
    forms = {token, _ELIDED.sub("", token)}
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            forms.add(token[len(prefix) :])
    return forms


def words(text: str) -> list[str]:
    """Return the words of `text` as the net reads them: the same reading for other word
    lists (`nlu.topic_words`)."""
    return _tokens(text)


def word_forms(text: str) -> list[set[str]]:
    """Return each word of `text` as the net reads it, with its forms (`_forms`)."""
    return [_forms(token) for token in _tokens(text)]


# The marks of a line that is a cry (the whole message), of one that needs "!" too, and of an
# idiom whose words of danger do not count.
WHOLE, EXCLAIMED, IDIOM = "=", "!", "~"
Phrase = tuple[str, ...]


def _read(
    folder: Path,
) -> tuple[list[Phrase], frozenset[Phrase], frozenset[Phrase], list[Phrase]]:
    """The phrases (longest first), the whole-message cries, the cries that need "!", idioms."""
    phrases: set[Phrase] = set()
    idioms: set[Phrase] = set()
    cries: dict[str, set[Phrase]] = {WHOLE: set(), EXCLAIMED: set()}
    for path in sorted(folder.glob("*.txt")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line[0] in cries:
                cries[line[0]].add(tuple(_tokens(line[1:])))
            elif line[0] == IDIOM:
                idioms.add(tuple(_tokens(line[1:])))
            elif tokens := tuple(_tokens(line)):
                phrases.add(tokens)
    if not phrases:
        # An install without its data files would answer "no danger" to everything, silently.
        raise RuntimeError(f"no danger phrases in {folder}: the safety net would be empty")
    ordered = sorted(phrases, key=len, reverse=True)
    return ordered, frozenset(cries[WHOLE]), frozenset(cries[EXCLAIMED]), sorted(idioms)


_PHRASE_LIST, _WHOLE_CRIES, _EXCLAIMED_CRIES, _IDIOM_LIST = _read(PHRASES_DIR)


def _by_first_word(phrases: list[Phrase]) -> dict[str, list[Phrase]]:
    # A message is checked only against the phrases that begin with one of its words: the
    # check runs on every message, and the list has about 4,500 phrases.
    index: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return index


_PHRASES_BY_FIRST_WORD = _by_first_word(_PHRASE_LIST)
_IDIOMS_BY_FIRST_WORD = _by_first_word(_IDIOM_LIST)

# Misspellings: the shortest word read as a slip of a longer word of the phrases.
SHORTEST_MISSPELT = 5
# One vowel for another changes the word in short ones ("messi", "doing", "soigne" are one
# vowel from danger words of the phrases): it is a slip only in words of this many letters.
LONG_WORD = 8


_VOWELS = frozenset("aeiouy")


def _skeleton(word: str) -> str:
    """A word without its doubled letters and vowels: the same for a word and its slips of
    the first two kinds (`_slip`), so that only those few words are compared."""
    single = "".join(c for i, c in enumerate(word) if i == 0 or c != word[i - 1])
    return "".join(c for c in single if c not in _VOWELS)


def _by_skeleton(phrases: list[Phrase]) -> dict[str, set[str]]:
    """The phrases' words of `SHORTEST_MISSPELT` letters or more - 1, by their skeleton."""
    index: dict[str, set[str]] = {}
    for phrase in phrases:
        for word in phrase:
            if len(word) >= SHORTEST_MISSPELT - 1:
                index.setdefault(_skeleton(word), set()).add(word)
    return index


_DANGER_SKELETONS = _by_skeleton([*_PHRASE_LIST, *_WHOLE_CRIES, *_EXCLAIMED_CRIES])
_DANGER_WORDS = frozenset(w for words in _DANGER_SKELETONS.values() for w in words)


def _slip(typed: str, word: str) -> bool:
    """Tell whether `typed` is `word` with one slip of a hurried hand: a doubled letter typed
    once or a single one twice ("hiting", "bleeeding"), one vowel for another in a long word
    ("breething"), or two neighbours swapped ("berathing")."""
    if typed == word:
        return False
    if abs(len(typed) - len(word)) == 1:
        shorter, longer = sorted((typed, word), key=len)
        i = next((i for i in range(len(shorter)) if shorter[i] != longer[i]), len(shorter))
        doubled = (i > 0 and longer[i] == longer[i - 1]) or (
            i + 1 < len(longer) and longer[i] == longer[i + 1]
        )
        return doubled and shorter[i:] == longer[i + 1 :]
    if len(typed) != len(word):
        return False
    differ = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(differ) == 1:  # a vowel for another only in a long word: "rapid" is no "raped"
        vowels = typed[differ[0]] in _VOWELS and word[differ[0]] in _VOWELS
        return vowels and len(word) >= LONG_WORD
    first, second = differ[0], differ[-1]
    return (
        len(differ) == 2
        and second == first + 1
        and typed[first] == word[second]
        and typed[second] == word[first]
    )


@lru_cache(maxsize=8192)  # the words of recent messages: a bounded cache
def _meant(token: str) -> frozenset[str]:
    """The words of the phrases and cries a misspelt `token` may stand for. Outside Latin
    letters only a letter typed twice or a doubled one once ("ساعدونيي", "рятуйтее"): there
    a letter changed or two swapped is as often another word."""
    if len(token) < SHORTEST_MISSPELT or token in _DANGER_WORDS:
        return frozenset()
    latin = token.isascii()
    near = _DANGER_SKELETONS.get(_skeleton(token), set())
    if latin:
        pairs = range(len(token) - 1)
        swapped = {token[:i] + token[i + 1] + token[i] + token[i + 2 :] for i in pairs}
        near = near | (swapped & _DANGER_WORDS)
    return frozenset(
        w for w in near
        if w[0] == token[0] and (latin or len(w) != len(token)) and _slip(token, w)
    )  # fmt: skip


def _as_meant(tokens: Phrase) -> Phrase:
    """The words, each misspelt one as the one word of danger it stands for, if only one."""
    return tuple(next(iter(m)) if len(m := _meant(t)) == 1 else t for t in tokens)


def _once(tokens: Phrase) -> Phrase:
    """The words said, without their repetition: "help help help" is "help"."""
    for size in range(1, len(tokens) // 2 + 1):
        if len(tokens) % size == 0 and tokens == tokens[:size] * (len(tokens) // size):
            return tokens[:size]
    return tokens


def _cried(text: str, tokens: Phrase) -> bool:
    exclaimed = "!" in text or "¡" in text  # "¡Ayuda" is written without its closing mark too
    for said in {_once(tokens), _once(_as_meant(tokens))}:
        if said in _WHOLE_CRIES or (said in _EXCLAIMED_CRIES and exclaimed):
            return True
    return False


def is_cry(text: str) -> bool:
    """Tell whether the whole of `text` is a cry for help ("Help!", "Au feu", "Ayúdenme")."""
    return _cried(text, tuple(_tokens(text)))


# "SOS" in capitals is a call for help in any language; in small letters it is also
# Rioplatense Spanish for "you are" ("vos sos"), so the phrase files hold it only as a cry.
# 🆘 is the same call, and may be all a person in danger manages to send.
_SOS = re.compile(r"\bSOS\b|\U0001F198")


def mentions_danger(text: str) -> bool:
    """Tell whether `text` is a cry or contains a word or phrase that may signal an emergency."""
    tokens = tuple(_tokens(text))
    if _cried(text, tokens) or _SOS.search(text):
        return True
    forms = [_forms(token) for token in tokens]
    forms = [found.union(*map(_meant, found)) for found in forms]
    idioms = list(_found(forms, _IDIOMS_BY_FIRST_WORD))
    return any(
        not any(start <= first and last <= end for start, end in idioms)
        for first, last in _found(forms, _PHRASES_BY_FIRST_WORD)
    )


def _found(forms: list[set[str]], index: dict[str, list[Phrase]]) -> Iterator[tuple[int, int]]:
    """Where the message's words hold a phrase of `index`: its first and past-the-last word."""
    for start, first in enumerate(forms):
        for word in first:
            for phrase in index.get(word, ()):
                end = start + len(phrase)
                if end <= len(forms) and all(
                    w in forms[start + 1 + i] for i, w in enumerate(phrase[1:])
                ):
                    yield start, end
