"""Asking in words to be forgotten: "delete my data" gets the button that erases.

A person should not have to know `/forget` to have what the bot keeps of them erased. The
NLU's intents are fixed and none is for this, so a few plain phrases per language are
recognised here, in a message of a few words (phrasebook.py). Nothing is erased on a phrase
alone: a phrase read wrongly must not wipe a conversation, so the answer says what would go
and offers the button; the tap erases, as `/forget` does.
"""

from __future__ import annotations

from bot.dialogue.phrasebook import Phrasebook

# How people ask, per language, written as `phrasebook.normalised` leaves them: lower case,
# no accents, no punctuation, one space between words.
_PHRASES = {
    "en": [
        "delete my data",
        "erase my data",
        "remove my data",
        "delete my information",
        "delete my info",
        "erase my information",
        "delete everything about me",
        "erase everything you know about me",
        "delete what you know about me",
        "forget me",
        "forget about me",
        "delete my messages",
        "delete my conversation",
        "delete my account",
        "delete my number",
    ],
    "fr": [
        "supprime mes donnees",
        "supprimez mes donnees",
        "supprimer mes donnees",
        "efface mes donnees",
        "effacez mes donnees",
        "effacer mes donnees",
        "supprime mes informations",
        "supprimez mes informations",
        "efface mes informations",
        "oublie moi",
        "oubliez moi",
        "supprime mes messages",
        "supprimer mon compte",
    ],
    "es": [
        "borra mis datos",
        "borre mis datos",
        "borrar mis datos",
        "borren mis datos",
        "elimina mis datos",
        "elimine mis datos",
        "eliminar mis datos",
        "olvidame",
        "borra mi informacion",
        "borra mis mensajes",
        "borrar mi cuenta",
    ],
    "it": [
        "cancella i miei dati",
        "cancellate i miei dati",
        "cancellare i miei dati",
        "elimina i miei dati",
        "eliminare i miei dati",
        "dimenticami",
        "cancella i miei messaggi",
        "cancella il mio account",
    ],
    "pt": [
        "apaga os meus dados",
        "apague os meus dados",
        "apagar os meus dados",
        "apaga meus dados",
        "apague meus dados",
        "apagar meus dados",
        "exclua meus dados",
        "excluir meus dados",
        "elimina os meus dados",
        "esquece me",
        "esqueca me",
        "apaga as minhas mensagens",
    ],
    "de": [
        "losch meine daten",
        "losche meine daten",
        "loschen sie meine daten",
        "meine daten loschen",
        "loesch meine daten",
        "loesche meine daten",
        "meine daten loeschen",
        "entferne meine daten",
        "meine daten entfernen",
        "vergiss mich",
        "losch alles uber mich",
        "losche alles uber mich",
        "loesch alles uber mich",
        "alles uber mich loschen",
        "loesch alles von mir",
        "losch alles von mir",
        "alle meine daten entfernen",
        "alles uber mich entfernen",
        "losche meinen verlauf",
        "verlauf loschen",
        "meine infos loschen",
        "losch mein profil",
        "meine nachrichten loschen",
        "losche meine nachrichten",
        "vergiss alles uber mich",
    ],
    "tr": [
        "verilerimi sil",
        "verilerimi silin",
        "bilgilerimi sil",
        "bilgilerimi silin",
        "beni unut",
        "mesajlarimi sil",
        "hesabimi sil",
    ],
    "uk": [
        "видали мої дані",
        "видаліть мої дані",
        "видалити мої дані",
        "зітри мої дані",
        "забудь мене",
        "видали мої повідомлення",
    ],
    "fa": [
        "اطلاعات من را پاک کن",
        "اطلاعاتم را پاک کن",
        "اطلاعاتمو پاک کن",
        "اطلاعات منو پاک کن",
        "اطلاعاتم را حذف کن",
        "اطلاعات من را حذف کن",
        "داده های من را حذف کن",
        "مرا فراموش کن",
        "منو فراموش کن",
    ],
    "ar": [
        "احذف بياناتي",
        "احذفوا بياناتي",
        "امسح بياناتي",
        "امسحوا بياناتي",
        "احذف معلوماتي",
        "امسح معلوماتي",
        "احذف رسائلي",
        "امسح رسائلي",
        "انساني",
        "ms7 ma3lomati",
        "m7i ma3lomati",
        "7zef bayanati",
        "ems7 bayanati",
    ],
}
# Longer messages are a need with this in it: they go to the model, as any message does.
MOST_WORDS = 12
_ASKED = Phrasebook(_PHRASES, most_words=MOST_WORDS)


def asked(text: str) -> bool:
    """Tell whether `text`, a message of a few words, asks for the person's data to go."""
    return _ASKED.found(text)
