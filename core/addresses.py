"""Find the numbers of an address (house, flat, floor, room), for `core.scrub` to remove.

A small number alone says little; "apt 5", "Wohnung 3, Hauptstraße 14" or "شقة 4 عمارة 12"
together find a door. A number is taken as part of an address when it follows a street,
building, flat, floor, room or door word ("rue 12", "Top 5", "پلاک ۱۲", "kv. 3", "zan9a 15"),
possibly after a street's name ("calle Mayor 7", "вул. Шевченка, 12") and a "number" word
("n°", "No:", "رقم"); or when it comes before a street word ("12 rue…", "221B Baker Street",
"5. Sokak") or is the ordinal of a floor ("3rd floor", "3e étage", "2. Stock"). Ten languages
and Arabizi. Other numbers stay: "my 3 children", "bus 12", "I am 17", and a number followed
by what counts (days, people, rooms, euros: "a room 2 nights", "Wohnung 600 Euro").
"""

from __future__ import annotations

import re

# fmt: off
# Streets: a number may follow them directly or after the street's name.
_STREETS = (
    # English, French
    r"street", r"road", r"rd\.?", r"avenue", r"ave\.?", r"av\.?", r"boulevard", r"blvd\.?", r"lane",
    r"rue", r"bd\.?", r"allée", r"allee", r"impasse", r"chemin", r"quai", r"route",
    # Spanish, Italian, Portuguese
    r"calle", r"c/", r"avenida", r"avda\.?", r"plaza", r"pza\.?", r"paseo", r"camino", r"carretera",
    r"ronda", r"travesía", r"viale", r"corso", r"piazza", r"vicolo", r"strada", r"largo",
    r"rua", r"travessa", r"praça", r"estrada", r"calçada", r"beco",
    # German: "Mariahilfer Straße 45", "Hauptstraße 14", "Kirchweg 3" (the last ones capitalised:
    # "during", "bring" end the same way)
    r"\w*stra(?:ß|ss)e", r"\w*str\.", r"\w*gasse", r"\w*allee",
    r"(?-i:[A-ZÄÖÜ]\w*(?:weg|platz|ring|damm|ufer|kai|zeile|gürtel|markt))",
    # Turkish
    r"sokak", r"sokağı", r"sok\.?", r"sk\.?", r"cadde", r"caddesi", r"cad\.?", r"cd\.?", r"bulvar",
    r"bulvarı", r"mahalle", r"mahallesi", r"mah\.?",
    # Ukrainian (and the Russian many Ukrainians type)
    r"вулиця", r"вулиці", r"вул\.?", r"проспект", r"просп\.?", r"провулок", r"пров\.?", r"бульвар",
    r"площа", r"улица", r"ул\.?",
    # Arabic (Maghrebi "zanqa", Levantine "hara"), Persian, Arabizi
    r"شارع", r"زنقة", r"زنقه", r"درب", r"طريق", r"حارة", r"زقاق",
    r"خیابان", r"کوچه", r"بن‌بست", r"بلوار",
    r"zan9a", r"zanqa", r"znqa", r"zenqa", r"zen9a", r"derb", r"chari3", r"chare3", r"shari3",
    r"share3",
)
# Buildings, flats, floors, rooms, doors: a number follows them directly.
_UNITS = (
    # English, French
    r"house", r"building", r"bldg\.?", r"block", r"blk\.?", r"flat", r"apartment", r"apt\.?",
    r"appt\.?", r"unit", r"suite", r"room", r"rm\.?", r"floor", r"door", r"entrance",
    r"staircase", r"bâtiment", r"batiment", r"bât\.?", r"bat\.?", r"bloc", r"escalier", r"esc\.?",
    r"étage", r"etage", r"appartement", r"appart", r"app\.?", r"porte", r"chambre",
    # Spanish, Italian, Portuguese
    r"bloque", r"portal", r"escalera", r"piso", r"planta", r"puerta", r"apartamento",
    r"habitación", r"habitacion", r"dpto\.?", r"depto\.?", r"departamento",
    r"scala", r"piano", r"interno", r"int\.?", r"appartamento", r"stanza", r"camera", r"palazzina",
    r"edificio", r"civico", r"bloco", r"lote", r"andar", r"apto\.?", r"ap\.?", r"quarto",
    r"edifício", r"prédio",
    # German (Vienna: "Stiege 2, Top 5"), Turkish, Ukrainian, Arabic, Persian, Arabizi
    r"haus", r"hausnummer", r"wohnung", r"whg\.?", r"zimmer", r"stock", r"stockwerk", r"tür",
    r"stiege", r"gebäude", r"eingang", r"(?-i:Top)",
    r"apartman", r"apartmanı", r"daire", r"dairesi", r"kat", r"katı", r"blok", r"bina", r"oda",
    r"odası", r"kapı",
    r"будинок", r"будинку", r"буд\.?", r"квартира", r"квартирі", r"квартиру", r"кв\.?", r"кімната",
    r"кімнаті", r"кімнату", r"поверх", r"поверсі", r"під'їзд", r"під’їзд", r"корпус",
    r"гуртожиток", r"дом",
    r"شقة", r"شقه", r"عمارة", r"عماره", r"بناية", r"بنايه", r"مبنى", r"طابق", r"غرفة", r"غرفه",
    r"منزل", r"مدخل", r"بلوك",
    r"پلاک", r"واحد", r"طبقه", r"ساختمان", r"آپارتمان", r"بلوک", r"اتاق",
    r"cha9a", r"chqa", r"chaqa", r"sha2a", r"shaqa", r"shi2a", r"3imara", r"3mara", r"3amara",
    r"3omara", r"tabi9", r"tabe2", r"tabe9",
    # Turkish "No: 12", "No.12"; English "No. 10" (a bare "no" is a word)
    r"no(?:\.|(?=\s*:))",
)
# What may stand between the word and its number: "house number 12", "rue X, n° 5", "رقم 3".
_NUMBER_WORD = (
    r"(?:n[°º]|№|#|no\.?|nr\.?|num\.?|number|numéro|numero|número|nummer|numara|номер|"
    r"رقم|شماره|ra9m|raqm)"
)
# Words that make the number a count, not an address: time, people, rooms, money, times.
_COUNTED = (
    r"days?", r"nights?", r"weeks?", r"months?", r"years?", r"hours?", r"people", r"persons?",
    r"children", r"kids?", r"rooms?", r"beds?", r"euros?", r"times",
    r"jours?", r"nuits?", r"semaines?", r"mois", r"ans", r"années?", r"heures?", r"personnes?",
    r"enfants?", r"chambres?", r"pièces?", r"lits?", r"fois",
    r"días?", r"noches?", r"semanas?", r"meses", r"años?", r"horas?", r"personas?", r"niños?",
    r"hijos?", r"habitaciones", r"camas?", r"veces",
    r"giorni", r"giorno", r"notti", r"notte", r"settimane?", r"mesi", r"mese", r"anni", r"anno",
    r"ore", r"persone", r"bambini", r"figli", r"camere", r"stanze", r"letti", r"volte",
    r"dias?", r"noites?", r"anos?", r"pessoas", r"crianças", r"filhos", r"quartos", r"vezes",
    r"tage?n?", r"nächte", r"nacht", r"wochen?", r"monate?n?", r"jahre?n?", r"stunden?",
    r"personen", r"leute", r"kinder", r"zimmer", r"betten", r"euro", r"mal",
    r"gün", r"gündür", r"gece", r"hafta", r"ay", r"aydır", r"yıl", r"yıldır", r"yaşında",
    r"saat", r"kişi", r"kişilik", r"çocuk", r"kez", r"lira", r"tl",
    r"днів", r"дні", r"ночі", r"ночей", r"тижні", r"тижнів", r"місяці", r"місяців", r"роки",
    r"років", r"годин", r"осіб", r"людей", r"дітей", r"діти", r"кімнати", r"гривень", r"грн",
    r"يوم", r"أيام", r"ايام", r"ليال", r"ليالي", r"أسابيع", r"اسابيع", r"أشهر", r"اشهر",
    r"شهور", r"سنوات", r"سنين", r"ساعات", r"أشخاص", r"اشخاص", r"أطفال", r"اطفال", r"غرف",
    r"مرات", r"درهم", r"دينار", r"ليرة", r"يورو",
    r"روز", r"شب", r"هفته", r"ماه", r"سال", r"ساعت", r"نفر", r"بچه", r"یورو", r"تومان",
    r"[€$£₺₴]",
)
# Words that cannot be part of a street's name: they end the gap between a street word and a
# number ("in the street with my 3 children", "في الشارع منذ 3 أيام").
_GLUE = frozenset((
    "the", "a", "an", "in", "on", "at", "near", "to", "with", "and", "or", "but", "my", "your",
    "our", "his", "her", "their", "for", "from", "by", "is", "are", "was", "were", "am", "i",
    "we", "you", "he", "she", "they", "it", "since", "ago", "have", "has", "had", "need",
    "live", "living", "sleep", "sleeping", "there", "here", "now", "about", "after", "before",
    "à", "au", "aux", "avec", "et", "ou", "mais", "dans", "sur", "pour", "par", "en", "chez",
    "je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "mon", "ma", "mes", "ton",
    "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur", "leurs", "ce",
    "cet", "cette", "ces", "qui", "que", "est", "suis", "sont", "depuis", "pendant", "y",
    "al", "con", "o", "pero", "por", "para", "desde", "hace", "hasta", "sin", "mi", "mis",
    "tus", "su", "sus", "yo", "estoy", "vivo", "es", "son", "hay", "durante", "dal", "dalla",
    "e", "per", "mio", "mia", "miei", "io", "sono", "è", "ho", "abito", "che", "fa", "tra",
    "fra", "em", "no", "na", "nos", "nas", "com", "mas", "há", "meu", "minha", "meus", "eu",
    "sou", "estou", "moro", "sem", "im", "an", "am", "auf", "mit", "und", "oder", "aber",
    "für", "seit", "vor", "bei", "beim", "zu", "zur", "zum", "nach", "mein", "meine",
    "meinem", "meiner", "ich", "wir", "du", "er", "sie", "ist", "bin", "sind", "wohne", "lebe",
    "schlafe", "noch", "schon", "ohne", "während", "ve", "ile", "için", "bir", "bu", "ben",
    "sen", "biz", "siz", "beri", "önce", "sonra", "kadar", "çok", "var", "yok",
    "в", "у", "на", "з", "із", "зі", "і", "й", "та", "а", "але", "або", "для", "до", "від",
    "біля", "мій", "моя", "мої", "я", "ми", "ти", "він", "вона", "вони", "вже", "ще", "живу",
    "тут", "там", "протягом",
    "في", "على", "مع", "من", "الى", "إلى", "و", "او", "أو", "منذ", "عند", "قرب", "بجانب",
    "انا", "أنا", "نحن", "هو", "هي", "هم", "لي", "عندي", "مدة", "لمدة", "حوالي", "تقريبا",
    "اسكن", "أسكن", "ساكن", "اعيش", "أعيش", "حتى", "بعد", "قبل",
    "در", "با", "به", "از", "یا", "تا", "برای", "من", "ما", "آنها", "هستم", "است", "حدود",
    "نزدیک", "کنار",
    "f", "fi", "fe", "fel", "fil", "w", "wa", "u", "ana", "m3a", "ma3", "men", "mn", "3la",
))
# Words inside a street's name that may not end it: "Rua da Prata", "calle de Alcalá".
_PARTICLES = frozenset((
    "de", "da", "do", "dos", "das", "del", "della", "di", "du", "des", "la", "le", "el",
    "von", "der", "ibn", "ben", "bin",
))
# fmt: on

_FLAGS = re.IGNORECASE


def _words(words: frozenset[str]) -> str:
    return r"(?:" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + ")"


# Arabic words take the article and prepositions in front: "بالشقة", "في الطابق", "للعمارة".
_ARABIC_FRONT = r"(?:[وف]?(?:[بلك]?ال|لل|[بل]))?"
# "c/ Mayor", "Hauptstr.14": a word that ends in "/" or "." needs no space after it. Only
# abbreviations take a dot: after a whole word it ends a sentence ("a house. 3 of us…").
_END = r"(?:(?<=[/.])|(?!\w))"
_STREET = r"(?:" + "|".join(_STREETS) + r")" + _END
# Italian "via" is a street only before a name ("via Roma 15"); else it is "away" or "by".
_NAMED_STREET = r"(?:via|" + "|".join(_STREETS) + r")" + _END
_UNIT = r"(?:" + "|".join(_UNITS) + r")" + _END
_NUMBERED = r"\s*,?\s*(?:" + _NUMBER_WORD + r"\s*:?\s*)?"
_NOT_COUNTED = r"(?![:h.]\d)(?!\s*(?:" + "|".join(_COUNTED) + r")(?!\w))"
# A house, flat or floor number: "12", "14a", "221B", "14-16", "3º", "3.ª".
_NUMBER = r"(?<!\w)\d+(?:[/-]\d+)*(?:[a-zA-Z]|\.?[ºª°])?(?!\w)" + _NOT_COUNTED
# More of the same address right after: "calle Mayor 7, 3º B", "زنقة 15 رقم 3".
_MORE = r"(?:\s*,?\s*(?:\d+\.?[ºª°]|" + _NUMBER_WORD + r"\s*:?\s*" + _NUMBER + r"))*"
# A word of a street's name: not a glue word, and particles only inside ("Rua da Prata").
_NAME_WORD = (
    r"(?:\s+|(?<=/))(?:" + _words(_PARTICLES) + r"\s+){0,2}"
    r"(?!" + _words(_GLUE | _PARTICLES) + r"(?!\w))[^\W\d_][\w'’-]*"
)

_AFTER_WORD = re.compile(
    r"(?<!\w)" + _ARABIC_FRONT + r"(?:" + _UNIT + "|" + _STREET + r")\s*:?" + _NUMBERED
    + _NUMBER + _MORE,
    _FLAGS,
)  # fmt: skip
_AFTER_NAME = re.compile(
    r"(?<!\w)" + _ARABIC_FRONT + _NAMED_STREET + r"(?:" + _NAME_WORD + r"){1,4}?" + _NUMBERED
    + _NUMBER + _MORE,
    _FLAGS,
)  # fmt: skip
# "12 rue…", "12 bis, avenue…", "5. Sokak"; in English after the name: "221B Baker Street".
_BEFORE_STREET = re.compile(
    r"(?<!\w)\d+(?:[/-]\d+)*[a-zA-Z]?(?:\s?(?:bis|ter))?\s*,?\s*"
    r"(?:rue|avenue|av|bd|boulevard|allée|impasse|chemin|quai|route)(?!\w)"
    r"|(?<!\w)\d+\.\s*(?:sokak|sok|sk|cadde|caddesi|cad|cd)(?!\w)"
    r"|(?<!\w)\d+[a-zA-Z]?(?:" + _NAME_WORD + r"){0,3}?\s+"
    r"(?:street|st|road|rd|avenue|ave|lane|ln|drive|boulevard|blvd)(?!\w)",
    _FLAGS,
)  # fmt: skip
_FLOOR = re.compile(
    r"(?<!\w)(?:\d+(?:st|nd|rd|th)?\s*(?:floor|fl)"
    r"|\d+(?:e|er|re|ère|ème|eme|è)?\s*(?:étage|etage)"
    r"|\d+(?:\.?[ºª°]|er|do|ro|to)?\s*(?:piso|planta|piano|andar)"
    r"|\d+\.\s*(?:stock|stockwerk|etage|og|obergeschoss|kat|katta|katında)"
    r"|\d+(?:-?(?:й|ий|му|ому|ій))?\s*(?:поверх|поверсі))(?!\w)",
    _FLAGS,
)
_DIGITS = re.compile(
    r"(?<!\w)\d+(?:[/-]\d+)*"
    r"(?:st|nd|rd|th|ème|eme|ère|er|re|e|è|do|ro|to|[a-zA-Z]|\.?[ºª°]|-?(?:ий|ому|му|ій|й))?"
    r"(?!\w)",
    _FLAGS,
)


def scrub_addresses(text: str, placeholder: str) -> str:
    """Return `text` with the numbers of an address replaced by `placeholder`."""
    for pattern in (_AFTER_NAME, _AFTER_WORD, _BEFORE_STREET, _FLOOR):
        text = pattern.sub(lambda match: _DIGITS.sub(placeholder, match.group(0)), text)
    return text
