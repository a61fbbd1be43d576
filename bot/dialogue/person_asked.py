"""A person asked for in words: "بدي احكي مع حدا", "bir insanla konuşabilir miyim".

The model knows `talk_to_human`, but in a QA pass it read Levantine, Arabizi and Turkish
askings as a topic ("بدي احكي مع حدا" got the food list) or as a plea for help. A few phrases
per language, found in a short message, recognise them. A word of a topic in the message
makes it a need ("talk to someone about a lawyer"): the model reads those, and the answer to a
need offers "🙋 Talk to a person" where someone answers it. Distress ("someone help me") is
not here: it belongs to the emergency numbers.
"""

from __future__ import annotations

from bot.dialogue.phrasebook import Phrasebook
from nlu import topic_words

# How people ask, per language, as they type it (the phrasebook folds case and accents).
_ASKED = {
    "ar": [
        "احكي مع حدا",
        "احكي مع شي حدا",
        "احكي مع شخص",
        "احكي مع انسان",
        "اتكلم مع شخص",
        "اتكلم مع حدا",
        "اتكلم مع انسان",
        "اكلم انسان",
        "اكلم شخص",
        "نهضر مع شي واحد",
        "نهدر مع شي واحد",
        "نحكي مع شي حد",
        "نحكي مع حد",
        "e7ki ma3 7ada",
        "e7ki ma3 shi 7ada",
        "ehki ma3 7ada",
        "ehki ma3 shi 7ada",
        "a7ki ma3 7ada",
        "a7ki m3a 7ada",
        "nhder m3a chi wa7ed",
        "nhdar m3a chi wa7ed",
        "n7ki m3a 7ad",
        "n7ki m3a chi 7ad",
    ],
    "tr": [
        "bir insanla konuşabilir miyim",
        "bir insanla konuşabilirmiyim",
        "insanla konuşmak istiyorum",
        "bir insanla konuşmak",
        "biriyle konuşmak istiyorum",
        "biriyle konuşabilir miyim",
        "gerçek biriyle",
        "gerçek bir insan",
        "yetkiliyle konuşmak",
        "canlı destek",
    ],
    "fa": [
        "با یک نفر صحبت کنم",
        "با یه نفر صحبت کنم",
        "با یه نفر حرف بزنم",
        "با یک نفر حرف بزنم",
        "با یه آدم حرف بزنم",
        "با یکی حرف بزنم",
        "با یک انسان صحبت کنم",
        "ba ye nafar harf bezanam",
        "ba yeki harf bezanam",
        "ba ye adam harf bezanam",
        "ba yek nafar sohbat konam",
    ],
    "en": [
        "talk to a person",
        "talk to a human",
        "speak to a person",
        "speak to a human",
        "talk to someone",
        "speak to someone",
        "talk with someone",
        "a real person",
    ],
    "fr": [
        "parler à quelqu'un",
        "parler a qqn",
        "parler à une personne",
        "parler à un humain",
        "parler avec quelqu'un",
        "parler avec une personne",
        "une vraie personne",
    ],
    "es": [
        "hablar con una persona",
        "hablar con alguien",
        "hablar con un humano",
        "una persona real",
    ],
    "it": [
        "parlare con una persona",
        "parlare con qualcuno",
        "parlare con un umano",
        "una persona vera",
    ],
    "pt": [
        "falar com uma pessoa",
        "falar com alguém",
        "falar com um humano",
        "uma pessoa real",
    ],
    "de": [
        "mit einem menschen sprechen",
        "mit einem menschen reden",
        "mit jemandem sprechen",
        "mit jemandem reden",
        "mit einer person sprechen",
        "ein echter mensch",
        # As typed in a hurry ("mit jemand reden" got the food and support list).
        "mit jemand reden",
        "mit jemand sprechen",
        "mit wem reden",
        "mit wem sprechen",
    ],
    # Ukrainian, and Russian as many Ukrainians write it.
    "uk": [
        "поговорити з людиною",
        "поговорити з кимось",
        "з живою людиною",
        "поговорить с человеком",
        "с живым человеком",
        "pohovoryty z lyudynoyu",
        # Someone, and the words the other way round ("можно поговорить с кем-то" under a
        # list got the list again).
        "поговорить с кем то",
        "поговорить с кем нибудь",
        "з кимось поговорити",
        "с кем то поговорить",
        "поговорити з ким небудь",
    ],
}
# Longer messages say more than that: the model reads them.
MOST_WORDS = 8
_ASKED_BOOK = Phrasebook(_ASKED, most_words=MOST_WORDS)


def asked(text: str) -> bool:
    """Tell whether a short message asks to talk to a person, and names no topic."""
    return _ASKED_BOOK.found(text) and not topic_words.topics_named(text)
