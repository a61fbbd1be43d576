"""Someone who speaks a language, asked for in words: "wach kayn chi wa7ed kayhder b l3arbiya?".

In a QA pass that darija question (is there someone who speaks Arabic?) got the emergency
numbers: the model read an emergency at 0.96, with no word of danger in it. "is there someone
who speaks arabic?" got the food list, "quelqu'un parle arabe ?" the help. The model has no
intent for it, so a message of a few words with a verb of speaking, the name of one language
and a word for someone is read here as asking for a person who speaks that language: the
answers go on in it, and a person is offered. A word of a topic makes it a need ("a doctor
who speaks Arabic"): the model reads those. Words of danger are the safety net's, before any
of this (dialogue.respond). A message with a word besides the asking ("help", "ساعدوني",
"3teqni", none of them the safety net's) is `plain` no more: the model's emergency, if it
reads one, keeps the numbers first. Without someone ("I don't speak English") nothing is
decided here: a negation would turn it around.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.phrasebook import normalised
from nlu import topic_words

# Longer messages say more than that: the model reads them.
MOST_WORDS = 8

# To speak, to know a language, as people type it (after `normalised`: no accents, no marks).
_SPEAKING = frozenset(
    normalised(
        "speak speaks speaking talk talks "
        "parle parlent parler parlant "
        "habla hable hablen hablan hablar "
        "parla parli parlano parlare "
        "fala fale falam falar "
        "spricht sprechen spreche sprichst "
        "konusan konusabilen konusuyor konusur bilen "
        "говорить говорит говорять говорят розмовляє розмовляють розмовляти "
        "صحبت حرف بلده بلدی میدونه harf sohbat balade "
        "يتكلم تتكلم يتحدث تتحدث يحكي تحكي بيحكي بتحكي كيهضر كيهدر كيتكلم "
        "kayhder kayhdar kaytkellem kaytkalem yatakallam yetkalam yehki ye7ki bye7ki byi7ki "
        "bi7ki y7ki ehki e7ki a7ki احكي اتكلم نهضر نحكي nhder n7ki"
    ).split()
)
# Someone, anyone, a person (the Arabic glued forms too: "شي حدا", "chi wa7ed").
_SOMEONE = frozenset(
    normalised(
        "someone somebody anyone anybody person human volunteer "
        "quelquun qqn personne alguien persona qualcuno alguem pessoa "
        "jemand jemanden jemandem biri birisi kimse "
        "хтось хто кто нибудь людина человек "
        "کسی یکی نفر آدم kasi kesi yeki nafar "
        "احد أحد حدا حد واحد شخص wa7ed wahed 7ada hada 7ad"
    ).split()
)
# The other words of such a request, as people type it: "is there", "here", "please", "I
# need", "with", a greeting (no word of a need or of distress).
_ASKING = frozenset(
    normalised(
        "is are there any a an the who that can could here please pls plz i need want to with "
        "hello hi in "
        "est ce qu il y a qui un une ici svp stp sil vous plait je veux besoin de parler avec "
        "bonjour salut en le l "
        "hay que aqui por favor quien necesito quiero con hola el "
        "c e che qui per favore chi ho bisogno di voglio ciao "
        "tem ha quem preciso quero com ola em "
        "gibt es hier der die bitte ich brauche mochte mit hallo kann wer auf "
        "var mi burada lutfen bir ile istiyorum "
        "є тут будь ласка пожалуйста есть то здесь мне мені потрібен нужен з с привіт привет "
        "по який которий що чи ли може может "
        "هست اینجا که لطفا یه یک آیا میخوام با سلام کنه کند میکنه "
        "hast inja ke lotfan ye mikham ba salam kone "
        "هل يوجد في فيه شي هون هنا من فضلك لو سمحت بدي اريد مع السلام مرحبا ممكن كاين واش "
        "عافاك wach kayn kayen chi shi fi fih hna hon 3afak afak bghit bdi baddi m3a ma3 "
        "salam min fadlak law sma7t mumkin momkin b bel bi bl ب بال"
    ).split()
)
# Each language by its names, in its own and Dalil's other languages and in Arabizi; Russian
# is no language of Dalil's (None): someone who speaks it is still someone.
_NAMES = {
    "ar": "arabic arabe arabo arabisch arapca arabi arabiya l3arbiya l3arbia 3arbiya 3arabi "
    "l3arbi larabiya арабською арабська арабский عربي العربي العربية عربية عربى",
    "fa": "persian farsi dari persan persa persiano persisch farsca перською фарсі "
    "فارسی فارسي دری دري",
    "tr": "turkish turc turco turkisch turkce турецькою турецкий تركي التركية ترکی",
    "uk": "ukrainian ukrainien ucraniano ucraino ukrainisch ukraynaca українською "
    "українська українськи украинский украински",
    "en": "english anglais ingles inglese englisch ingilizce англійською английский انجليزي "
    "الانجليزية انگلیسی inglizi ngliziya",
    "fr": "french francais frances francese franzosisch fransizca французькою французский "
    "فرنسي الفرنسية فرانسوی fransawi fransiya",
    "es": "spanish espagnol espanol spagnolo espanhol spanisch ispanyolca іспанською "
    "испанский اسباني الاسبانية اسپانیایی",
    "it": "italian italien italiano italienisch italyanca італійською итальянский ايطالي "
    "الايطالية ایتالیایی",
    "pt": "portuguese portugais portugues portoghese portugiesisch portekizce "
    "португальською португальский برتغالي پرتغالی",
    "de": "german allemand aleman tedesco alemao deutsch almanca німецькою немецкий الماني "
    "الالمانية آلمانی",
    "": "russian russe ruso russo russisch rusca російською русский русски روسي روسی",
}
_LANGUAGE_OF = {name: code for code, names in _NAMES.items() for name in normalised(names).split()}
# The prepositions glued to a language's name: "bl3arbiya", "بالعربي", "بفارسی".
_GLUED = ("bel", "bil", "bl", "b", "بال", "ب")


@dataclass(frozen=True, slots=True)
class Speaker:
    """Someone who speaks a language asked for: its code (None for one Dalil does not speak),
    and whether the message says nothing else."""

    language: str | None
    plain: bool


def _language(word: str) -> str | None:
    for form in (word, *(word.removeprefix(p) for p in _GLUED if word.startswith(p))):
        if form in _LANGUAGE_OF:
            return _LANGUAGE_OF[form]
    return None


def asked(text: str) -> Speaker | None:
    """Return the language a short message asks someone to speak, or None when it asks no
    one, names a topic, or names two languages or none."""
    words = normalised(text).split()
    if not words or len(words) > MOST_WORDS:
        return None
    if not _SPEAKING & set(words) or not _SOMEONE & set(words):
        return None
    named = {code for word in words if (code := _language(word)) is not None}
    if len(named) != 1 or topic_words.topics_named(text):
        return None
    said = _SPEAKING | _SOMEONE | _ASKING
    plain = all(word in said or _language(word) is not None for word in words)
    return Speaker(named.pop() or None, plain)
