"""The days of the week a message names ("et le week-end ?", "am Samstag?", "nhar sebt",
"یکشنبه باز است؟"), as the directory's days ("SA", "SU").

People who work ask under a list which of its services open at the weekend or on one day.
The names are babel's, in our ten languages, and below the forms it does not give: plurals
("los sábados", "samstags"), cases ("в суботу"), Russian, spellings without the Persian
half-space, and the Maghrebi and Levantine names in Arabic and Latin letters. The weekend is
the city's: Friday and Saturday in Jordan, Saturday and Sunday elsewhere.
"""

from __future__ import annotations

from functools import cache

from babel import Locale

from bot.dialogue.phrasebook import normalised
from services_directory.search.opening import ICAL_DAYS

LANGUAGES = ("ar", "fr", "en", "es", "it", "pt", "de", "fa", "uk", "tr")
WEEKEND = "weekend"
# Where the weekend is not Saturday and Sunday, by the city's country.
_WEEKENDS = {"JO": ("FR", "SA")}
_USUAL_WEEKEND = ("SA", "SU")

# Forms babel does not give, by day (ICAL_DAYS' names) or WEEKEND, each a word or a phrase.
# Left out: words that are others too ("segunda", "quinta" are "second", "fifth"; Arabic
# "احد" is "anyone").
_MORE: dict[str, tuple[str, ...]] = {
    "MO": ("mondays", "montags", "lundis", "понеділка", "понедельник", "понедельника",
           "دو شنبه", "tnin", "letnin", "el etnin"),
    "TU": ("tuesdays", "dienstags", "mardis", "вівторка", "вторник", "вторника", "سه شنبه",
           "tlat", "ettlata", "tlata"),
    "WE": ("wednesdays", "mittwochs", "mercredis", "середу", "среду", "среда", "چهار شنبه",
           "larb3a", "el arb3a"),
    "TH": ("thursdays", "donnerstags", "jeudis", "четверг", "پنج شنبه", "khmis", "lekhmis",
           "el khamis"),
    "FR": ("fridays", "freitags", "vendredis", "пятницю", "пятницу", "пятница", "jem3a",
           "jm3a", "jouma", "juma", "el jumaa"),
    "SA": ("saturdays", "samstags", "sonnabend", "sabados", "samedis", "sabati", "суботу",
           "субботу", "суббота", "cumartesileri", "sebt", "nhar sebt", "essebt", "es sabt"),
    "SU": ("sundays", "sonntags", "domingos", "dimanches", "domeniche", "неділю",
           "воскресенье", "воскресенья", "pazarlari", "pazar gunu", "یک شنبه", "l7ad",
           "nhar l7ad", "el had", "lahad", "al ahad"),
    WEEKEND: ("weekend", "week end", "weekends", "fin de semana", "finde", "fines de semana",
              "fine settimana", "fim de semana", "fds", "wochenende", "hafta sonu",
              "haftasonu", "вихідні", "вихідних", "вихідними", "выходные", "выходных",
              "آخر هفته", "اخر هفته", "نهاية الأسبوع", "نهاية الاسبوع", "الويكند",
              "الويك اند", "ويك اند"),
}  # fmt: skip


@cache
def _names() -> dict[str, str]:
    """Every written form, normalised, with the day (or WEEKEND) it names."""
    names: dict[str, str] = {}
    for language in LANGUAGES:
        for index, name in Locale.parse(language).days["format"]["wide"].items():
            names[normalised(name)] = ICAL_DAYS[index]
    for day, forms in _MORE.items():
        for form in forms:
            names.setdefault(normalised(form), day)
    return names


def named(text: str, country: str) -> tuple[str, ...]:
    """Return the days `text` names, in the week's order ("MO" first), the weekend as the
    days it is in `country`; () when it names none."""
    names = _names()
    longest = max(len(name.split()) for name in names)
    words = normalised(text).split()
    found: set[str] = set()
    start = 0
    while start < len(words):
        for size in range(min(longest, len(words) - start), 0, -1):
            day = names.get(" ".join(words[start : start + size]))
            if day is not None:
                found.update(_WEEKENDS.get(country, _USUAL_WEEKEND) if day == WEEKEND else {day})
                start += size
                break
        else:
            start += 1
    return tuple(day for day in ICAL_DAYS if day in found)


# "Tonight" under a list: where to sleep or eat when the day's offices have closed. Each a
# word or a phrase as people type it; "night" alone is asked as often ("gece açık mı?").
_TONIGHT = (
    "tonight", "tonite", "this evening", "at night", "overnight", "ce soir", "cette nuit",
    "la nuit", "le soir", "esta noche", "por la noche", "de noche", "en la noche", "stasera",
    "stanotte", "questa sera", "questa notte", "di notte", "la notte", "hoje a noite",
    "esta noite", "a noite", "de noite", "heute abend", "heute nacht", "abends", "nachts",
    "in der nacht", "am abend", "bu gece", "bu aksam", "gece", "geceleri", "aksam",
    "сьогодні ввечері", "ввечері", "вночі", "на ніч", "цієї ночі", "сегодня вечером",
    "вечером", "ночью", "на ночь", "امشب", "emshab", "الليلة", "الليل", "بالليل", "هالليلة",
    "had lila", "fel lil", "bel lil", "billil", "el lila", "ellila", "lyoum fel lil",
)  # fmt: skip
# Not "night" alone where good night says it: "شب بخیر", "lila sa3ida", "iyi geceler".


@cache
def _tonight() -> frozenset[str]:
    return frozenset(normalised(form) for form in _TONIGHT)


def tonight(text: str) -> bool:
    """Tell whether `text` names tonight (the evening or the night ahead)."""
    words = normalised(text).split()
    forms = _tonight()
    longest = max(len(form.split()) for form in forms)
    return any(
        " ".join(words[start : start + size]) in forms
        for start in range(len(words))
        for size in range(1, longest + 1)
    )
