"""A bare "no" or "not yet": "пока нет", "поки ні", "ещё нет", "pas encore", "لسا".

The model has no intent for it. In a QA pass "пока нет" and "поки ні" (not yet) were read as a
goodbye ("пока" alone is "bye") and the conversation was closed on the person; "ещё нет" and
"нет" got "Sorry, I did not understand" and were kept as questions the directory could not
answer. Said alone, these words answer what the bot asked ("Anything else?", "Do you want to
write to them?"): nothing is asked of the directory and nobody leaves.
"""

from __future__ import annotations

from bot.dialogue.phrasebook import Phrasebook

# As people type them, alone; the phrasebook folds case, accents and punctuation.
_DECLINED = {
    "en": ["no", "nope", "not yet", "no not yet", "not now", "not for now", "no thanks"],
    "fr": ["non", "pas encore", "non pas encore", "pas maintenant", "non merci"],
    "es": ["no", "todavía no", "aún no", "no todavía", "ahora no", "no gracias"],
    "it": ["no", "non ancora", "ancora no", "non adesso", "per ora no", "no grazie"],
    "pt": ["não", "nao", "ainda não", "agora não", "por enquanto não", "não obrigado"],
    "de": ["nein", "noch nicht", "nein noch nicht", "jetzt nicht", "nein danke"],
    "tr": [
        "hayır",
        "yok",
        "henüz değil",
        "henüz yok",
        "daha değil",
        "şimdilik yok",
        "şimdilik hayır",
        "hayır teşekkürler",
    ],
    # Ukrainian, and Russian as many Ukrainians write it ("пока" is "yet" here, not "bye").
    "uk": [
        "ні",
        "нет",
        "не",
        "ще ні",
        "поки ні",
        "поки що ні",
        "ні дякую",
        "пока нет",
        "пока что нет",
        "ещё нет",
        "еще нет",
        "нет спасибо",
        "ni",
        "net",
        "poka net",
        "poky ni",
    ],
    "fa": ["نه", "نخیر", "هنوز نه", "فعلا نه", "نه ممنون", "na", "hanuz na", "felan na"],
    "ar": [
        "لا",
        "لأ",
        "لسا",
        "لسه",
        "لسا لا",
        "ليس بعد",
        "ليس الآن",
        "مازال",
        "لا شكرا",
        "la",
        "la2",
        "lla",
        "lessa",
        "lissa",
        "mazal",
        "mazal la",
        "la shokran",
    ],
}
_BOOK = Phrasebook(_DECLINED, most_words=4)


def said(text: str) -> bool:
    """Tell whether `text` is nothing but a "no" or a "not yet"."""
    return _BOOK.said(text)
