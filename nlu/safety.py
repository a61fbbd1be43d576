"""A safety net under the model: words that mean someone may be in danger right now.

The model can mistake a cry for help for something else, and Rasa can be down. Emergency
numbers cost nothing to show, so any of these words shows them first, whatever else the
message asks. The list is deliberately broad; it is matched on whole words after the same
normalisation the model uses.
"""

from __future__ import annotations

import re

from nlu.normalize import normalize

_PHRASES = {
    "en": """emergency | ambulance | bleeding | not breathing | cant breathe | can't breathe |
        unconscious | passed out | kill me | killing me | trying to kill | going to kill |
        kill myself | suicide | rape | raped | attacked | attacking me | stabbed | knife |
        gun | on fire | burning | drowning | overdose | heart attack | kidnapped | trafficked |
        beating me | hitting me | hurting me | in danger | dying | sos | help me now""",
    "fr": """urgence | au secours | a l'aide | à l'aide | ambulance | saigne | saigner |
        respire pas | respire plus | inconscient | inconsciente | me tuer | va me tuer |
        veut me tuer | me suicider | suicide | viol | violee | violée | agressé | agressée |
        agresse | me frappe | me bat | couteau | arme | incendie | au feu | se noie | noyade |
        overdose | crise cardiaque | enlevé | enlevée | en danger | va mourir | meurt""",
    "ar": """اسعاف | الاسعاف | نجدة | النجدة | طوارئ | الطوارئ | يقتلني | قتلي | يقتلوني | قتل |
        ينزف | نزيف | تنزف | لا يتنفس | لا تتنفس | ما كيتنفسش | مغمي عليه | مغمي عليها |
        اغتصاب | اغتصبني | اغتصبوني | يضربني | يضربوني | سكين | حريق | يغرق | غرق | انتحار |
        نقتل راسي | اقتل نفسي | في خطر | يموت | تموت | خطفوني | خطف | اختطاف | ساعدوني بسرعة |
        3te9ni | 3tqouni | lisaf | l'is3af | is3af | kaymout | katmout | ghadi ymout |
        bghaw y9tlouni | y9telni | ktlni | l3afya""",
}
# Arabic articles and one-letter prepositions glued to the next word (and, so, with, for).
_PREFIXES = ("وال", "بال", "فال", "لل", "ال", "و", "ف", "ب", "ل")
_WORDS = re.compile(r"[\w']+")


def _tokens(text: str) -> list[str]:
    return _WORDS.findall(normalize(text))


def _forms(token: str) -> set[str]:
    """Return the token and what it is without a glued Arabic prefix."""
    forms = {token}
    for prefix in _PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            forms.add(token[len(prefix) :])
    return forms


def _phrases() -> list[tuple[str, ...]]:
    phrases = set()
    for block in _PHRASES.values():
        for phrase in block.split("|"):
            tokens = tuple(_tokens(phrase))
            if tokens:
                phrases.add(tokens)
    return sorted(phrases, key=len, reverse=True)


_PHRASE_LIST = _phrases()


def mentions_danger(text: str) -> bool:
    """Tell whether `text` contains a word or phrase that may signal an emergency."""
    forms = [_forms(token) for token in _tokens(text)]
    for phrase in _PHRASE_LIST:
        size = len(phrase)
        for start in range(len(forms) - size + 1):
            if all(word in forms[start + i] for i, word in enumerate(phrase)):
                return True
    return False
