"""Which services of a list a question's own words point to ("essen kostenlos wien": the
warm lunch, not the counselling that heads the list by name).

Plain word matching over each service's name and description in every locale it has: a
person writes in their language, and a service may be described in others. A word of the
question matches a word of a service that is it, is it with an ending ("billetes") or,
for words of four letters or more, ends with it (German compounds end with their noun:
"Mittagessen"). An asked word of six letters or more also matches with its own last one
or two letters left off, for the ending the person gave it: Turkish "sigortam" ("my
insurance") is "sigortası", Ukrainian "страховки" is "страховка", English "schools" is
"school"; and with a Turkish softened consonant hard again ("çocuğum", "my child", is
"çocuklar"). One's own child ("mon fils", "ابني") points where the words for children do,
a Russian word of a need ("врач") where its Ukrainian one does ("лікар"), and one in Latin
letters ("tbib", "emshab") where the same word in Arabic or Persian letters does.
A word found in more than half of the list (the city, "free") says nothing about one
service and is not counted, nor are the words of asking ("where", "I need").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache

from babel import Locale

# Shorter words are articles and prepositions in most of our languages.
LEAST_LETTERS = 3
# A word of a service that starts with the one asked is the same word with an ending of at
# most this many letters ("billetes"), not another word ("compro", "comprobamos").
ENDING_LETTERS = 3
# Words this long or longer also match the end of a compound.
COMPOUND_LETTERS = 4
# An asked word keeps at least this many letters when its own ending is left off
# ("sigortam": "sigorta" and "sigort"), so a short word is never cut to a stub.
STEM_LETTERS = 5
STEM_CUT = 2
# Turkish softens a word's last consonant before an ending that starts with a vowel
# ("çocuk": "çocuğum", "çocuğuma"; "kitap": "kitabım"; "yurt": "yurdu"): an asked word with
# a soft one before a vowel is also tried cut there, with the hard one, accents already off
# ("ğ" is "g"), when that leaves STEM_LETTERS letters.
_HARDENED = {"g": "k", "b": "p", "d": "t"}
_SOFTENED = re.compile(r"[gbd](?=[aeiouı])")
_WORD = re.compile(r"\w+")
# The words of asking, in our languages as people type them (without accents), which point
# to no service: "where", "how", "I need", "I am looking for", "please", ...
_ASKING_BY_LANGUAGE = {
    "en": "the and for where how what who when can need want looking with there please help find",
    "fr": "pour avec dans est les des une qui que quoi comment besoin cherche svp",
    "es": "como para donde quiero necesito tengo hay busco una por favor que con los las del",
    "de": "wie was wer ich und mit fur gibt brauche suche eine einen der die das bitte kann",
    "it": "per con che come dove cerco sono una uno dei del della grazie vorrei",
    "pt": "com onde quero preciso tenho uma nao",
    "tr": "bir icin nerede nasil istiyorum var yok ben ariyorum lazim lutfen",
    "uk": "що где как мне мені потрібен потрібна потрібно шукаю треба для нужен нужна ищу",
    "fa": "من در به با برای کجا چطور میخوام میخواهم دارم هست لطفا",
    "ar": "في على الى وين فين بدي بغيت عندي ممكن كيف شو واش اريد ابحث",
    "arabizi": "ana bghit wach fin wein bade 3andi",
}
_ASKING = frozenset(" ".join(_ASKING_BY_LANGUAGE.values()).split())


def words(text: str) -> set[str]:
    """Return the words of `text`, lower case and without accents, of LEAST_LETTERS or more."""
    # Turkish typed without its letters writes "ı" as "i" ("siginak" for "sığınak"): the
    # other letters lose their marks as accents do, "ı" has none to lose.
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return {
        w
        for w in _WORD.findall(plain)
        if len(w) >= LEAST_LETTERS and not w.isdigit() and w not in _ASKING
    }


def _matches(asked: str, own: frozenset[str] | set[str]) -> bool:
    if asked in own:
        return True
    compound = len(asked) >= COMPOUND_LETTERS
    stems = [asked[:-cut] for cut in range(1, STEM_CUT + 1) if len(asked) - cut >= STEM_LETTERS]
    stems += [
        asked[: soft.start()] + _HARDENED[soft.group()]
        for soft in _SOFTENED.finditer(asked)
        if soft.start() + 1 >= STEM_LETTERS
    ]
    return any(
        (w.startswith(asked) and len(w) - len(asked) <= ENDING_LETTERS)
        or (compound and w.endswith(asked))
        or any(w.startswith(stem) and len(w) - len(stem) <= ENDING_LETTERS for stem in stems)
        for w in own
    )


def own(texts: Iterable[str]) -> frozenset[str]:
    """Return a service's own words, from its texts (name and description, every locale)."""
    return frozenset(word for text in texts for word in words(text))


# A person names their own child ("mon fils a 15 ans", "where can my daughter see a
# doctor", "ابني", "weldi"); services write "children", "enfants", "Kinder". Such a word
# points where the words for children do, as one word of the question.
_OWN_CHILD = (
    "son sons daughter daughters kid kids baby fils fille filles bebe gamin gamine hijo hija "
    "hijos hijas nino nina figlio figlia figli figlie bimbo bimba bambino bambina filho filha "
    "filhos filhas menino menina sohn tochter sohne tochter oglum kizim oglumu kizimi bebegim "
    "син сина сину сином дочка доньку доньці донька дочь дочку сын сына сыну дитина дитину "
    "ребенок ребенка پسرم دخترم بچم بچه‌ام پسرمو دخترمو ابني بنتي ابنتي ولدي اولادي طفلي "
    "طفلتي weldi wlidi binti bnti wldi pesaram dokhtaram bacham bacheam"
)
_CHILDREN = (
    "children child kids enfants enfant ninos ninas menores bambini ragazzi criancas kinder "
    "jugendliche cocuk cocuklar діти дітей дитини дети детей ребенка کودکان کودک بچه‌ها "
    "اطفال الاطفال الطفل اولاد"
)
_CHILD_WORDS = words(_CHILDREN)
# Nowhere to sleep tonight, said in any of our languages, points where the services say
# "night" or "bed" in theirs: "bu gece kalacak yerim yok" in Madrid, whose services have no
# Turkish, got advice on rent first and the night shelter second.
_TONIGHT = (
    "tonight sleep sleeping soir dormir dors dort nuit noche duermo stanotte stasera dormire "
    "dormo noite durmo nacht schlafen schlafe gece uyumak uyuyacak yatacak вночі ночувати "
    "спати ночью ночевать امشب خوابیدن بخوابم الليلة الليله انام ننام نبات nbat lila"
)
_NIGHT = (
    "night nuit noche notte noite nacht gece ніч ночі ночь شب شبانه ليل ليلا الليل ليلي "
    "bed lit cama letto bett yatak ліжко кровать تخت سرير"
)
_NIGHT_WORDS = words(_NIGHT)

# Many Ukrainians write Russian, and the services for them are written in Ukrainian: "нужен
# врач" found no service's word ("лікар"). A Russian word of a need, in the forms people
# type it, points where its Ukrainian words do (those the same in both, "юрист", "школа",
# need nothing here).
_RUSSIAN = """
    врач врача врачу врачи врачей доктора: лікар лікаря
    больница больницу больнице больницы: лікарня лікарні лікарню
    поликлиника поликлинику поликлинике: поліклініка медичний
    лечение лечиться лечить: лікування
    лекарства лекарство лекарств: ліки
    зубной зубы зубов: зуби зубний стоматолог
    беременна беременная беременности: вагітні вагітність
    прививка прививки прививку: щеплення
    жилье жилья жильем жилище: житло житла
    комната комнату комнаты: кімната кімнату
    ночлег ночевка ночевать переночевать: ночівлі притулок
    приют приюта убежище убежища: притулок
    аренда аренду: оренда оренду
    работа работу работы работой работать: робота працювати
    учеба учебы учиться обучение: навчання
    язык языка языку: мови мовою
    садик детсад: садок
    школу школы: школа
    переводчик переводчика: перекладач переклад
    еда еду еды едой поесть покушать: іжа харчування
    продукты продуктов: продукти продуктові
    хлеб: хліб
    одежда одежду одежды: одяг
    обувь: взуття
    деньги денег: гроші грошей
    пособие пособия: допомога допомогу
    стирка постирать прачечная: пральня
    жительство жительства внж: посвідки посвідка
    защита защиту: захист
    беженец беженцы беженцев: біженці біженців
    бесплатно бесплатный бесплатная бесплатные: безкоштовно
    проезд проездной: проїзд проїзний
    полиция полицию: поліція
"""

# Arabizi and Finglish, the services written in Arabic and Persian letters: "bghit tbib" and
# "emshab ja nadaram bekhabam" pointed to nothing. A need's word in Latin letters, as people
# spell it, points where the same word in the script does.
_LATIN_LETTERS = """
    tbib tbiba doktor 7akim hakim: طبيب
    sbitar sbiter mostashfa: مستشفى
    dwa dawa: ادوية
    snan: اسنان
    lwra9 wra9 lawra9 awra9 lwraq awraq: اوراق
    sakan skan: سكن
    nbat nbet mbit: مبيت ماوى
    khedma khdma khadma: عمل شغل
    m7ami mo7ami mou7ami mohami: محام
    madrasa mdrasa lmadrasa madrsa lmadrsa: مدرسة
    makla mekla lmakla akl akel: طعام وجبة
    7wayj 7wayej hwayej lbsa: ملابس
    kra kira lkra: ايجار كراء
    pezeshk dokter: پزشک دکتر
    bimarestan: بیمارستان
    daroo daru: داروی داروخانه
    dandoon dandan: دندان
    madarek madrak: مدارک
    bime bimeh: بیمه
    emshab shab: امشب شبانه
    khab khabidan bekhabam bekhabim: خواب خوابیدن
    panahgah: پناهگاه
    madrese madreseh: مدرسه
    zaban: زبان
    almani: المانی
    vakil: وکیل
    panahandegi: پناهندگی
    eghamat eqamat: اقامت
    ghaza: غذا غذای
    lebas: لباس
    otobus: اتوبوس
    belit bilit: بلیت
"""


def _alike() -> dict[str, tuple[str, ...]]:
    """Return the words that point where others do too: each with itself and those others."""
    alike = {word: (word, *_CHILD_WORDS) for word in words(_OWN_CHILD)}
    alike |= {word: (word, *_NIGHT_WORDS) for word in words(_TONIGHT)}
    for table in (_RUSSIAN, _LATIN_LETTERS):
        for line in table.strip().splitlines():
            written, elsewhere = line.split(":")
            for form in words(written):
                alike[form] = (*alike.get(form, (form,)), *words(elsewhere))
    return alike


_ALIKE = _alike()


def pointed(question: str, services: Mapping[str, frozenset[str]]) -> list[str]:
    """Return the ids of `services` (id: its `own` words) the question's words point to,
    those with more of its words first, ties in the order given."""
    found = [
        {
            s
            for s, mine in services.items()
            if any(_matches(alike, mine) for alike in _ALIKE.get(asked, (asked,)))
        }
        for asked in words(question)
    ]
    telling = [ids for ids in found if ids and 2 * len(ids) <= len(services)]
    score = {s: sum(s in ids for ids in telling) for s in services}
    return sorted((s for s in services if score[s]), key=lambda s: -score[s])


# The languages people ask in, whose names for a language a question may use: babel's name of
# each language in each of them ("arabe", "Arapça", "арабська"), and below, the names people
# type that babel does not give (the spoken, glued and Latin-letter ones).
# Shorter names are other words too ("ido", "lao"): matched only as they are.
NAME_LETTERS = 5
_ASKING_LOCALES = ("ar", "fr", "en", "es", "it", "pt", "de", "fa", "uk", "tr")
_SPOKEN_NAMES = {
    "ar": "عربي عربى عربية arabi 3arbi l3arbiya",
    "fa": "فارسي dari دری farsi",
    "en": "انجليزي انجليزية انگلیسی inglizi inglisi",
    "fr": "فرنسي فرنسية فرانسه fransawi faransi",
    "es": "اسباني اسبانية سبنيولي espanol",
    "tr": "تركي تركية ترکی turki",
    "uk": "اوكراني украинский",
    "ru": "روسي روسی русский",
}


@cache
def _language_names() -> dict[str, str]:
    """Return every word that names a language (as `words` reads it): its code, and the
    names of NAME_LETTERS or more under their first letters, to match one with an ending."""
    names: dict[str, str] = {}
    for locale in _ASKING_LOCALES:
        for code, name in Locale.parse(locale).languages.items():
            found = words(name)
            if len(found) == 1 and len(code) == 2:  # one word: "ترکی استانبولی" is two
                names.setdefault(found.pop(), code)
    for code, spoken in _SPOKEN_NAMES.items():
        for name in words(spoken):
            names[name] = code
    return names


@cache
def _long_names() -> dict[str, list[tuple[str, str]]]:
    """Return the language names of NAME_LETTERS or more, (name, code), under their first
    STEM_LETTERS - 1 letters: a name matched with an ending shares at least those."""
    by_start: dict[str, list[tuple[str, str]]] = {}
    for name, code in _language_names().items():
        if len(name) >= NAME_LETTERS:
            by_start.setdefault(name[: STEM_LETTERS - 1], []).append((name, code))
    return by_start


def languages_named(question: str) -> set[str]:
    """Return the codes of the languages a question names ("do they speak arabic?": "ar",
    "Arapça konuşan var mı": "ar", "українською?": "uk")."""
    names = _language_names()
    named = set()
    for asked in words(question):
        code = names.get(asked)
        if code is None and len(asked) >= NAME_LETTERS:  # "українською": "українська"
            near = _long_names().get(asked[: STEM_LETTERS - 1], [])
            code = next((c for n, c in near if _matches(asked, {n})), None)
        if code is not None:
            named.add(code)
    return named


def speaking(question: str, languages: Mapping[str, Iterable[str]]) -> list[str]:
    """Return the ids of `languages` (id: the languages a service speaks) that speak a
    language the question names, in the order given; none when all or none of them do (it
    would tell nothing about one service)."""
    named = languages_named(question)
    found = [s for s, spoken in languages.items() if named & set(spoken)]
    return found if len(found) < len(languages) else []
