"""A language asked for in words: "ممكن بالعربي؟", "in english please", "auf Deutsch bitte".

People who cannot read the answer ask for another language in a few words rather than find
/language. The model has no intent for it (the intents are fixed: DESIGN.md) and reads a
topic into such words ("ممكن بالعربي؟" was transport, 0.94), so a handful of phrases per
language recognises them. A word of a topic in the message makes it a need that names a
language ("a doctor who speaks Arabic"): the model reads those.
"""

from __future__ import annotations

from bot.dialogue.phrasebook import Phrasebook
from nlu import topic_words

# How people ask for each language, in that language and in others, as they type it: with a
# preposition ("in", "en", "بال"), so that a bare "english" (a course?) is not one.
_ASKED = {
    "ar": [
        "بالعربي",
        "بالعربية",
        "باللغة العربية",
        "عربي من فضلك",
        "bl3arbi",
        "bel 3arbi",
        "b3arbi",
        "bil arabi",
        "in arabic",
        "en arabe",
        "en árabe",
        "auf arabisch",
        # Maghrebi, the language as people name it ("b l3arbiya" got the help).
        "bl3arbiya",
        "b l3arbiya",
        "bel 3arbiya",
        "بالدارجة",
    ],
    "fr": [
        "en francais",
        "en français",
        "in french",
        "بالفرنسية",
        "bel fransawi",
        "bil faransi",
        "en francés",
        "auf französisch",
    ],
    "en": [
        "in english",
        "english please",
        "english pls",
        "en anglais",
        "en inglés",
        "en ingles",
        "بالانجليزي",
        "بالإنجليزية",
        "bel inglizi",
        "به انگلیسی",
        "auf englisch",
        "in inglese",
        "em inglês",
        "англійською",
    ],
    "es": ["en español", "en espanol", "in spanish", "en espagnol", "auf spanisch", "in spagnolo"],
    "it": ["in italiano", "in italian", "en italien", "auf italienisch"],
    "pt": ["em português", "em portugues", "in portuguese", "en portugais", "auf portugiesisch"],
    "de": ["auf deutsch", "in german", "en allemand", "in tedesco", "em alemão", "بالألمانية"],
    "tr": [
        "türkçe lütfen",
        "turkce lutfen",
        "türkçe yaz",
        "turkce yaz",
        "in turkish",
        "en turc",
        # Asked as a request more often than an order ("türkçe konuşabilir misin" got the help).
        "türkçe konuş",
        "türkçe olsun",
        "türkçe yazar mısın",
        "türkçe yazabilir misin",
        "türkçe konuşabilir misin",
        "auf türkisch",
        "بالتركي",
        "بالتركية",
        "به ترکی",
    ],
    "fa": [
        "به فارسی",
        "فارسی بنویس",
        "فارسی لطفا",
        "be farsi",
        "farsi lotfan",
        "in persian",
        "in farsi",
        "en persan",
        "به دری",
        "بالفارسية",
        # With "language" in it, and Dari as Afghans name it ("به زبان دری" got the help).
        "به زبان فارسی",
        "به زبان دری",
        "دری لطفا",
        "be dari",
        "dari lotfan",
        "in dari",
        "be zaban farsi",
        "be zabane farsi",
        "ba zaban dari",
    ],
    "uk": [
        "українською",
        "українською мовою",
        "по-українськи",
        "по украински",
        "in ukrainian",
        "en ukrainien",
        "ukrainskoyu",
    ],
}
MOST_WORDS = 5
_BOOKS = {
    code: Phrasebook({code: phrases}, most_words=MOST_WORDS) for code, phrases in _ASKED.items()
}


def asked(text: str) -> str | None:
    """Return the language a short message asks to be answered in, or None (none, two, or a
    need beside it)."""
    found = [code for code, book in _BOOKS.items() if book.found(text)]
    if len(found) != 1 or topic_words.topics_named(text):
        return None
    return found[0]
