"""A choice among the buttons on screen, typed in words: "the second", "le premier", "none",
"both".

People answer "Do you mean: 📚 Education · 💼 Jobs" as they would a person. Digits are read in
respond.py (`typed_number`); here are the ordinals up to the third (the most topics the
question offers), the refusals, which are its "Something else", and "both". A message is one
of them whole, or it is read as any other: "the second school" asks for a school.
"""

from __future__ import annotations

import re

from bot.dialogue.phrasebook import Phrasebook, normalised

# Each language's ways of saying the first, second and third, in that order. Left out: words
# that are also everyday words alone ("prima" is "before", "cuarto" and "quarto" a room).
_ORDINALS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "en": (
        ["first", "the first", "first one", "the first one", "1st", "number one"],
        ["second", "the second", "second one", "the second one", "2nd", "number two"],
        ["third", "the third", "third one", "the third one", "3rd", "number three"],
    ),
    "fr": (
        ["premier", "le premier", "la premiere", "premiere", "le 1er", "1er"],
        ["deuxieme", "le deuxieme", "la deuxieme", "le second", "la seconde", "2eme", "2e"],
        ["troisieme", "le troisieme", "la troisieme", "3eme", "3e"],
    ),
    "es": (
        ["primero", "el primero", "la primera", "primera", "el primer", "1ro"],
        ["segundo", "el segundo", "la segunda", "segunda", "2do"],
        ["tercero", "el tercero", "la tercera", "tercera", "el tercer", "3ro"],
    ),
    "it": (
        ["primo", "il primo", "la prima", "1o"],
        ["secondo", "il secondo", "la seconda", "seconda", "2o"],
        ["terzo", "il terzo", "la terza", "terza", "3o"],
    ),
    "pt": (
        ["primeiro", "o primeiro", "a primeira", "primeira", "1o"],
        ["segundo", "o segundo", "a segunda", "2o"],
        ["terceiro", "o terceiro", "a terceira", "terceira", "3o"],
    ),
    "de": (
        ["erste", "erstes", "der erste", "die erste", "das erste", "den ersten"],
        ["zweite", "zweites", "der zweite", "die zweite", "das zweite", "den zweiten"],
        ["dritte", "drittes", "der dritte", "die dritte", "das dritte", "den dritten"],
    ),
    "tr": (
        ["birinci", "birincisi", "ilki", "ilk"],
        ["ikinci", "ikincisi"],
        ["üçüncü", "üçüncüsü"],
    ),
    "uk": (
        ["перший", "перша", "перше", "первый", "первая", "первое"],
        ["другий", "друга", "друге", "второй", "вторая", "второе"],
        ["третій", "третя", "третє", "третий", "третья", "третье"],
    ),
    "fa": (
        ["اولی", "اول", "گزینه اول", "avali", "aval"],
        ["دومی", "دوم", "گزینه دوم", "dovomi", "dovom"],
        ["سومی", "سوم", "گزینه سوم", "sevomi", "sevom"],
    ),
    "ar": (
        [
            "الأول",
            "الاولى",
            "الأولى",
            "أول واحد",
            "اول واحد",
            "lawal",
            "l2awal",
            "lowel",
            "awwal wa7ad",
            "awal wa7ad",
            "awwal wahad",
            "el awwal",
            "l awwal",
            "awwal",
            "el louwel",
            "louwel",
            "lowwel",
        ],
        [
            "الثاني",
            "التاني",
            "الثانية",
            "التانية",
            "تاني واحد",
            "ltani",
            "tani",
            "ettani",
            "el tene",
            "tene",
            "tene wa7ad",
            "tani wa7ad",
            "el tani",
            "ettheni",
            "etheni",
            "el theni",
            "theni",
        ],
        ["الثالث", "التالت", "الثالثة", "التالتة", "talet", "ltalet", "el telet", "telet"],
    ),
}
_NUMBERS = {
    normalised(written): place
    for ordinals in _ORDINALS.values()
    for place, writtens in enumerate(ordinals, start=1)
    for written in writtens
}

# "None of these": the question's "Something else", the whole menu.
_NONE: dict[str, list[str]] = {
    "en": ["no", "nope", "none", "none of these", "none of them", "none of those", "neither",
           "neither of them", "nothing", "no thanks", "something else", "other", "not these"],
    "fr": ["non", "aucun", "aucune", "aucun des deux", "aucun de ceux la", "rien",
           "ni lun ni lautre", "autre chose", "autre", "non merci", "rien de tout ca"],
    "es": ["no", "ninguno", "ninguna", "ninguno de estos", "ninguna de estas", "ninguno de esos",
           "nada", "nada de eso", "otra cosa", "otro", "no gracias"],
    "it": ["no", "nessuno", "nessuna", "nessuno di questi", "nessuna di queste", "niente",
           "altro", "altra cosa", "qualcosaltro", "no grazie"],
    "pt": ["nao", "nenhum", "nenhuma", "nenhum destes", "nenhuma destas", "nada", "nada disso",
           "outra coisa", "outro", "nao obrigado", "nao obrigada"],
    "de": ["nein", "keins", "keine", "keiner", "keins davon", "keines davon", "keiner davon",
           "nichts davon", "nichts", "etwas anderes", "was anderes", "anderes", "nein danke"],
    "tr": ["hayır", "hiçbiri", "hiçbiri değil", "başka", "başka bir şey", "yok"],
    "uk": ["ні", "жодне", "жоден", "жодного", "нічого", "інше", "щось інше", "нет", "ничего",
           "другое", "что-то другое", "ни то ни другое", "жоден з них", "жодне з них",
           "жодного з них", "ни один", "ни один из них", "никакой"],
    "fa": ["نه", "هیچکدام", "هیچکدوم", "هیچی", "چیز دیگه", "چیز دیگری", "na", "hichkodom"],
    "ar": ["لا", "لأ", "لا شي", "ولا شي", "ولا واحد", "ولا وحدة", "شي تاني", "شي ثاني",
           "غير هيك", "حاجة أخرى", "la", "la2", "wala wa7ad", "wala chi"],
}  # fmt: skip
_REFUSED = Phrasebook(_NONE, most_words=5)

# "Both": the first topic offered, with the second a tap away under its list.
_BOTH: dict[str, list[str]] = {
    "en": ["both", "both of them", "both please", "i need both", "the two"],
    "fr": ["les deux", "les 2", "tous les deux", "toutes les deux", "j'ai besoin des deux"],
    "es": ["los dos", "las dos", "ambos", "ambas", "los 2", "necesito los dos"],
    "it": ["tutti e due", "tutte e due", "entrambi", "entrambe", "tutti e 2"],
    "pt": ["os dois", "as duas", "ambos", "ambas", "os 2", "preciso dos dois"],
    "de": ["beides", "beide", "alle beide", "ich brauche beides"],
    "tr": ["ikisi de", "ikisini de", "her ikisi", "ikisi"],
    "uk": ["обидва", "обидві", "обоє", "оба", "обе", "і те і інше", "и то и другое"],
    "fa": ["هر دو", "هردو", "هر دوتا", "هر دوش", "har do", "hardo"],
    "ar": ["الاثنين", "الإثنين", "التنين", "الاتنين", "الزوز", "tnin", "el etnen", "ezzouz"],
}  # fmt: skip
_BOTH_BOOK = Phrasebook(_BOTH, most_words=5)


def ordinal(text: str) -> int | None:
    """Return the place ("the second": 2) a message names among buttons, else None."""
    return _NUMBERS.get(normalised(text))


# Forms that are the ordinal standing for a thing wherever they are in a sentence ("where is
# the second one", "دومی کجاست", "ikincisi açık mı"); the others are only where nothing
# follows them: "a qué hora abre el primero", but "es la primera vez que vengo". Arabic puts
# an ordinal after the thing it counts ("المرة الأولى"), so one with its article that opens
# a clause stands alone too ("الثاني وين").
_STANDING_ALONE = re.compile(r"\b(?:one|1st|2nd|3rd)$|^(?:اولی|دومی|سومی)$|si$|sü$|^ilki$")
_ARABIC_ARTICLE = re.compile(r"^ال\w")
_CLAUSE_END = re.compile(r"[,.;:!?¿¡؟،\n]+")


def ordinal_named(text: str) -> int | None:
    """Return the place a sentence names with an ordinal ("a qué hora abre el primero",
    "where is the second one", "le deuxième, c'est où ?"), else None: a form that stands for
    a thing wherever it is, or any form at the end of the message or of one of its clauses.
    None when it names two places ("el primero o el segundo?")."""
    places, anywhere = set(), set()
    for clause in _CLAUSE_END.split(text):
        words = normalised(clause).split()
        for size in (3, 2, 1):
            for start in range(len(words) - size + 1):
                phrase = " ".join(words[start : start + size])
                place = _NUMBERS.get(phrase)
                if place is None:
                    continue
                anywhere.add(place)
                alone = _STANDING_ALONE.search(phrase) or (
                    start == 0 and _ARABIC_ARTICLE.match(phrase)
                )
                if start + size == len(words) or alone:
                    places.add(place)
    return places.pop() if len(places) == 1 and len(anywhere) == 1 else None


def refused(text: str) -> bool:
    """Tell whether a message is a "none of these" and nothing more."""
    return _REFUSED.said(text)


def both(text: str) -> bool:
    """Tell whether a message is a "both" and nothing more."""
    return _BOTH_BOOK.said(text)
