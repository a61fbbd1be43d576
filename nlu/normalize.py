"""Text normalisation applied identically to training data and to every parsed message."""

from __future__ import annotations

import re
import unicodedata

# Arabic harakat, tanwin, shadda, sukun, superscript alef, Quranic marks.
_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_CHAR_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian ye
        "ک": "ك",  # Persian kaf
        "ؤ": "و",
        "ئ": "ي",
        "ـ": "",
        # Curly apostrophes (Ukrainian, Italian elisions, phone keyboards) are one apostrophe.
        "\u2019": "'",
        "\u02bc": "'",
        "`": "'",
        # The Persian half-space joins a prefix to its verb (می‌خوام): written without it too.
        "\u200c": "",
    }
)
# Casefolding Turkish İ leaves i + a combining dot above; "İMDAT" must read as "imdat".
_COMBINING_DOT = "\u0307"
# Three or more of the same letter ("saaaalam", "شكرااا") become two.
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
# Pictographs and symbols carry no meaning for intent classification.
_SYMBOLS = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Return `text` in the canonical form the NLU model is trained and queried with."""
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_DIACRITICS.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_CHAR_MAP)
    text = _SYMBOLS.sub(" ", text)
    text = _REPEATS.sub(r"\1\1", text.casefold().replace(_COMBINING_DOT, ""))
    return _SPACES.sub(" ", text).strip()
