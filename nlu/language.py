"""Reply-language identification for short messages: script first, then character n-grams.

Trained at start-up from our own per-language training data (a few thousand short
sentences, under a second); no model download and a few MB of memory.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from nlu.normalize import normalize
from nlu.training_data import examples_by_language

# Links and addresses are not written in any language; their letters only mislead.
_NOT_LANGUAGE = re.compile(r"(https?://|www\.)\S*|\S+@\S+")
# Languages written in a script no other supported language uses.
_SCRIPT_LANGUAGE = {"ARABIC": "ar", "CYRILLIC": "uk"}


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


def _ngrams(text: str) -> Iterator[str]:
    for word in normalize(text).split():
        padded = f" {word} "
        for n in (1, 2, 3, 4):
            for i in range(len(padded) - n + 1):
                yield padded[i : i + n]


class LanguageIdentifier:
    """Naive Bayes over character 1–4-grams for Latin-script text; script for the rest."""

    def __init__(self, samples: dict[str, list[str]], min_confidence: float = 0.75) -> None:
        self.min_confidence = min_confidence
        self._counts: dict[str, Counter[str]] = {}
        for language, texts in samples.items():
            latin = [t for t in texts if dominant_script(t) == "LATIN"]
            if latin:
                self._counts[language] = Counter(g for t in latin for g in _ngrams(t))
        self._totals = {lang: sum(c.values()) for lang, c in self._counts.items()}
        self._vocabulary = len(set().union(*self._counts.values())) if self._counts else 1
        self.languages = sorted(set(samples))

    @classmethod
    def from_training_data(cls) -> LanguageIdentifier:
        """Build the identifier from the NLU training data shipped with Dalil."""
        return cls(examples_by_language())

    def identify(self, text: str) -> LanguageGuess | None:
        """Return the most likely language of `text`, or None when it cannot tell."""
        text = _NOT_LANGUAGE.sub(" ", text)
        script = dominant_script(text)
        if script is None:
            return None
        if script in _SCRIPT_LANGUAGE:
            language = _SCRIPT_LANGUAGE[script]
            return LanguageGuess(language, 1.0) if language in self.languages else None
        if script != "LATIN" or not self._counts:
            return None
        grams = list(_ngrams(text))
        scores = {
            language: sum(
                math.log((counts[g] + 1) / (self._totals[language] + self._vocabulary))
                for g in grams
            )
            for language, counts in self._counts.items()
        }
        best = max(scores, key=scores.__getitem__)
        # Posterior with a flat prior: softmax of the log-likelihoods.
        top = scores[best]
        confidence = 1.0 / sum(math.exp(s - top) for s in scores.values())
        if confidence < self.min_confidence:
            return None
        return LanguageGuess(best, confidence)
