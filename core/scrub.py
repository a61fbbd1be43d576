"""Scrub a question's text of what could say who wrote it, before anyone may keep it.

Best effort, and it errs on the side of removing too much: a phone number (and the digits of
one whose start was typed as words), an e-mail address, a link, a date, any number of five
digits or more, the numbers of an address however small (house, flat, floor, room: "12 rue…",
"apt 5", "Wohnung 3", "شقة 4", see `core.addresses`), a name introduced as one ("my name is…"
in the ten languages and in Arabizi), and any capitalised Latin or Cyrillic word inside a
sentence that is not a known place or common word. Each becomes a placeholder such as
`[phone]`; the numbers of an address become `[number]`. Other small numbers stay ("my 3
children", "bus 12", "I am 17").
What it cannot see: a name that opens a sentence on its own, a name typed in lower case
without an introduction, names in Arabic or Persian script outside an introduction, a street's
name typed in lower case (its numbers go), and an address written without any street,
building or floor word ("I live at 12 Victor Hugo").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from core.addresses import scrub_addresses

PHONE = "[phone]"
EMAIL = "[email]"
NUMBER = "[number]"
NAME = "[name]"
DATE = "[date]"
LINK = "[link]"

# Not right after "@": "0@www.com" is an address, and a link there left "0@[link]".
_LINK = re.compile(r"(?<!@)(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@])@\w{3,}")
_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
# A run of digits and the characters people put between them; a phone number if 7+ digits.
# Dots and slashes too: "06.12.34.56.78" and "0612/345678" are phone numbers as well.
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().\-/+]*\d")
_LONG_NUMBER = re.compile(r"\d{5,}")
_MIN_PHONE_DIGITS = 7

_WORD = r"[^\W\d_][\w'’-]*"
# Words that may sit between the parts of a name ("Ahmed ben Ali", "Maria da Silva").
_PARTICLE = (
    r"(?:ben|bin|bint|ibn|ould|abu|abou|el|al|de|da|di|do|dos|das|del|della|van|von|der|la|le)"
)
# Phrases that introduce a name; matched without regard to case.
_INTRODUCTIONS = (
    # English
    r"my name is", r"my name's", r"name is", r"i am called", r"i'm called",
    # French
    r"je m[’']?appelle", r"j[’']m[’']appelle", r"mon nom est", r"mon nom c[’']est",
    r"mon prénom est", r"ils? s[’']appellen?t?", r"elles? s[’']appellen?t?", r"moi c[’']est",
    # Spanish, Italian, Portuguese
    r"me llamo", r"mi nombre es", r"se llama", r"mi chiamo", r"il mio nome è", r"si chiama",
    r"meu nome é", r"o meu nome é", r"me chamo", r"chamo-me", r"se chama", r"chama-se",
    # German
    r"hei(?:ß|ss)(?:e|t)", r"mein (?:vor)?name ist",
    # Turkish
    r"benim adım", r"adım", r"ismim", r"benim ismim", r"adı", r"ismi",
    # Ukrainian and Russian
    r"мене звати", r"мене звуть", r"звати", r"звуть", r"зовут", r"моє ім[’']я", r"меня зовут",
    # Arabic, Maghrebi Arabic, and Arabizi
    r"اسمي", r"إسمي", r"أسمي", r"اسمه", r"اسمها", r"اسمو", r"أدعى", r"ادعى", r"سميتي", r"سميتو",
    r"ismi", r"esmi", r"asmi", r"smiti", r"smitou", r"smito", r"ismo", r"esmo", r"ismha", r"esmha",
    # Labels: "Name: …"
    r"name\s*:", r"nom\s*:", r"nombre\s*:", r"nome\s*:", r"ім[’']я\s*:", r"isim\s*:", r"اسم\s*:",
)  # fmt: skip
_INTRODUCED = re.compile(
    # No comma in the gap: "das heißt, ich…" is "that is", not a name.
    r"(?<!\w)(?P<lead>(?:" + "|".join(_INTRODUCTIONS) + r"))(?P<gap>\s*:\s*|\s+)"
    r"(?P<name>" + _WORD + r"(?:\s+(?:" + _PARTICLE + r"\s+)?(?:" + _WORD + r")){0,3})",
    re.IGNORECASE,
)
# Persian: "اسم من X است", "اسمم X است": the name is what lies between (up to three words);
# without the closing verb, the word after the introduction.
_PERSIAN_LEAD = r"(?P<lead>(?:اسم|نام)\s+من|اسمم|نامم)\s+"
_PERSIAN = re.compile(_PERSIAN_LEAD + r"(?P<name>\S+(?:\s+\S+){0,2}?)(?=\s+(?:است|هستم|هست)(?!\S))")
_PERSIAN_SHORT = re.compile(_PERSIAN_LEAD + r"(?P<name>[^\s\[]\S*)")
# Words that end a name typed in lower case ("me llamo maria y necesito…").
# fmt: off
_NOT_NAME = frozenset((
    "and", "but", "from", "in", "at", "y", "e", "et", "und", "ve", "i", "и", "і", "та", "а",
    "pero", "mais", "ma", "mas", "aber", "ama", "de", "da", "di", "du", "am", "the", "la", "el",
    "il", "o", "a", "je", "ich", "ben", "i'm", "و",
))
# fmt: on
_SENTENCE_END = ".!?…\n\r¿¡"
_TRANSPARENT = " \t\"'«»“”‘’()"
_TOKEN = re.compile(_WORD)
# French and Italian elision: the word after "d'", "l'"… is the one to look at.
_ELISION = re.compile(r"(?:[dljmnstc]|qu|dell|all|nell|sull)['’](?=\w)", re.IGNORECASE)

# Capitalised words that are not names: the cities served, countries and languages people
# name, months and days, greetings, institutions, and the German nouns of the topics asked.
# fmt: off
_KNOWN = frozenset((
    "i", "i'm", "i'd", "i'll", "i've", "ok", "okay", "hi", "hello", "hey", "dalil", "whatsapp",
    "telegram", "google", "facebook", "god", "allah", "inshallah", "ramadan", "eid", "mr", "mrs",
    "ms", "dr", "covid", "cv", "nie", "tie", "caf", "asl", "nhs", "ong", "ngo", "unhcr", "hcr",
    "acnur", "oim", "iom", "un", "onu", "eu", "ue", "id", "sim", "pdf", "sos", "samu", "hiv",
    "vih", "aids", "sida", "cpam", "ame", "cmu", "pôle", "emploi", "sef", "aima", "questura",
    "permesso", "anagrafe", "caritas", "cáritas", "croix", "rouge", "cruz", "roja", "croce",
    "rossa", "rotes", "kreuz", "tangier", "tanger", "tánger", "tanja", "tangiers", "tanca",
    "tunis", "tunisi", "túnez", "tunes", "tunus", "amman", "ammán", "ammã", "beirut", "beyrouth",
    "beirute", "beyrut", "lisbon", "lisbonne", "lisboa", "lisbona", "lissabon", "lizbon", "madrid",
    "madri", "turin", "torino", "turín", "turim", "lyon", "lione", "lyons", "vienna", "vienne",
    "viena", "wien", "viyana", "танжер", "туніс", "амман", "бейрут", "лісабон", "мадрид", "турин",
    "ліон", "відень", "вена", "київ", "україна", "morocco", "maroc", "marruecos", "marocco",
    "marrocos", "marokko", "fas", "tunisia", "tunisie", "tunisien", "tunesien", "jordan",
    "jordanie", "jordania", "giordania", "jordânia", "jordanien", "ürdün", "lebanon", "liban",
    "líbano", "libano", "libanon", "lübnan", "portugal", "spain", "espagne", "españa", "spagna",
    "espanha", "spanien", "ispanya", "italy", "italie", "italia", "itália", "italien", "italya",
    "france", "francia", "frança", "frankreich", "fransa", "austria", "autriche", "österreich",
    "avusturya", "áustria", "europe", "europa", "avrupa", "africa", "afrique", "áfrica", "afrika",
    "syria", "syrie", "siria", "síria", "syrien", "suriye", "ukraine", "ucrania", "ucraina",
    "ucrânia", "ukrayna", "afghanistan", "afganistán", "afganistan", "afeganistão", "iran", "irán",
    "irã", "iraq", "irak", "iraque", "sudan", "soudan", "sudán", "sudão", "eritrea", "érythrée",
    "eritreia", "somalia", "somalie", "somália", "mali", "senegal", "sénégal", "guinea", "guinée",
    "guiné", "nigeria", "cameroon", "cameroun", "camerún", "camarões", "egypt", "égypte", "egipto",
    "egitto", "egito", "ägypten", "mısır", "algeria", "algérie", "argelia", "argélia", "algerien",
    "cezayir", "libya", "libye", "libia", "líbia", "libyen", "palestine", "palestina", "palästina",
    "filistin", "turkey", "turquie", "turquía", "turchia", "turquia", "türkei", "türkiye",
    "pakistan", "bangladesh", "gambia", "gambie", "ghana", "ivory", "côte", "d'ivoire", "syrian",
    "syrienne", "sirio", "siriana", "sírio", "afghan", "afghane", "afgano", "afegão", "moroccan",
    "marocain", "marocaine", "marroquí", "marocchino", "marroquino", "ukrainian", "ukrainien",
    "ukrainienne", "ucraniano", "ucraino", "ukrainer", "sudanese", "soudanais", "soudanaise",
    "eritrean", "érythréen", "érythréenne", "somali", "tunisian", "tunisienne", "lebanese",
    "libanais", "libanaise", "jordanian", "iranian", "iranien", "iraqi", "irakien", "arab",
    "arabe", "arabic", "árabe", "arabo", "arabisch", "arapça", "french", "français", "française",
    "francés", "francese", "francês", "französisch", "fransızca", "english", "anglais", "anglaise",
    "inglés", "inglese", "inglês", "englisch", "ingilizce", "spanish", "espagnol", "espagnole",
    "español", "spagnolo", "espanhol", "spanisch", "italian", "italienne", "italiano",
    "italienisch", "portuguese", "portugais", "portugaise", "portugués", "portoghese", "português",
    "portugiesisch", "german", "allemand", "allemande", "alemán", "tedesco", "alemão", "deutsch",
    "almanca", "persian", "persan", "persane", "persa", "persiano", "persisch", "farsi", "dari",
    "pashto", "tigrinya", "bambara", "turkish", "turc", "turque", "turco", "türkisch", "türkçe",
    "kurdish", "kurde", "kurdo", "kurdisch", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", "montag", "dienstag", "mittwoch",
    "donnerstag", "freitag", "samstag", "sonntag", "januar", "februar", "märz", "juni", "juli",
    "oktober", "dezember", "bonjour", "salut", "hola", "ciao", "olá", "ola", "hallo", "merhaba",
    "salam", "salaam", "buongiorno", "buenos", "bom", "guten", "servus", "grüß", "danke", "bitte",
    "arzt", "ärztin", "ärzte", "zahnarzt", "zahnärztin", "kinderarzt", "frauenarzt", "krankenhaus",
    "klinik", "apotheke", "notaufnahme", "notfall", "notruf", "hilfe", "wohnung", "unterkunft",
    "zimmer", "miete", "schlafplatz", "obdach", "arbeit", "job", "jobs", "stelle", "ausbildung",
    "lebenslauf", "schule", "kindergarten", "kita", "kurs", "kurse", "deutschkurs", "sprachkurs",
    "integrationskurs", "anerkennung", "diplom", "zeugnis", "anwalt", "anwältin", "rechtsberatung",
    "beratung", "asyl", "asylantrag", "aufenthalt", "aufenthaltstitel", "aufenthaltserlaubnis",
    "visum", "pass", "papiere", "dokumente", "ausweis", "familie", "familiennachzug", "kind",
    "kinder", "tochter", "sohn", "baby", "frau", "mann", "mutter", "vater", "bruder", "schwester",
    "essen", "lebensmittel", "kleidung", "kleider", "dusche", "wasser", "geld", "unterstützung",
    "sozialhilfe", "bus", "bahn", "zug", "u-bahn", "straßenbahn", "ticket", "fahrkarte", "termin",
    "sprache", "woche", "tag", "tage", "stunden", "nacht", "heute", "morgen", "straße", "bezirk",
    "stadt", "zentrum", "bahnhof", "hauptbahnhof", "polizei", "gewalt", "schutz", "frauenhaus",
    "psychologe", "psychologin", "zähne", "schmerzen", "fieber", "husten", "krankenversicherung",
    "versicherung", "e-card", "impfung", "schwangerschaft", "geburt", "hebamme", "brille",
    "medikamente", "rezept", "problem", "probleme", "frage", "antwort", "info", "informationen",
    "adresse", "öffnungszeiten", "uhr", "hause", "haus", "nähe", "platz", "möglichkeit", "leute",
    "menschen", "jahre", "monate", "танжері", "тунісі", "аммані", "бейруті", "лісабоні", "мадриді",
    "турині", "ліоні", "відні", "відня", "києві", "україні",
))
# fmt: on


def _has_case(word: str) -> bool:
    """Tell whether a word is written in a script with capital letters (Latin, Cyrillic)."""
    return unicodedata.name(word[0], "").startswith(("LATIN", "CYRILLIC"))


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and _has_case(word)


def _is_known(word: str, known: Collection[str]) -> bool:
    # "Madrid's", "Madrid'de" (Turkish), "Croix-Rouge": the base decides, part by part.
    base = word.replace("’", "'").lower().split("'")[0]
    return base in known or all(part in known for part in base.split("-") if part)


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(_TRANSPARENT)
    return not before or before[-1] in _SENTENCE_END


def _digit_run(match: re.Match[str]) -> str:
    # A run that is exactly a date is a date (a birth date is personal too); else a phone:
    # 7 digits or more, or the end of one whose first digits were typed as words ("zero six
    # twelve 34 56 78": three groups or more, 5 digits or more).
    run = match.group(0)
    if _DATE.fullmatch(run):
        return DATE
    digits = sum(c.isdigit() for c in run)
    groups = len(re.findall(r"\d+", run))
    if digits >= _MIN_PHONE_DIGITS or (groups >= 3 and digits >= 5):
        return PHONE
    return run


def _introduced(match: re.Match[str]) -> str:
    words = match.group("name").split()
    # The first word is the name. Then, when written with capitals, the words that look like
    # parts of it; without capitals nothing tells, so one more word goes too.
    taken = 1
    if not _has_case(words[0]) or words[0].islower():
        second = words[1].lower() if len(words) > 1 else ""
        taken = 2 if second and second not in _NOT_NAME else 1
    else:
        for index, word in enumerate(words[1:], start=1):
            if re.fullmatch(_PARTICLE, word, re.IGNORECASE):
                continue
            if not _capitalised(word) or _is_known(word, _KNOWN):
                break
            taken = index + 1
    rest = " ".join(words[taken:])
    return f"{match.group('lead')}{match.group('gap')}{NAME}" + (f" {rest}" if rest else "")


def _persian(match: re.Match[str]) -> str:
    return match.group(0)[: match.start("name") - match.start()] + NAME


def _words(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for match in _TOKEN.finditer(text):
        start, word = match.start(), match.group(0)
        elided = _ELISION.match(word)
        if elided:
            start, word = start + elided.end(), word[elided.end() :]
        spans.append((start, match.end(), word))
    return spans


def _capitalised_names(text: str, known: Collection[str]) -> str:
    words = _words(text)
    unknown = [_capitalised(word) and not _is_known(word, known) for _, _, word in words]
    is_name = [
        candidate and not _at_sentence_start(text, start)
        for (start, _, _), candidate in zip(words, unknown, strict=True)
    ]
    # "Ahmed Benali here": a name that opens a sentence is caught by the one right after it.
    for index in range(len(words) - 1):
        adjacent = text[words[index][1] : words[index + 1][0]].strip() == ""
        if unknown[index] and is_name[index + 1] and adjacent:
            is_name[index] = True
    pieces: list[str] = []
    position = 0
    for (start, end, _), name in zip(words, is_name, strict=True):
        if name:
            pieces += [text[position:start], NAME]
            position = end
    pieces.append(text[position:])
    return "".join(pieces)


def scrub(text: str, *, places: Collection[str] = ()) -> str:
    """Return `text` without phone numbers, e-mails, long numbers, addresses' numbers and names.

    `places` adds capitalised words to keep (district names of the directory, for example).
    """
    known = _KNOWN | {place.lower() for place in places} if places else _KNOWN
    text = unicodedata.normalize("NFC", text)
    text = _LINK.sub(LINK, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _HANDLE.sub(NAME, text)
    text = _DIGIT_RUN.sub(_digit_run, text)
    text = _LONG_NUMBER.sub(NUMBER, text)
    text = scrub_addresses(text, NUMBER)
    text = _INTRODUCED.sub(_introduced, text)
    text = _PERSIAN.sub(_persian, text)
    text = _PERSIAN_SHORT.sub(_persian, text)
    text = _capitalised_names(text, known)
    return re.sub(r"\[name\](?:\s+\[name\])+", NAME, text)
