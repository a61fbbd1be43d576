"""Asking in words to be forgotten: "delete my data" gets the button that erases.

A person should not have to know `/forget` to have what the bot keeps of them erased. The
NLU's intents are fixed and none is for this, so a few plain phrases per language are
recognised here, in a message of a few words (phrasebook.py). Nothing is erased on a phrase
alone: a phrase read wrongly must not wipe a conversation, so the answer says what would go
and offers the button; the tap erases, as `/forget` does.
"""

from __future__ import annotations

from bot.dialogue.phrasebook import Phrasebook, normalised

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
        "efface tout sur moi",
        "effacez tout sur moi",
        "supprime tout sur moi",
        "supprimez tout sur moi",
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
        "borra todo sobre mi",
        "borre todo sobre mi",
        "borrar todo sobre mi",
        "elimina todo sobre mi",
        "borra todo lo que sabes de mi",
        "olvidate de mi",
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
        "cancella tutto su di me",
        "cancellate tutto su di me",
        "elimina tutto su di me",
        "cancella tutto di me",
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
        "apague tudo sobre mim",
        "apaga tudo sobre mim",
        "apagar tudo sobre mim",
        "exclua tudo sobre mim",
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
        # Russian, as many Ukrainians write.
        "удали мои данные",
        "удалите мои данные",
        "забудь меня",
        "забудьте меня",
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
        # Spoken Persian ("رو", "کنید") and Finglish, as typed (a QA pass: "اطلاعاتم رو پاک
        # کن" was not understood).
        "اطلاعاتم رو پاک کن",
        "اطلاعات من رو پاک کن",
        "اطلاعاتم رو حذف کن",
        "اطلاعاتم را پاک کنید",
        "اطلاعاتمو پاک کنید",
        "اطلاعات منو پاک کنید",
        "اطلاعات من را پاک کنید",
        "etelaatam ro pak kon",
        "etelaatamo pak kon",
        "etelaate mano pak kon",
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
        # Spoken Arabic and Arabizi, as typed.
        "امسحلي بياناتي",
        "تمسح بياناتي",
        "تحذف بياناتي",
        "امسحلي معلوماتي",
        "emsa7 ma3loumati",
        "ms7 ma3loumati",
        "ms7 data dyali",
    ],
}
# People put other words between the two a phrase needs ("please delete all my info",
# "supprimez toutes mes données svp", "видаліть будь ласка всю інформацію про мене"): a word
# of erasing and a word of what is kept, of one language, in a message of a few words, ask
# it too. A past tense ("my phone deleted my photos") is not asking.
_ERASE = {
    "en": "delete erase remove wipe",
    "fr": "supprime supprimez supprimer efface effacez effacer",
    "es": "borra borre borren borrar elimina elimine eliminen eliminar",
    "it": "cancella cancellate cancellare elimina eliminate eliminare",
    "pt": "apaga apague apaguem apagar exclua excluir elimina elimine eliminar deleta deletar",
    "de": "lösch lösche löscht löschen loesch loesche loeschen entferne entfernt entfernen",
    "uk": "видали видаліть видалити зітри зітріть стерти удали удалите удалить сотри сотрите "
    "vydaly vydalit vydalyty udali udalite",
}
_KEPT = {
    "en": "data info information details messages history conversation conversations",
    "fr": "données infos informations messages historique conversation conversations",
    "es": "datos info información mensajes historial conversación conversaciones",
    "it": "dati info informazioni messaggi cronologia conversazione conversazioni",
    "pt": "dados info informações mensagens histórico conversa conversas",
    "de": "daten infos informationen nachrichten verlauf",
    "uk": "дані даних інформацію інформація повідомлення історію данные информацию сообщения "
    "историю dani dannye informatsiyu",
}
# Longer messages are a need with this in it: they go to the model, as any message does.
MOST_WORDS = 12
_ASKED = {
    language: Phrasebook({language: said}, most_words=MOST_WORDS)
    for language, said in _PHRASES.items()
}
_WORDS = {
    language: (frozenset(normalised(erase).split()), frozenset(normalised(_KEPT[language]).split()))
    for language, erase in _ERASE.items()
}


def asked_in(text: str) -> str | None:
    """Return the language in which `text`, a message of a few words, asks for the person's
    data to go ("" when its words are of more than one), or None when it does not ask."""
    languages = {language for language, book in _ASKED.items() if book.found(text)}
    words = set(normalised(text).split())
    if len(words) <= MOST_WORDS:
        languages |= {
            language for language, (erase, kept) in _WORDS.items() if words & erase and words & kept
        }
    if not languages:
        return None
    return languages.pop() if len(languages) == 1 else ""


def asked(text: str) -> bool:
    """Tell whether `text`, a message of a few words, asks for the person's data to go."""
    return asked_in(text) is not None
