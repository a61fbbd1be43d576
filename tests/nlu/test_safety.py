"""The safety net finds danger the model may miss, and stays quiet on ordinary needs."""

from __future__ import annotations

import pytest

from nlu.safety import mentions_danger


@pytest.mark.parametrize(
    "text",
    [
        "ساعدوني شخص يحاول قتلي",
        "صاحبي ينزف بزاف",
        "عيطو للاسعاف",
        "bghaw y9tlouni 3afak",
        "Au secours, il y a un incendie",
        "mon mari me frappe",
        "my friend is not breathing",
        "someone is trying to kill me",
        "I want to kill myself",
        "ابني ضايع بالسوق من ساعة",
        "پسرمو دزدیدن کمک کنید",
        "beni takip ediyor çok korkuyorum",
        "викличте поліцію, він ламає двері",
        "ruft die polizei, mein mann schlägt gerade die kinder",
        "a guy pulled a knife on me outside the station",
        "un mec me suit depuis la gare, j'ai peur",
        "mi mujer está de parto en casa y no llega nadie",
        "qualcuno mi segue da mezz'ora",
        "chamem a polícia, ele tem uma arma",
        # A QA pass: a parent or partner who beats, now and as a habit ("my father beats me
        # and i am scared to go to school" got the schools).
        "my father beats me and i am scared to go to school",
        "my mom hits me every time",
        "my wife beats me",
        "أبي يضربني كل يوم",
    ],
)
def test_danger_is_seen(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "أريد معلومات عن السكن",  # معلومات contains مات (died) inside a word
        "كم دينار ثمن التذكرة",  # دينار contains نار (fire)
        "I need a doctor for my daughter",
        "je cherche un cours de français",
        "help me find a job",
        "fin kayn sbitar",
        "üç gün içinde kayıt yaptırmam zorunlu mu",  # gün (day) is not an English gun
        "I lost my passport",
        "knife and fork for the kitchen",  # a knife is danger only with a threat
        "my son got lost in the school system",
        "the office is not responding to my emails",
        "mon avocat me suit pour mon dossier",  # "me suit" alone is not "a man follows me"
        "la polizia mi ha preso il passaporto all'aeroporto",
        "mein Sohn kann nicht schwimmen, gibt es Kurse?",
    ],
)
def test_ordinary_needs_are_not_danger(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "my frend is not breething",  # one vowel for another, in a long word
        "help my dad is not braething",  # two letters swapped
        "my husband is hiting me",  # a doubled letter typed once
        "someone is stabing me",
        "he is chokking",  # a single letter typed twice
        "ma femme saignne beaucoup",
        "ich bin in gefahrr",
        # Outside Latin letters, a letter typed twice; and cries, whole messages, too.
        "ساعدونيي",
        "рятуйтее!",
        "допоможітьь",
        "hellp!",
    ],
)
def test_a_slip_of_the_hand_in_a_word_of_danger_is_still_danger(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "wie hat rapid gestern gespielt",  # "rapid" is one vowel from "raped", a short word
        "is messi better than ronaldo",
        "what are you doing tomorrow",  # "doing" is one vowel from "dying"
        "on soigne les gens sans papiers ?",  # "soigne" is one vowel from "saigne"
        "we do dog breeding",  # "breeding" is "bleeding" with r for l: not a slip we read
        "can you fill me in on the filling of the form",  # "filling me" is no "killing me"
        "my back is kiling me after work",  # an idiom, misspelt, is still an idiom
        "شكراااا",
        "دكتووور لو سمحت",
        "мені потрібна допомогаа з документами",  # "help with papers" is a need, not a cry
    ],
)
def test_real_words_near_words_of_danger_are_not_read_as_them(text: str) -> None:
    assert not mentions_danger(text)


def test_accents_do_not_matter_for_latin_letters() -> None:
    assert mentions_danger("on m'a agressee dans la rue")
    assert mentions_danger("ON M'A AGRESSÉE")


def test_no_training_example_outside_emergency_sets_off_the_net() -> None:
    from nlu.training_data import DATA_DIR, read_examples

    fired = [
        e.text
        for path in DATA_DIR.glob("*.yml")
        for e in read_examples(path)
        if e.intent != "emergency" and mentions_danger(e.text)
    ]
    assert fired == []


@pytest.mark.parametrize(
    "text",
    ["Help!", "HELP ME", "help me.", "Help! Help!", "¡Ayuda!", "¡Ayuda", "Ayúdenme", "Aiuto!",
     "Hilfe!!", "Aidez-moi !", "Feu !", "Допоможіть!", "ساعدوني", "کمک!", "Yardım edin",
     "Don't shoot!", "I'm trapped."],
)  # fmt: skip
def test_a_cry_alone_is_danger(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    # Alone without "!", these ask how the bot works; inside a sentence they are a need.
    ["help", "Help", "ayuda", "aiuto", "hilfe", "aide", "کمک", "yardım", "مساعدة",
     "help me find a job!", "I need help with my papers!", "ayuda con el alquiler!",
     "je suis coincé avec mon dossier", "the police took my papers!"],
)  # fmt: skip
def test_a_cry_word_in_a_need_or_alone_without_exclamation_is_not(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    ("written", "spelled_out"),
    [
        ("Sam's shot", "Sam is shot"),
        ("I'm hit!", "I am hit!"),
        ("he can't breathe", "he cannot breathe"),
        ("she won't wake up", "she will not wake up"),
        ("Ми у пастці", "Ми в пастці"),
        ("vite, l'ambulance", "vite, ambulance"),
    ],
)
def test_a_contraction_or_a_second_spelling_reads_as_the_words_it_stands_for(
    written: str, spelled_out: str
) -> None:
    # Each pair is one phrase of the net typed two ways: both must set it off.
    assert mentions_danger(spelled_out)
    assert mentions_danger(written)


@pytest.mark.parametrize(
    "text",
    [
        "Drop the knife!",
        "Кидай зброю!",
        "suelta el arma",
        "I just called 112, they are coming",
        "my son swallowed a magnet",
        "سكرت الخط، اتصلت ب 112",
        "il bambino ha ingoiato una moneta",
        "Ein Unfall!",
        "Go for help!",
    ],
)
def test_short_plain_emergencies_are_seen(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "what's the bus to the hospital",
        "I can't find a school for my son",
        "l'école de ma fille est fermée",
        "had an accident at work last year, who pays the physiotherapy?",
        "Я відчувала себе у пастці на тій роботі",
    ],
)
def test_the_new_spellings_leave_ordinary_needs_alone(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        # Violence at home now or as a habit, and not wanting to live: a QA pass's own
        # conversations (7 December) got no numbers for these.
        "zawji kaydrabni",
        "mein mann schlägt mich jeden tag",
        "kocam beni dövüyor",
        "rajli yedrabni kol nhar",
        "ma bghitch n3ich",
        "he beats me",
        "my husband did this to me, he hits me every night",
        "il me tape tous les soirs",
        "minha filha engoliu remédios",
        "شوهرم مرا کتک می‌زند",
    ],
)
def test_violence_at_home_now_is_seen(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        # Violence that ended is a question for a lawyer or for support, not for the police now.
        "the ex used to beat me years ago, I want a divorce",
        "шукаю адвоката, колишній чоловік мене бив",
        "طليقي كان يضربني، بدي محامي",
        "it beats me how this form works",
        "il y a un an mon colocataire m'a frappé, puis-je encore porter plainte ?",
        "üç ay önce eski kocam beni dövdü, şikâyet edebilir miyim",
    ],
)
def test_violence_that_ended_is_not_danger(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        # Short, flat reports of danger now (7 December): a limp baby, an electric shock, smoke
        # coming out, a scald, a fall with no getting up, being followed, a handful of pills.
        "the baby has gone limp and will not feed",
        "o bebê está mole e não acorda",
        "bebegim bez gibi gevsek",
        "mon fils s'est électrocuté avec la prise",
        "ein kind hat einen stromschlag bekommen",
        "дитину вдарило струмом",
        "ابني مسكته الكهربا",
        "smoke is coming under the door",
        "sale humo de la cocina del vecino",
        "il nonno è caduto e non si rialza",
        "mi abuela no puede levantarse del suelo",
        "babam düştü kalkamıyor",
        "یه نفر تعقیبم میکنه",
        "my sister took a handful of pills",
    ],
)
def test_short_flat_reports_of_danger_are_seen(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        # The same words telling of a leak, a teenager late out of bed, a lift home, a trade.
        "water comes in through the roof when it rains, who repairs it?",
        "my son is not getting up for school",
        "بابام دنبالم میاد مدرسه",
        "babam beni okuldan alacak",
        "el electricista no vino a arreglar la luz",
        "wo bekomme ich einen Rauchmelder",
    ],
)
def test_the_same_words_in_ordinary_needs_are_not_danger(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text", ["sos", "SOS!", "Sos", "sos sos sos", "s.o.s", "please SOS my son", "🆘", "🆘🆘"]
)
def test_sos_alone_or_in_capitals_is_danger(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize("text", ["vos sos de Rosario? yo tambien", "sos muy amable, gracias"])
def test_sos_meaning_you_are_in_rioplatense_spanish_is_not_danger(text: str) -> None:
    # "vos sos" is how people from Buenos Aires or Montevideo say "you are".
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "where is a doctor, my back is killing me",
        "my teeth are killing me since Monday, any dentist?",
        "I'm dying to see my children again",
    ],
)
def test_an_idiom_around_a_word_of_danger_is_not_danger(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "he is killing me, my back is killing me",
        "my back is killing me and he is beating me",
        "I'm dying",
        "my mother is dying, she does not answer",
    ],
)
def test_a_word_of_danger_outside_the_idiom_still_counts(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        # More short flat reports: chest pain now, bleeding in pregnancy, poison or pills
        # swallowed, drowning, a crash just now, smoke, someone barely responsive, choking.
        "أحس ألم قوي في صدري وما قادر اتنفس",
        "ma femme est enceinte et elle saigne beaucoup",
        "my little brother swallowed rat poison",
        "la niña se tomo las pastillas de la abuela",
        "ein Mann ist im Meer untergegangen",
        "die ganze Küche ist voller Rauch",
        "acaban de chocar un camion y una moto",
        "mein Vater ist kaum ansprechbar",
        "ابني شرق بالاكل ووجهو ازرق",
        "дідусь впав і не встає",
    ],
)
def test_more_short_flat_reports_of_danger_are_seen(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "where can I buy rat poison, there are rats in the flat",
        "hay ratas en el piso y el casero no pone veneno para ratas",
    ],
)
def test_poison_for_a_flat_with_rats_is_a_housing_question(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "rahom yedarbouni 9ddam dar",  # Algerian: they are beating me in front of the house
        "khti ghmat 3liha f lkouzina w ma kay7elch 3inih",  # fainted, does not open her eyes
        "chi wahd kaytbe3ni men la gare",  # Moroccan: someone is following me
        "wldi cherb smm dial sra9 ma3raftch chnou ndir",  # swallowed poison
        "bch yoktolni rajli ija fissa3",  # Tunisian: my husband will kill me
        "ebni biyenzef dam mn rasso w mesh 3aref a3mel eh",  # Egyptian: bleeding from the head
        "fi ri7et gaz bel binaye kella",  # Levantine: a smell of gas
        "ibni mafqood bil souq min sa3a",  # Iraqi: my son is missing
        "el baby ma 3am yt7arrak w wesho azra2",  # the baby is not moving, his face blue
        "abouya jatu sakta w wa23 bil ard",  # a stroke, fallen down
    ],
)
def test_arabizi_reports_of_danger_now_are_seen(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "il7a2uni 3al ahwe ba3d el shoghl",  # Levantine: join me at the café after work
        "jari kaychrab dokhan fel dar w ri7to kat3ej9ni",  # the neighbour smokes at home
        "l as3ar nar cha3la had l3am",  # prices are "on fire" this year
    ],
)
def test_arabizi_everyday_words_near_danger_are_not_danger(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "j'ai regardé un film sur un incendie hier soir, trop bien",
        "vimos una película sobre un incendio anoche",
        "dün akşam yangın filmi izledik çok güzeldi",
        "ho visto un film su un incendio ieri sera",
        "دیشب یک فیلم درباره آتش سوزی دیدیم",
    ],
)
def test_a_film_about_a_fire_is_not_danger(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "we were watching a film about a fire and now our kitchen is on fire, help",
        "vimos una película sobre un incendio y ahora huele a gas en el piso",
    ],
)
def test_danger_beside_a_film_about_a_fire_still_counts(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "je cherche un logement à Lyon, hier mon voisin m'a frappé, j'ai du sang sur la tête",
        "busco trabajo pero ahora tengo sangre en la cabeza después de caerme",
        "mein mann hat blut am kopf und redet komisch",
    ],
)
def test_blood_on_the_head_inside_a_long_message_is_seen(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        # A threat of a beating now, in each language: a QA pass's "me quieren pegar" got the
        # menu, and none of these set the net off before.
        "Madrid. ayuda por favor me quieren pegar",
        "please help, two men outside want to hit me",
        "mon copain est en colère, il va me frapper",
        "aiuto vogliono picchiarmi fuori dal bar",
        "estou com medo, eles vão me bater",
        "bitte helfen sie, die wollen mich schlagen",
        "допоможіть, вони хочуть мене побити",
        "yardım edin beni dövecekler",
        "ساعدوني بدو يضربني",
        "کمک کنید میخوان منو بزنن",
    ],
)
def test_a_threat_of_a_beating_now_is_seen(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "my cousin wants to hit me up about a job in Lyon",
        "my son wants to beat me at chess every evening",
        "il va me taper une lettre pour la préfecture",  # "taper" is also to type
    ],
)
def test_the_same_words_with_another_meaning_are_not_danger(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        # Not safe where the writer is, now: a QA pass's "احس بعدم امان" and "من در امان
        # نیستم" got a goodbye and a question, "3teqni" (save me) and "acil yardım" no
        # numbers; none of these set the net off before.
        "احس بعدم امان",
        "من در امان نیستم",
        "3teqni",
        "acil yardım",
        "I'm not safe at home",
        "je ne me sens pas en sécurité ici",
        "no estoy a salvo, ayuda",
        "non sono al sicuro qui",
        "não estou em segurança",
        "ich fühle mich nicht sicher, bitte helfen sie",
        "güvende değilim",
        "я не в безпеці",
    ],
)
def test_not_being_safe_now_is_seen(text: str) -> None:
    assert mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        # "Not sure" is written with the same words in three of our languages.
        "I'm not sure which office it is",
        "no estoy seguro si necesito cita",
        "ich bin nicht sicher, ob ich einen termin brauche",
        "não estou seguro se preciso de marcação",
        "is it safe to drink the tap water in Lisbon",
        "acil durumda hangi numara aranır",
    ],
)
def test_not_sure_and_questions_of_safety_are_not_danger(text: str) -> None:
    assert not mentions_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        # A helper's QA pass: "срочно нужна скорая" (Russian, "an ambulance, quick") got the
        # list of housing, the model sure of it; the others got the menu, jobs or legal help.
        "срочно нужна скорая",
        "нужна полиция",
        "меня избивают",
        "муж избивает меня",
        "за мной следят",
        "за мной идет мужчина",
        "у меня идет кровь",
        # Levantine Arabizi, "I want to die", "I do not want to live", "I want to kill myself",
        # as it is spelt besides the spellings the net had.
        "badde mout",
        "bade mout",
        "ma bade 3ich",
        "bade in7ar",
        "baddi e2tol 7ali",
        # Levantine Arabizi, "my husband is hitting me" (with nowhere to sleep, the housing
        # list came alone).
        "jowzi 3am yedrebni ma 3ande wen nam",
        "3am ydrebni",
        # Finglish, "someone is following me", "I do not want to be alive any more".
        "yeki donbalame",
        "dige nemikham zende basham",
    ],
)
def test_danger_written_as_a_qa_pass_wrote_it_is_seen(text: str) -> None:
    assert mentions_danger(text)
