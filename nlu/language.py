"""Reply-language identification for short messages: script first, then character n-grams.

Trained at start-up from our own per-language training data (a few thousand short
sentences, under a second); no model download and a few MB of memory.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from nlu.normalize import normalize
from nlu.training_data import examples_by_language

# Links and addresses are not written in any language; their letters only mislead.
_NOT_LANGUAGE = re.compile(r"(https?://|www\.)\S*|\S+@\S+")
# Arabic diacritics and tatweel carry no language signal; Persian letters (پ چ ژ گ ی ک) do,
# so the identifier folds less than the model's normalisation does.
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
# Letters that, among Dalil's languages, one alone writes: Persian's (Arabic keyboards type
# ي and ك, not ی and ک) and Turkish's dotless ı, ğ and ş. Not German's ä, Spanish ñ or
# Portuguese ã: those are the local languages of cities Dalil serves, and their words come
# into any conversation there ("Segurança Social", "Ärztin").
_OWN_LETTERS = {"fa": re.compile("[پچژگکی]"), "tr": re.compile("[ığşİĞŞ]")}


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """A language and how sure the identifier is (0..1)."""

    language: str
    confidence: float


def dominant_script(text: str) -> str | None:
    """Return the Unicode script name most letters of `text` belong to (e.g. LATIN)."""
    scripts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            scripts[unicodedata.name(char, "UNKNOWN").split(" ")[0]] += 1
    return scripts.most_common(1)[0][0] if scripts else None


def _fold(text: str, script: str) -> str:
    if script == "LATIN":
        return normalize(text)
    return _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text)).casefold()


# How many n-grams a whole word weighs. Letters alone read "migrants are dangerous" as French
# ("migrants", "danger"), "I am in danger" as German: the little words of a language ("are",
# "am", "my") say it better. On a tenth of the training data kept out of it, in three draws,
# whole words weighing five told 11, 16 and 20 more of 1,406 messages right (5, 10 and 10 more
# of those of four words at most).
WORD_WEIGHT = 5


def _ngrams(text: str, script: str) -> Iterator[str]:
    folded = _fold(text, script)
    for word in folded.split():
        padded = f" {word} "
        for n in (1, 2, 3, 4):
            for i in range(len(padded) - n + 1):
                yield padded[i : i + n]
    for word in _words(folded, script):
        for _ in range(WORD_WEIGHT):
            yield f"<{word}>"


_LETTERS = re.compile(r"[^\W\d_]+")


def _words(folded: str, script: str) -> list[str]:
    """The words of a text already `_fold`ed, as whole-word features: without punctuation,
    and in Latin letters without accents ("Olá," is "ola", as many phones type it)."""
    if script == "LATIN":
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _LETTERS.findall(folded)


class _NaiveBayes:
    """Multinomial naive Bayes over character 1–4-grams, add-one smoothing, flat prior."""

    def __init__(self, script: str, samples: dict[str, list[str]]) -> None:
        self.script = script
        counts = {
            language: Counter(g for text in texts for g in _ngrams(text, script))
            for language, texts in samples.items()
        }
        vocabulary = len(set().union(*counts.values())) or 1
        # Each n-gram's smoothed log-probability, computed once here rather than for every
        # n-gram of every message (the same values, summed in the same order).
        self.log_p: dict[str, dict[str, float]] = {}
        self.log_p_unseen: dict[str, float] = {}
        for language, seen in counts.items():
            denominator = sum(seen.values()) + vocabulary
            self.log_p[language] = {g: math.log((n + 1) / denominator) for g, n in seen.items()}
            self.log_p_unseen[language] = math.log(1 / denominator)

    def classify(self, text: str) -> LanguageGuess:
        grams = list(_ngrams(text, self.script))
        scores = {
            language: sum(log_p.get(g, self.log_p_unseen[language]) for g in grams)
            for language, log_p in self.log_p.items()
        }
        best = max(scores, key=scores.__getitem__)
        # Posterior with a flat prior: softmax of the log-likelihoods.
        top = scores[best]
        return LanguageGuess(best, 1.0 / sum(math.exp(s - top) for s in scores.values()))


class LanguageIdentifier:
    """The script first; then, among the languages written in it, character n-grams.

    Arabic script is Arabic or Persian, Latin script is any of the Latin-script languages
    plus Arabizi and Finglish, Cyrillic is Ukrainian: each script gets its own classifier,
    trained on the examples of our training data written in that script.
    """

    def __init__(self, samples: dict[str, list[str]], min_confidence: float = 0.75) -> None:
        self.min_confidence = min_confidence
        by_script: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for language, texts in samples.items():
            for text in texts:
                script = dominant_script(_NOT_LANGUAGE.sub(" ", text))
                if script is not None:
                    by_script[script][language].append(text)
        self._models = {
            script: _NaiveBayes(script, dict(languages)) for script, languages in by_script.items()
        }
        self.languages = sorted(set(samples))

    @classmethod
    def from_training_data(cls) -> LanguageIdentifier:
        """Build the identifier from the NLU training data shipped with Dalil."""
        return cls(examples_by_language())

    def identify(self, text: str) -> LanguageGuess | None:
        """Return the most likely language of `text`, or None when it cannot tell."""
        text = _NOT_LANGUAGE.sub(" ", text)
        script = dominant_script(text)
        model = self._models.get(script) if script else None
        if model is None:
            return None
        if script == "LATIN" and len(owners := _own_words_of(text)) == 1:
            # Words only one language writes outweigh n-grams that read "komak lazem daram"
            # as Turkish.
            return LanguageGuess(owners.pop(), 1.0)
        guess = model.classify(text)
        return guess if guess.confidence >= self.min_confidence else None


# Words that, among Dalil's languages, one alone writes in Latin letters: Finglish (Persian)
# and Turkish typed without its letters, as many phones type them ("komak mikham", "yardim
# istiyorum" after a "salam" answered in Arabic stayed Arabic). Not words Arabizi, English or
# the Romance languages write too ("man", "dar", "chi", "lazem", "lazim", "mi", "var").
_FINGLISH = """
    mikham mikhaam mikhay mikhaym mikhaim mikhastam mikhad mikhan mikhaham mikhahim
    nemikham mikonam mikonim mikoni mikone mishe nemishe mitoonam mitunam mitavanam
    nemitoonam nemitunam nemidoonam nemidunam midoonam midunam hastam hastim hastid
    nistam nistim nadaram nadarim daram darim konam konim konid beram berim
    bekhabam begiram peyda paida komak komakam lotfan chetori chetorid khoobam khubam
    khoone khune khooneh bache bacheha bachem bachehaye pesaram dokhtaram shoharam
    kheili kheyli kojast koja chera baraye barayeh
    """
_TURKISH_UNLETTERED = """
    istiyorum istiyoruz ariyorum ariyoruz bulabilirim bulamiyorum nerede nerde nasil
    yardim yardima ihtiyacim ihtiyacimiz lutfen tesekkurler gerekiyor misiniz
    """
_OWN_WORDS = {"fa": frozenset(_FINGLISH.split()), "tr": frozenset(_TURKISH_UNLETTERED.split())}
_LATIN_WORDS = re.compile(r"[a-z]+")


def own_words(text: str, language: str) -> bool:
    """Tell whether `text` has a word only `language` writes in Latin letters among Dalil's
    languages: a message of a word or two is then that language, as with `own_letters`."""
    return language in _own_words_of(text)


def _own_words_of(text: str) -> set[str]:
    """The languages whose own words (_OWN_WORDS) `text` has."""
    written = set(_LATIN_WORDS.findall(normalize(text)))
    return {language for language, words in _OWN_WORDS.items() if words & written}


def own_letters(text: str, language: str) -> bool:
    """Tell whether `text` has a letter only `language` writes among Dalil's languages: a
    message of a word or two is then that language, whatever was written before."""
    letters = _OWN_LETTERS.get(language)
    return bool(letters and letters.search(text))


# Greetings written alike by speakers of several of Dalil's languages, as the whole message:
# the languages, likeliest first. "salam", "slm" and "salam alaikum" in Latin letters are
# Arabizi as often as Finglish or Turkish (and far more of Dalil's people write Arabic), but
# the identifier read "slm" and "salam alaikum" as Turkish; "سلام" alone is Arabic as well as
# Persian, and read as Persian. Turkish "selam" and "merhaba", Persian "سلام علیکم" (its own
# letters) and "سلام، خوبی؟" say which they are: they are not here.
_SHARED_GREETINGS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(["سلام"], ("ar", "fa")),
    **dict.fromkeys(
        [
            "salam",
            "salaam",
            "slm",
            "salam alaikum",
            "salam alaykum",
            "salam aleikum",
            "salam aleykum",
            "salam alikum",
            "salam alikoum",
            "salam alaykoum",
            "salam alikom",
            "slm alikom",
            "salamu alaikum",
            "salamu alaykum",
            "assalamu alaikum",
            "assalamu alaykum",
            "asalamu alaikum",
            "assalam alaikum",
        ],
        ("ar", "fa", "tr"),
    ),
}
_GREETING_WORDS = re.compile(r"[^\W\d_]+")


def shared_greeting(text: str) -> tuple[str, ...]:
    """Return the languages whose speakers write `text`, a greeting and nothing more, likeliest
    first, when it is written alike in several ("salam", "سلام"); else ()."""
    words = _GREETING_WORDS.findall(normalize(_NOT_LANGUAGE.sub(" ", text)))
    return _SHARED_GREETINGS.get(" ".join(words), ())
