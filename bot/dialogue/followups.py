"""Follow-ups about the list on screen: "which one is the nearest?", "that did not help",
"more", and a number typed for one of its services; and "is that true?" under a fact.

People answer a list of services in words as often as with its buttons. These are not needs
and no intent of the NLU is for them (the intents are fixed: DESIGN.md), so a handful of
phrases per language recognises them (phrasebook.py), only while a list is on screen and only
when the model reads no need of another topic in the message: "la farmacia más cercana"
after a list of lawyers is a need, answered as one. Danger is never answered here. A doubt
under a fact ("really?", "wallah?") is the whole message, read in the next message only.
"""

from __future__ import annotations

from bot.dialogue import choice_typed, directory, myths, render
from bot.dialogue.phrasebook import Phrasebook, named_number, normalised, typed_number
from bot.dialogue.turn import Turn
from bot.i18n import is_rtl
from bot.messages import Button, Reply
from core import usage
from handoff import service as handoff
from nlu import myth_words, topic_words
from nlu.client import ParseResult
from nlu.decision import CONFIDENT, EMERGENCY
from services_directory.categories import Category

# How people ask which place of the list is the nearest, written as they type it.
_NEAREST = {
    "en": [
        "which one is the nearest",
        "which is the closest",
        "which one is closest",
        "the closest one",
        "the nearest one",
        "nearest one pls",
        "whats the nearest one",
        "which is nearest to me",
        "is there one closer",
        "anything closer to me",
        "something closer to me",
        "wich one is nearest",
        "the one closest to me",
        "which one is closer to me",
    ],
    "fr": [
        "lequel est le plus proche",
        "le plus proche",
        "quel est le plus proche",
        "c lequel le plus proche",
        "c'est lequel le plus pres",
        "y en a un plus proche",
        "il y a plus proche",
        "le plus proche de moi",
        "lequel est plus pres de chez moi",
        "un plus proche svp",
        "quelque chose de plus proche",
        "celui le plus proche",
        "le plus prés de moi",
        "laquelle est la plus proche",
    ],
    "es": [
        "cual es el mas cercano",
        "cual es el mas cerca",
        "cual queda mas cerca",
        "el mas cerca",
        "cuál queda más cerca",
        "el mas cercano",
        "el que quede mas cerca",
        "cual esta mas cerca",
        "hay alguno mas cerca",
        "hay uno mas cerca de mi",
        "algo mas cerca de mi",
        "el más cercano a mí",
        "cual me queda mas cerca",
        "el mas cercano porfa",
        "kual es el mas sercano",
        "cual esta mas cerquita",
        "cual es la mas cercana",
    ],
    "it": [
        "qual è il più vicino",
        "quale e piu vicino",
        "il più vicino",
        "quello piu vicino",
        "ce n'è uno più vicino",
        "ce ne uno piu vicino",
        "qualcosa di più vicino",
        "il piu vicino a me",
        "quale mi è più vicino",
        "quale sta piu vicino",
        "qual'è il piu vicino",
        "qual è la più vicina",
        "quello più vicino a me",
    ],
    "pt": [
        "qual é o mais perto",
        "qual fica mais perto",
        "o mais proximo",
        "qual é o mais próximo",
        "o mais perto de mim",
        "tem algum mais perto",
        "há algum mais perto",
        "algum mais perto de mim",
        "qual ta mais perto",
        "qual o mais proximo de mim",
        "o que fica mais perto",
        "qual esta mais proximo",
        "tem um mais pertinho",
        "qual é a mais próxima",
    ],
    "de": [
        "welcher ist am nächsten",
        "welches ist am nächsten",
        "welche ist am naechsten",
        "was ist am nächsten",
        "der nächstgelegene",
        "das nächstgelegene",
        "gibt es einen näher",
        "gibts was näheres",
        "etwas näher bei mir",
        "welcher ist am nähesten",
        "am nächsten bei mir",
        "welcher ist näher bei mir",
        "wo ist das nächstgelegene",
        "was ist am nächsten zu mir",
        # "Wo ist die nächste?" under a list put first the services whose words say "where"
        # (a QA pass).
        "wo ist die nächste",
        "wo ist der nächste",
        "wo ist das nächste",
        "in meiner nähe",
        "nah bei mir",
    ],
    "tr": [
        "hangisi en yakın",
        "hangisi daha yakin",
        "en yakını hangisi",
        "en yakin hangisi",
        "en yakin olan",
        "bana en yakın olan",
        "daha yakın bir yer var mı",
        "daha yakin yok mu",
        "bana daha yakın olan",
        "en yakını lütfen",
        "daha yakın olan var mı",
        "bana yakın olanı hangisi",
        "en yakini hangisi",
    ],
    "uk": [
        "який найближчий",
        "яка найближча",
        "котрий найближче",
        "найближче до мене",
        "а є щось ближче",
        "є щось ближче",
        "який з них найближчий",
        "що найближче",
        "де найближче",
        "який ближче до мене",
        "какой ближе",
        "самий близький",
        "який самий ближчий",
        "шо ближче до мене",
    ],
    "fa": [
        "کدوم نزدیک‌تره",
        "کدومش نزدیکتره",
        "نزدیکترین کدومه",
        "نزدیک‌ترینش",
        "کدوم از همه نزدیکتره",
        "جای نزدیکتری نیست",
        "یه جای نزدیکتر",
        "نزدیکترین به من کدومه",
        "کدام نزدیک‌تر است",
        "kodoom nazdiktare",
        "nazdiktarin kodome",
        "ye ja nazdiktar",
        "kodomesh nazdiktare",
        "نزدیکترین کدام",
        "کدام یکی نزدیکتر",
        "کدامش نزدیکتر",
    ],
    "ar": [
        "أيهم الأقرب",
        "ايهم اقرب لي",
        "مين الأقرب",
        "شو الأقرب لي",
        "اقرب واحد",
        "فيه شي أقرب",
        "في وحدة اقرب مني",
        "وين الاقرب",
        "شنو الاقرب",
        "أيهم أقرب إلي",
        "ayhom a2rab",
        "shu el a2rab",
        "min el a2rab",
        "a2rab wa7ed",
        "a2rab wa7ad",
        "wein a2rab wa7ad",
        "wen a2rab wa7ad",
        "wein el a2rab",
        "a9rab wa7ed",
        "a9rab wa7ad",
        "fi shi a2rab",
        "wen el a2rab",
        "achmen wa7ed a9rab",
        "a9rab wa7ed liya",
        "eh a2rab wa7ed",
        "fe 7aga a2rab",
        "اقرب وحدة",
        "شكون اللي قريب",
        "كاين شي واحد قريب",
        "chi wahd 9rib",
        "chi wa7ed 9rib",
        "chkoun li 9rib",
        "fin l9rib",
        "li 9rib liya",
        "الاقرب",
        # Near and nearest alone, as Maghrebi and Levantine are typed ("chi wa7d qrib?" and
        # "fin kayn l9rib?" were not understood).
        "اقرب",
        "9rib",
        "qrib",
        "l9rib",
        "lqrib",
        "a9rab",
        "aqrab",
        "a2rab",
    ],
}

# "Nearest?" asked in a word or two, the whole message: in a sentence these words are a need
# ("where is the nearest hospital"), which the model reads.
_NEAREST_ALONE = {
    "en": [
        "nearest",
        "the nearest",
        "closest",
        "the closest",
        "nearest to me",
        "closest to me",
        "which is nearer",
        "which one is nearer",
        "where is the nearest",
    ],
    "fr": ["plus proche", "la plus proche", "plus pres", "le plus pres", "lequel plus proche"],
    "es": ["mas cerca", "mas cercano", "la mas cercana", "cual mas cerca", "cual mas cercano"],
    "it": ["piu vicino", "piu vicina", "la piu vicina", "quale piu vicino", "quello vicino"],
    "pt": [
        "mais perto",
        "o mais perto",
        "a mais perto",
        "qual o mais perto",
        "qual a mais perto",
        "qual mais perto",
        "mais proximo",
        "qual o mais proximo",
        # A QA pass: "where is the nearest?" under Lisbon's food got its housing.
        "onde fica o mais perto",
        "onde fica a mais perto",
        "onde e o mais perto",
        "onde fica o mais proximo",
    ],
    "de": ["am nächsten", "welcher am nächsten", "welche am nächsten", "nächstgelegene"],
    # Ukrainian, Russian as many Ukrainians write it, and both in Latin letters.
    "uk": [
        "найближчий",
        "найближча",
        "найближче",
        "найближчі",
        "а найближчий",
        "що ближче",
        "де найближчий",
        "де найближча",
        "де найближче",
        "где ближайший",
        "где ближайшая",
        "ближайший",
        "ближайшая",
        "ближайшее",
        "самый близкий",
        "что ближе",
        "naiblyzhchyi",
        "naiblyzhche",
        "naiblyzhcha",
        "najblyzhchyj",
        "najblyzhche",
        "blizhaishiy",
        "blizhayshiy",
    ],
}
# How people say the list did not help.
_NOT_HELPFUL = {
    "en": [
        "that didnt help",
        "that doesnt help",
        "not helpful",
        "not useful",
        "this is not what i need",
        "none of these",
        "thats not what i asked",
        "useless",
        "doesnt help me",
        "didnt help at all",
        "this is not helping",
        "not what im looking for",
        "none of them help",
        "you didnt help",
        "nothing helped",
        "that was no help",
    ],
    "fr": [
        "ca m'aide pas",
        "ça ne m'aide pas",
        "ca aide pas",
        "pas utile",
        "ca sert a rien",
        "c'est pas ce que je cherche",
        "c pas ce que j'ai demandé",
        "aucun de ceux la",
        "inutile",
        "ça m'a pas aidé",
        "ca ne sert a rien",
        "pas ce dont j'ai besoin",
        "rien de tout ca m'aide",
        "ca m'a pas aider",
    ],
    "es": [
        "no me sirvio",
        "no me sirvió",
        "no sirvio",
        "no me sirvio de nada",
        "no me sirve",
        "no me ayuda",
        "no me ayudo",
        "eso no me sirvio",
        "no sirve de nada",
        "no es lo que necesito",
        "no es lo que pedi",
        "ninguno de estos",
        "ninguno me sirve",
        "inutil",
        "no me sirvió para nada",
        "eso no es lo que busco",
        "no ayuda en nada",
        "nada de eso me sirve",
        "no me ha servido",
        "no me ha ayudado",
        "no me has ayudado",
    ],
    "it": [
        "non mi aiuta",
        "non mi è stato utile",
        "non serve a niente",
        "non mi serve",
        "inutile",
        "non è quello che cerco",
        "non è quello che ho chiesto",
        "nessuno di questi",
        "non mi hai aiutato",
        "non è utile",
        "non serve a nulla",
        "nn mi aiuta",
        "non mi ha aiutato",
    ],
    "pt": [
        "nao ajudou",
        "não me ajudou",
        "isso nao ajuda",
        "não me serve",
        "nao serviu de nada",
        "não foi útil",
        "nada útil",
        "não é isso que eu preciso",
        "nao era isso que eu pedi",
        "nenhum desses",
        "nenhum destes",
        "inútil",
        "não adiantou nada",
        "nao é o que procuro",
    ],
    "de": [
        "hilft mir nicht",
        "das hilft nicht",
        "hat nicht geholfen",
        "nicht hilfreich",
        "bringt mir nichts",
        "das ist nicht was ich brauche",
        "das hab ich nicht gefragt",
        "keiner davon",
        "keins davon passt",
        "nutzlos",
        "bringt nix",
        "hilft nix",
        "nicht das was ich suche",
        "unnütz",
    ],
    "tr": [
        "işime yaramadı",
        "ise yaramadi",
        "yardımcı olmadı",
        "yardimci olmadi",
        "faydası yok",
        "hiç faydası olmadı",
        "bu işime yaramaz",
        "istediğim bu değil",
        "bunu sormadım",
        "bunların hiçbiri",
        "hicbiri ise yaramaz",
        "işe yaramaz",
        "aradığım bu değil",
        "hic yardimci olmadin",
    ],
    "uk": [
        "це не допомогло",
        "не допомогло",
        "не допомагає",
        "нічим не допомогли",
        "не корисно",
        "марно",
        "це не те що мені треба",
        "я не це питала",
        "я не про це питав",
        "жоден з цих",
        "жоден не підходить",
        "не помогло",
        "толку нема",
        "нічого з цього не підходить",
    ],
    "fa": [
        "کمکی نکرد",
        "کمکم نکرد",
        "به دردم نخورد",
        "به درد نمیخوره",
        "فایده نداشت",
        "این اون چیزی نیست که میخوام",
        "اینو نپرسیدم",
        "هیچ کدوم از اینا",
        "بی فایده ست",
        "بدرد نخور بود",
        "komak nakard",
        "be dardam nakhord",
        "faide nadasht",
        "hichkodoom be dard nemikhore",
        "هیچکدام کمک نکرد",
        "فایده ای نداشت",
    ],
    "ar": [
        "ما ساعدني",
        "ما فادني",
        "مش مفيد",
        "ما نفعني",
        "هذا مش اللي بدي ياه",
        "مش هذا اللي طلبته",
        "ولا واحد منهم",
        "ما عاونيش",
        "لم يساعدني",
        "ماشي هادشي لي بغيت",
        "ma sa3adni",
        "mesh mofid",
        "ma fadni",
        "mafadnich",
        "ma3awnetnich",
        "mashi hadchi li bghit",
        "mesh da elli ana 3ayzo",
        "ma fi fayde",
        "wala wa7ed menhom",
        "ما نفعنيش",
        "ma nf3nich",
        "manf3nich",
        "ma nfa3nich",
        "ma 3awnnich",
        "walo ma fadni",
        "ما استفدت",
        "ما استفدتش",
    ],
}
# How people ask whether the services of the list cost something, as they type it.
_FREE: dict[str, list[str]] = {
    "en": [
        "is it free",
        "free?",
        "r they free?",
        "do i have to pay",
        "do i need to pay",
        "how much does it cost",
        "is there a cost",
        "any fee?",
        "does it cost money",
        "is it free of charge",
        "do they charge",
        "cost anything?",
        "how much is it",
        "is it paid",
        "must i pay?",
        "free or paid?",
    ],
    "fr": [
        "c gratuit?",
        "c'est gratuit",
        "est ce que c gratuit",
        "gratuit?",
        "faut payer?",
        "il faut payer",
        "je dois payer?",
        "c payant?",
        "ca coute combien",
        "ça coûte quelque chose",
        "c gratuit ou pas",
        "on paye?",
        "cest payant ou gratuit",
        "y a des frais?",
        "ya rien a payer?",
        "c'est gratos?",
        "gratuite",
        "gratuits",
        "combien ça coûte",
        "c'est combien",
    ],
    "es": [
        "es gratis?",
        "gratis?",
        "es gratuito",
        "hay que pagar?",
        "tengo que pagar",
        "cuanto cuesta",
        "cuesta dinero?",
        "se paga?",
        "es de pago?",
        "cobran algo?",
        "cuanto cobran",
        "no hay que pagar?",
        "es gratis o no",
        "tiene costo?",
        "hay q pagar algo",
        "sale gratis?",
    ],
    "it": [
        "è gratis?",
        "e gratis",
        "gratuito?",
        "si paga?",
        "devo pagare?",
        "bisogna pagare",
        "quanto costa",
        "costa qualcosa?",
        "è a pagamento?",
        "e gratuito o no",
        "ci sono costi?",
        "si deve pagare?",
        "quanto si paga",
        "nn si paga vero?",
        "serve pagare?",
        "gratuiti",
        "gratuite",
    ],
    "pt": [
        "é gratis?",
        "e de graça?",
        "é gratuito",
        "tem que pagar?",
        "preciso pagar?",
        "quanto custa",
        "custa alguma coisa?",
        "é pago?",
        "cobra alguma coisa?",
        "tem custo?",
        "é de graca ou pago",
        "tenho q pagar",
        "sai de graça?",
        "precisa pagar algo",
        "gratuitos",
        "gratuitas",
        "de graca",
    ],
    "de": [
        "ist das kostenlos",
        "kostenlos?",
        "ist es umsonst",
        "muss ich zahlen?",
        "muss ich was bezahlen",
        "was kostet das",
        "kostet das was?",
        "wie viel kostet es",
        "ist das gratis",
        "kostet es geld?",
        "gibt es gebühren?",
        "ist das kostenpflichtig",
        "umsonst?",
        "muss man bezahlen",
        "was muss ich zahlen",
        "is das kostenlos",
        # What is free, as much as whether it is ("nur kostenlose" under Vienna's doctors put
        # those saying "kostenlos" first, the paid ones still in the list).
        "kostenlose",
        "kostenlosen",
        "gratis",
        "wie viel kostet",
        "wieviel kostet",
        "was kostet",
    ],
    "tr": [
        "ücretsiz mi?",
        "ucretsiz mi",
        "bedava mı",
        "bedavami",
        "para ödüyor muyum",
        "para var mi",
        "ücretli mi?",
        "kaç para",
        "ne kadar tutuyor",
        "fiyatı ne",
        "para vermem gerekiyor mu",
        "odeme var mi",
        "parali mi",
        "para lazim mi",
        "bedava mi acaba",
        "ücret alıyorlar mı",
        "ucret var mi",
        "bedava",
        "ucretsiz",
        "parasiz",
        "kaç para",
        "ne kadar para",
        "ücreti ne kadar",
        "fiyatı ne kadar",
    ],
    "uk": [
        "це безкоштовно?",
        "безкоштовно?",
        "треба платити?",
        "скільки коштує",
        "чи платно",
        "це платно?",
        "это бесплатно?",
        "бесплатно?",
        "надо платить?",
        "сколько стоит",
        "платно?",
        "tse bezkoshtovno?",
        "bezkoshtovno?",
        "treba platyty?",
        "skilky koshtuye",
        "eto besplatno",
        # What is free, as much as whether it is ("а є щось безкоштовне?" under a list got
        # "Sorry, I did not understand").
        "безкоштовне",
        "безкоштовні",
        "безкоштовна",
        "безплатно",
        "бесплатное",
        "бесплатные",
        "бесплатная",
    ],
    "fa": [
        "رایگانه؟",
        "مجانیه؟",
        "پول میخواد؟",
        "باید پول بدم؟",
        "چقدر میشه",
        "هزینه داره؟",
        "رایگان است؟",
        "پولیه؟",
        "قیمتش چنده",
        "مفت است؟",
        "پول میگیرن؟",
        "چند پول است",
        "rayegane?",
        "majanie?",
        "pool mikhad?",
        "bayad pool bedam?",
        "chand mishe",
        "rayegan",
        "رایگان",
        "مجانی",
        # Dari says "fee" ("فیس دارد؟" under Vienna's schools got "Sorry, I did not understand").
        "فیس دارد",
        "فیس داره",
        "fees dara",
    ],
    "ar": [
        "هل هو مجاني؟",
        "مجاني؟",
        "ببلاش؟",
        "لازم ادفع؟",
        "بقديش",
        "بكام",
        "واش فابور",
        "واش بالخلاص",
        "بفلوس؟",
        "هل يجب الدفع",
        "بالمجان؟",
        "wach fabor",
        "majani?",
        "bi balash?",
        "lazem edfa3?",
        "b2adesh",
        # Maghrebi and Levantine, as typed on a phone (a QA pass: "aya wa7ad mjane?" got
        # another topic's list, "9adech soum?" was not understood).
        "mjane",
        "mjani",
        "majjani",
        "bbalash",
        "bla flous",
        "fabor",
        "9adech",
        "b9adech",
        "bch7al",
        "بقداش",
        "قداش",
        "كم تكلف",
        "كم التكلفة",
        "كم السعر",
        "كم سعرها",
        "قديش بتكلف",
        "قديش السعر",
        "قديش حقها",
        "بشحال",
        "ch7al",
        "chhal",
        "9addech",
    ],
}
# How people ask which of them is open now, or today.
_OPEN: dict[str, list[str]] = {
    "en": [
        "open now?",
        "which one is open now",
        "is it open today",
        "anyone open now?",
        "still open?",
        "who is open today",
        "are they open now",
        "open today?",
        "what's open right now",
        "any open at this hour",
        "which are open today",
        "is any open now",
        "open rn?",
        "r they open now",
        "still open at this time",
    ],
    "fr": [
        "ouvert",
        "ouverts",
        "ouverte",
        "ouvert aujourd hui",
        "c ouvert maintenant",
        "ouvert maintenant?",
        "lequel est ouvert",
        "c ouvert aujourd'hui?",
        "encore ouvert?",
        "qui est ouvert maintenant",
        "y en a un ouvert?",
        "ouvert aujourdhui?",
        "encore ouvert a cette heure",
        "ils sont ouverts?",
        "c ouvert la?",
        "lesquels sont ouverts",
        "ouvert ce soir?",
        "il est ouvert maintenant",
    ],
    "es": [
        "abierto",
        "abiertos",
        "esta abierto ahora?",
        "abierto ahora?",
        "cual esta abierto",
        "cuales abren hoy",
        "sigue abierto?",
        "hay alguno abierto?",
        "abren hoy?",
        "esta abierto hoy",
        "quien esta abierto ahora",
        "abierto a esta hora?",
        "estan abiertos ya?",
        "todavia abierto?",
        "cual abre ahora",
        "ahora esta abierto?",
    ],
    "it": [
        "aperto",
        "aperti",
        "è aperto ora?",
        "aperto adesso?",
        "quale è aperto",
        "sono aperti oggi?",
        "ancora aperto?",
        "c'è qualcuno aperto?",
        "aperto oggi?",
        "e aperto adesso",
        "quali sono aperti ora",
        "aperto a quest'ora?",
        "apre oggi?",
        "qualcuno è aperto adesso",
        "è ancora aperto?",
        "sn aperti ora?",
    ],
    "pt": [
        "aberto",
        "abertos",
        "está aberto agora?",
        "aberto agora?",
        "qual está aberto",
        "abre hoje?",
        "ainda aberto?",
        "tem algum aberto?",
        "ta aberto hoje",
        "quais estao abertos agora",
        "aberto a essa hora?",
        "ainda ta aberto?",
        "qual abre hoje",
        "tá aberto agora",
        "estão abertos hoje?",
    ],
    "de": [
        "offen",
        "geöffnet",
        "jetzt offen?",
        "ist das jetzt offen",
        "welcher hat jetzt offen",
        "heute geöffnet?",
        "noch offen?",
        "hat heute jemand auf",
        "wer hat jetzt auf",
        "ist gerade offen?",
        "haben die heute auf",
        "welche sind heute offen",
        "noch geöffnet um diese zeit",
        "hat noch was offen",
        "jetzt geöffnet?",
        "sind die noch offen",
    ],
    "tr": [
        "açık mı",
        "acik mi",
        "şimdi açık mı",
        "simdi acik mi",
        "hangisi açık",
        "bugün açık mı?",
        "hala açık mı",
        "acik olan var mi",
        "su an acik mi",
        "hangisi simdi acik",
        "bugun acik mi",
        "bu saatte açık mı",
        "açık olan hangisi",
        "hala acikmi",
        "şu an açıklar mı",
        "açık mı şimdi",
        # Asked without "mı" as often (a QA pass: "hangisi bugün açık?" was not understood).
        "bugün açık",
        "şimdi açık",
        "hangileri açık",
        "açık olanlar",
    ],
    "uk": [
        "відкрито",
        "открыто",
        "зараз відкрито?",
        "хто зараз працює",
        "що відкрито сьогодні",
        "ще відкрито?",
        "сьогодні працюють?",
        "який зараз відкритий",
        "сейчас открыто?",
        "кто сейчас работает",
        "сегодня открыто?",
        "еще работают?",
        "что открыто сейчас",
        "zaraz vidkryto?",
        "shcho pratsyuye zaraz",
        "sogodni pratsyuyut?",
        "shche vidkryto?",
        "працює зараз",
        "зараз працює",
        "працюють зараз",
        "работает сейчас",
        "сейчас работает",
        "pratsyuye zaraz",
        # Which are open, as much as whether it is ("які відкриті зараз" under a list only
        # put first the services whose words say "open").
        "відкриті",
        "відкритий",
        "відкрита",
        "відчинено",
        "відчинені",
        "открыты",
        "открытые",
        "vidkryti",
    ],
    "fa": [
        "بازه",
        "الان بازه؟",
        "کدوم الان بازه",
        "امروز بازه؟",
        "هنوز بازه؟",
        "کدوم باز است",
        "الان باز است؟",
        "این ساعت باز هستن؟",
        "امروز کار میکنن؟",
        "کدومش بازه",
        "هنوز باز هستن",
        "alan baze?",
        "kodom baze",
        "emruz baze?",
        "hanuz baze?",
        # Dari ("حالی باز است؟" got the list again, another service first).
        "حالی باز است",
        "حالا باز است",
        "حالی باز هست",
        "hali baz ast",
    ],
    "ar": [
        "مفتوح",
        "فاتح",
        "في شي مفتوح هلق",
        "مفتوح الآن؟",
        "هل هو مفتوح الان",
        "شو مفتوح هلأ",
        "فاتح دلوقتي؟",
        "مين فاتح النهاردة",
        "واش محلول دابا",
        "شكون محلول اليوم",
        "محلول توا؟",
        "مازال مفتوح؟",
        "ايهم مفتوح اليوم",
        "مفتوح في هذه الساعة؟",
        "wach m7lol daba",
        "maftou7 daba?",
        "fat7a delwa2ti?",
        "fi shi maftou7 halla2",
        # One word is asked as often, spelled as it sounds ("wach ma7lol daba" was not
        # understood).
        "m7lol",
        "ma7lol",
        "m7loul",
        "ma7loul",
        "maftou7",
        "maftu7",
        "mafto7",
        "fat7in",
        # Levantine, as it sounds there ("fete7 halla2?" got "Hello! What do you need?").
        "fete7",
        "fate7",
        "fet7a",
        "fat7a",
        "fet7in",
        "maftoo7",
        "meftou7",
        # Tunisian ("7al tawa?" got "Sorry, I did not understand").
        "7al tawa",
        "7alin tawa",
        "m7loul tawa",
        "ma7loul tawa",
    ],
}
# How people ask for the rest of the list instead of pressing "More results": a word or
# three, the whole message ("más", "more please", "بیشتر").
_MORE = {
    "en": ["more", "more please", "show more", "next page", "any more", "others"],
    "fr": ["plus", "encore", "la suite", "voir plus", "d'autres", "les autres"],
    "es": ["más", "ver más", "hay más", "más por favor", "siguiente", "otros"],
    "it": ["altri", "ancora", "di più", "mostra altri", "avanti"],
    "pt": ["mais", "ver mais", "tem mais", "outros", "próximos"],
    "de": ["mehr", "weiter", "weitere", "noch mehr", "nächste seite"],
    "tr": ["daha fazla", "devamı", "devam", "diğerleri", "sonraki", "daha var mı"],
    "uk": ["ще", "більше", "далі", "інші", "ещё", "покажи ще"],
    "fa": ["بیشتر", "بقیه", "بعدی", "بازم", "bishtar", "baghie"],
    "ar": [
        "المزيد",
        "كمان",
        "اكثر",
        "الباقي",
        "التالي",
        "فما اكثر",
        "zid",
        "kaman",
        "lba9i",
        "ktar",
        "fama ekther",
        "famma ekther",
        "ekther",
        "akther",
    ],
}
MORE = Phrasebook(_MORE, most_words=3)
# How people doubt a fact just shown, as they type it: the whole message, since these words
# are in needs too ("I really need help", "wallah I have no money"). A word said mostly to agree
# ("true", "sure", "vrai", "درسته") is left out: agreeing is not asking. Asking for the source
# ("quelle?") and calling the fact false ("non è vero", "eso es mentira") get the source too.
_DOUBT: dict[str, list[str]] = {
    "en": [
        "is that true",
        "is it true",
        "is this true",
        "is that really true",
        "is it really true",
        "really",
        "really really",
        "really true",
        "for real",
        "seriously",
        "are you sure",
        "r u sure",
        "is that right",
        "is that so",
        "how do you know",
        "who says",
        "says who",
        "source",
        "sources",
        "what is the source",
        "not true",
        "that's not true",
        "that's a lie",
        "it's a lie",
        "fake",
    ],
    "fr": [
        "c'est vrai",
        "cest vrai",
        "c vrai",
        "c'est vrai ça",
        "est ce vrai",
        "est ce que c'est vrai",
        "c'est vraiment vrai",
        "vraiment",
        "sérieux",
        "sérieusement",
        "t'es sûr",
        "vous êtes sûr",
        "ah bon",
        "c'est sûr ça",
        "comment vous savez",
        "source",
        "quelle source",
        "c'est faux",
        "pas vrai",
        "c'est pas vrai",
        "n'importe quoi",
        "mensonge",
    ],
    "es": [
        "en serio",
        "de verdad",
        "es verdad",
        "es cierto",
        "eso es verdad",
        "eso es cierto",
        "es en serio",
        "de veras",
        "estas seguro",
        "está seguro",
        "en serio es verdad",
        "neta",
        "posta",
        "fuente",
        "cuál es la fuente",
        "no es verdad",
        "eso no es verdad",
        "es mentira",
        "eso es mentira",
        "mentira",
        "falso",
    ],
    "it": [
        "davvero",
        "ma davvero",
        "è vero",
        "ma è vero",
        "è proprio vero",
        "sul serio",
        "veramente",
        "seriamente",
        "sei sicuro",
        "ne sei sicuro",
        "è così",
        "fonte",
        "qual è la fonte",
        "non è vero",
        "è falso",
        "falso",
        "è una bugia",
        "bugia",
    ],
    "pt": [
        "sério",
        "é sério",
        "a sério",
        "sério mesmo",
        "é verdade",
        "isso é verdade",
        "de verdade",
        "é mesmo",
        "mesmo",
        "tem certeza",
        "jura",
        "serio isso",
        "fonte",
        "qual é a fonte",
        "não é verdade",
        "é mentira",
        "mentira",
        "falso",
    ],
    "de": [
        "wirklich",
        "echt",
        "echt jetzt",
        "im ernst",
        "ernsthaft",
        "stimmt das",
        "stimmt das wirklich",
        "ist das wahr",
        "ist das so",
        "ist das wirklich so",
        "wirklich wahr",
        "sind sie sicher",
        "bist du sicher",
        "quelle",
        "welche quelle",
        "das stimmt nicht",
        "stimmt nicht",
        "quatsch",
        "das ist gelogen",
        "lüge",
        "falsch",
    ],
    "tr": [
        "gerçekten mi",
        "gercekten mi",
        "gerçekten",
        "doğru mu",
        "bu doğru mu",
        "sahi mi",
        "sahiden mi",
        "ciddi mi",
        "ciddi misin",
        "cidden mi",
        "cidden",
        "gerçek mi",
        "emin misin",
        "emin misiniz",
        "kaynak",
        "kaynağı ne",
        "yalan",
        "bu yalan",
        "doğru değil",
    ],
    "uk": [
        "правда",
        "це правда",
        "справді",
        "серйозно",
        "невже",
        "це так",
        "ви впевнені",
        "точно правда",
        "это правда",
        "серьезно",
        "действительно",
        "реально",
        "pravda",
        "tse pravda",
        "spravdi",
        "serjozno",
        "джерело",
        "яке джерело",
        "неправда",
        "це неправда",
        "брехня",
        "источник",
        "это неправда",
    ],
    "fa": [
        "واقعا",
        "واقعا راسته",
        "واقعا راست میگی",
        "راسته",
        "راست میگی",
        "جدی",
        "جدی میگی",
        "مطمئنی",
        "مطمئن هستید",
        "حقیقت داره",
        "vaghean",
        "vaghan",
        "vaqean",
        "jedi",
        "jeddi",
        "rast migi",
        "raste",
        "motmaeni",
        "منبع",
        "منبعش چیه",
        "دروغه",
        "دروغ",
        "درست نیست",
    ],
    "ar": [
        "صحيح",
        "هل هذا صحيح",
        "بجد",
        "عن جد",
        "بالجد",
        "والله",
        "حقا",
        "فعلا",
        "معقول",
        "متأكد",
        "واش بصح",
        "واش صحيح",
        "wallah",
        "wallahi",
        "walla",
        "bi jad",
        "bjad",
        "bjd",
        "3an jad",
        "3n jd",
        "begad",
        "bgad",
        "sa7i7",
        "sahih",
        "m3a2ool",
        "ma32ool",
        "fe3lan",
        "wach bsa7",
        "wach s7i7",
        "المصدر",
        "شو المصدر",
        "مش صحيح",
        "غير صحيح",
        "كذب",
        "هذا كذب",
    ],
}
DOUBT = Phrasebook(_DOUBT, most_words=5)
# "Is it free?" and "open now?" typed instead of pressing the list's 🆓 and 🕒 buttons.
FILTER_WORDS = 5
# When the services of the list open, asked of them all: the list without "open now", each
# card saying when it opens ("wann offnen sie" under "None of the services is open now" got
# the help text). Asked of one by its number, its card (`named_number`).
_WHEN_OPEN: dict[str, list[str]] = {
    "en": ["when do they open", "when does it open", "what time do they open",
           "what time does it open", "when are they open", "opening hours", "when open"],
    "fr": ["quand ca ouvre", "ca ouvre quand", "quand est ce que ca ouvre", "ils ouvrent quand",
           "a quelle heure ca ouvre", "a quelle heure ils ouvrent", "horaires", "quand ouvert"],
    "es": ["cuando abren", "cuando abre", "a que hora abren", "a que hora abre", "horario",
           "horarios"],
    "it": ["quando aprono", "quando apre", "a che ora aprono", "a che ora apre", "orari",
           "orario", "quando e aperto", "quando sono aperti"],
    "pt": ["quando abrem", "quando abre", "a que horas abre", "a que horas abrem",
           "que horas abre", "que horas abrem", "horario", "horarios"],
    "de": ["wann offnen", "wann offnet", "wann öffnen", "wann öffnet", "wann macht", "wann machen",
           "wann haben sie auf", "wann hat", "offnungszeiten", "öffnungszeiten", "wann offen"],
    "tr": ["ne zaman aciliyor", "ne zaman açılıyor", "ne zaman acilir", "ne zaman açılır",
           "kacta aciliyor", "kaçta açılıyor", "kacta acilir", "kaçta açılır", "calisma saatleri",
           "çalışma saatleri"],
    "uk": ["коли відкривається", "коли відкриваються", "коли відчиняється", "коли відчиняються",
           "о котрій відкривається", "о котрій відкриваються", "графік роботи", "когда открывается",
           "когда открываются", "когда откроется", "во сколько открывается", "koly vidkryvayetsya"],
    "fa": ["کی باز میشه", "کی باز می شود", "کی باز میشن", "چه ساعتی باز میشه", "ساعت کاری",
           "ki baz mishe", "saat kari"],
    "ar": ["امتى بيفتح", "إمتى بيفتح", "امتى يفتح", "متى يفتح", "متى تفتح", "متى يفتحون",
           "وقتاش يحل", "وقتاش كيحلو", "اوقات العمل", "أوقات العمل", "imta byefta7",
           "waqtach y7al"],
}  # fmt: skip
WHEN_OPEN = Phrasebook(_WHEN_OPEN, most_words=8)
# How to get to a service, or where it is, asked under its card alone ("the first one", then
# "how do I get there?"): the card again, which gives its address. The model read it as a
# need of transport, or understood nothing.
_WAY_THERE: dict[str, list[str]] = {
    "en": ["how do i get there", "how to get there", "how can i get there", "how do i go there",
           "how to go there", "how do i get to it", "where is it", "wheres it", "where is that",
           "whats the address", "what is the address", "directions"],
    "fr": ["comment y aller", "comment on y va", "comment j y vais", "comment s y rendre",
           "comment je fais pour y aller", "c est ou", "cest ou", "c ou", "ou c est", "ou cest",
           "quelle adresse", "c quoi l adresse"],
    "es": ["como llego", "como llegar", "como voy", "como se llega", "como llego alli",
           "como llego ahi", "donde esta", "donde queda", "cual es la direccion"],
    "it": ["come ci arrivo", "come arrivo", "come ci vado", "come arrivarci", "dove si trova",
           "dove e", "dov e", "dove sta", "qual e l indirizzo"],
    "pt": ["como chego", "como chego la", "como eu chego", "como ir", "como vou", "onde fica",
           "onde e", "qual o endereco", "qual e o endereco"],
    "de": ["wie komme ich hin", "wie komme ich dahin", "wie komme ich dorthin",
           "wie komme ich da hin", "wo ist das", "wo ist es", "welche adresse"],
    "tr": ["nasil giderim", "oraya nasil giderim", "nasil gidebilirim", "nasil gidilir",
           "nerede", "nerde", "neresi", "adresi ne", "adresi nedir", "adresi nerede"],
    "uk": ["як дістатися", "як туди дістатися", "як доїхати", "як туди доїхати", "як дійти",
           "де це", "яка адреса", "как добраться", "как туда добраться", "как доехать",
           "как дойти", "где это", "какой адрес"],
    "fa": ["چطوری برم", "چطور برم", "چطوری برسم", "چطور برسم", "چطوری میشه رفت", "کجاست",
           "کجا هست", "آدرس کجاست", "آدرسش کجاست", "آدرسش چیه", "chetori beram", "chetor beram",
           "chetori beresam", "kojast", "koja hast", "adresesh chie", "چطور بروم", "چطوری بروم",
           "چگونه بروم", "چگونه برسم", "chetor beravam"],
    "ar": ["كيف اوصل", "كيف بوصل", "كيف اروح", "كيفاش نوصل", "كيفاش نمشي", "وين هو", "وينو",
           "فين كاين", "فين هو", "شو العنوان", "اش هو العنوان", "ما هو العنوان", "kifach nwsel",
           "kifash nwsel", "kifach nwsal", "kif bousal", "kif bwasal", "fin kayn", "fin howa",
           "wino", "wen hu", "chno l3onwan", "kifech nemchi", "kifach nmchi", "kifech nousel",
           "kifech nwsel"],
}  # fmt: skip
# The word "address" alone, the whole message: in a sentence it may be a need ("I need a
# postal address", a service of Vienna's).
_ADDRESS_ALONE: dict[str, list[str]] = {
    "en": ["address", "the address"], "fr": ["adresse", "l adresse", "ladresse"],
    "es": ["direccion", "la direccion"], "it": ["indirizzo", "l indirizzo"],
    "pt": ["endereco", "morada", "a morada"], "de": ["adresse", "die adresse"],
    "tr": ["adres", "adresi"], "uk": ["адреса", "адрес"],
    "fa": ["آدرس", "آدرسش", "adres", "adresesh"], "ar": ["العنوان", "عنوان", "l3onwan", "3onwan"],
}  # fmt: skip
WAY_THERE = Phrasebook(_WAY_THERE, most_words=8)
ADDRESS_ALONE = Phrasebook(_ADDRESS_ALONE, most_words=2)


def way_there(text: str) -> bool:
    """Tell whether `text` asks how to get to a place, or its address."""
    return WAY_THERE.found(text) or ADDRESS_ALONE.said(text)


FREE = Phrasebook(_FREE, most_words=FILTER_WORDS)
OPEN = Phrasebook(_OPEN, most_words=FILTER_WORDS)
# A longer message is a need with such words in it ("none of these doctors speaks Arabic, I
# need one who does"): the model reads it.
MOST_WORDS = 10
NEAREST = Phrasebook(_NEAREST, most_words=MOST_WORDS)
NEAREST_ALONE = Phrasebook(_NEAREST_ALONE, most_words=MOST_WORDS)
NOT_HELPFUL = Phrasebook(_NOT_HELPFUL, most_words=MOST_WORDS)


def _under_a_list(turn: Turn, result: ParseResult) -> bool:
    """Tell whether a list is on screen and no danger is read in the message."""
    state = turn.state
    if state.category is None or state.city is None:
        return False
    return not (result.intent == EMERGENCY or result.danger or result.need is not None)


def _about_the_list(turn: Turn, result: ParseResult) -> bool:
    """Tell whether the message can be about the list on screen: there is one, no danger is
    read in it, and the model reads no other topic in it with confidence."""
    if not _under_a_list(turn, result):
        return False
    category = Category.from_intent(result.intent)
    return (
        category is None or category.value == turn.state.category or result.confidence < CONFIDENT
    )


def _myth_told(text: str, result: ParseResult) -> bool:
    """Tell whether a message under a list tells a myth rather than asks about the list: the
    model reads a myth, sure of it or with a myth's words in the message ("fluchtlinge
    bekommen alles umsonst", refugees get everything for free, got "None of the free services
    is open now"). "Gibt es kostenlose Wohnungen?" under the housing list is the model's
    housing, and free only."""
    if result.intent != myths.RUMOUR:
        return False
    return result.confidence >= CONFIDENT or bool(myth_words.myths_named(text))


# The model this sure of another topic, in a message that says more than "free?" or "open
# now?", asks for that topic: "а де вчать німецьку безкоштовно?" (where do they teach German
# for free?) under Vienna's jobs got the free jobs, the model sure of schooling (0.98) in
# words of no topic's list. The filter alone, the model reads topics into at up to 0.80.
SURE_OF_ANOTHER = 0.95


def _filter_asked(turn: Turn, text: str, result: ParseResult | None = None) -> str | None:
    """Return the list's filter a message asks for ("is it free?": "free", "open now?":
    "open"), unless a word in it names another topic ("is the food bank free?"), or the
    model is sure of another topic in more words than the filter's."""
    which = "free" if FREE.found(text) else "open" if OPEN.found(text) else None
    if which is None or topic_words.topics_named(text) - {f"find_{turn.state.category}"}:
        return None
    if result is not None and result.confidence >= SURE_OF_ANOTHER:
        category = Category.from_intent(result.intent)
        alone = FREE.said(text) or OPEN.said(text)
        if category is not None and category.value != turn.state.category and not alone:
            return None
    return which


def _about_one(text: str) -> bool:
    """Tell whether `text` asks what one service's card says: open now, free, where it is or
    how to get there. "When do they open?" asks it of the list (WHEN_OPEN)."""
    return OPEN.found(text) or FREE.found(text) or way_there(text)


async def doubted(turn: Turn) -> Reply | None:
    """Answer "is that true?" typed right under a fact with the fact's source, where to read
    it; None for anything else, or when no fact was the answer before."""
    if turn.after_fact is None or not DOUBT.said(turn.message.text):
        return None
    return await myths.show_source(turn, turn.after_fact)


async def answer(turn: Turn, result: ParseResult) -> Reply | None:
    """Answer a follow-up about the list or the fact on screen, or return None for anything
    else."""
    text = turn.message.text
    calm = result.intent != EMERGENCY and not result.danger
    if calm and (source := await doubted(turn)) is not None:
        return source
    if not _under_a_list(turn, result) or _myth_told(text, result):
        return None
    # A service of the list asked about by its number ("when does number 2 open?") or its
    # place ("where is the second one") got "I did not understand": its card again, which
    # says it. A place named is about the list even where the model is sure of another
    # topic ("a qué hora abre el primero": transport, under doctors), unless a word names it.
    words = len(normalised(text).split())
    other_topic = bool(topic_words.topics_named(text) - {f"find_{turn.state.category}"})
    if words <= MOST_WORDS:
        number = named_number(text) if _about_the_list(turn, result) else None
        if number is None and not other_topic:
            number = choice_typed.ordinal_named(text)
        if number is not None and (card := await directory.numbered(turn, number)) is not None:
            return card
        # Days named ("et le week-end ?", "am Samstag?") got the services their words
        # matched, or another topic: those open on one of the days first.
        if not other_topic and (days := await directory.on_days(turn)) is not None:
            return days
    # Its card says whether it is open now, whether it is free, and where it is.
    about_one = turn.after_card and not other_topic and _about_one(text)
    if about_one and (card := await directory.numbered(turn, turn.after_card)) is not None:
        return card
    # "is any of them open tonight?" under Madrid's shelters got the same list again, and
    # "open tonight?" the list narrowed to those open in the afternoon it was asked in.
    tonight = words <= MOST_WORDS and not other_topic
    if tonight and (night := await directory.tonight(turn)) is not None:
        return night
    nearest = NEAREST.found(text) or NEAREST_ALONE.said(text)
    if way_there(text) and not topic_words.topics_named(text) and not nearest:
        # Not "fin kayn tbib?" (where is there a doctor?) under doctors: a question of its own;
        # nor "onde fica o mais perto?", which asks which one is the nearest.
        return await _way_there(turn)
    if WHEN_OPEN.found(text) and not other_topic:
        return await directory.narrowed(turn, "open", on=False)
    # The list's own buttons typed. The model, which has no intent for them, reads a topic
    # into them as often as not ("et ouvert aujourd hui?": food, 0.80), so a word of
    # another topic decides, not the model.
    if (which := _filter_asked(turn, text, result)) is not None:
        return await directory.narrowed(turn, which, on=True)
    if not _about_the_list(turn, result):
        return None
    if nearest:
        return _nearest(turn)
    if NOT_HELPFUL.found(text):
        return await _not_helpful(turn)
    if MORE.found(text):
        if turn.state.nearest_first and turn.state.category:
            return _more_near(turn, Category(turn.state.category))
        return await directory.more(turn)
    if other_topic:
        # A need of another topic in words the model did not read ("bnti lazmha tmchi
        # l9raya", my daughter has to go to school) got the list on screen again.
        return await _other_need(turn, result)
    if words <= MOST_WORDS:
        # A district named under the list ("w f lavapies?") got "I did not understand", and
        # so did words for some of its services ("а для дітей?", "and for children?").
        if (district := await directory.in_district(turn, result)) is not None:
            return district
        return await directory.pointed_under(turn, result)
    return None


async def _other_need(turn: Turn, result: ParseResult) -> Reply | None:
    """The list of the one other topic a message's words name, where the model is unsure
    of it; None otherwise (answered as the model reads it)."""
    named = topic_words.topics_named(turn.message.text) - {f"find_{turn.state.category}"}
    topic = Category.from_intent(named.pop()) if len(named) == 1 else None
    if topic is None or (result.confidence >= CONFIDENT and not result.choices):
        return None
    return await directory.find(turn, topic, result, f"find_{topic.value}")


async def beside_numbers(turn: Turn, result: ParseResult) -> Reply | None:
    """Answer one of the list's own buttons typed in a message that only the model reads as
    an emergency ("acik mi simdi", "open now?" in Turkish: 0.69), to follow the numbers; None
    for anything else. A word of danger, or a need beside the emergency, is answered as ever."""
    if result.intent != EMERGENCY or result.danger or result.need is not None:
        return None
    if turn.state.category is None or turn.state.city is None:
        return None
    which = _filter_asked(turn, turn.message.text)
    return None if which is None else await directory.narrowed(turn, which, on=True)


async def numbered(turn: Turn) -> Reply | None:
    """Answer a bare number typed under a list of services ("2", "۲", "the second"), as
    people answer a numbered list: that service's card again, from any page of the list (its
    number scrolled away on a small screen). Under a list nearest first, the numbers of its
    page only, which are in it. None when the list has no such number."""
    state = turn.state
    number = typed_number(turn.message.text) or choice_typed.ordinal(turn.message.text)
    if state.category is None or state.city is None or number is None:
        return None
    if (card := await directory.numbered(turn, number)) is not None:
        return card
    first = (max(state.page, 1) - 1) * directory.PAGE_SIZE + 1
    if not state.nearest_first or not first <= number < first + (
        state.listed or directory.PAGE_SIZE
    ):
        return None
    t = turn.t
    # Translators: the answer to a number typed under a numbered list of services.
    text = t.gettext(
        "Number {number} is in the list above, with its address, phone and opening hours. "
        "Need something else? Write it or choose a topic."
    ).format(number=number)
    return render.menu(t, turn.locale, text)


async def _way_there(turn: Turn) -> Reply:
    """Answer "how do I get there?" under a list: the card of its one service, or which one,
    by its number (the next message), since each card gives its address."""
    state = turn.state
    first = (max(state.page, 1) - 1) * directory.PAGE_SIZE + 1
    if state.listed == 1 and (card := await directory.numbered(turn, first)) is not None:
        return card
    t = turn.t
    # Translators: the answer to "how do I get there?" under a numbered list of services.
    text = t.gettext(
        "Each place's address is in the list, after 📍. Write the number of the one you want "
        "to go to, and I will show it alone."
    )
    return Reply(text, ((Button(t.gettext("Other topic"), "menu"),),), rtl=is_rtl(turn.locale))


def _nearest(turn: Turn) -> Reply:
    t = turn.t
    if turn.state.nearest_first:
        # The list came from a location sent: it is in order already. The point is not kept,
        # so the button is there to send it again from somewhere else.
        text = t.gettext(
            "The list is in order of distance from the location you sent: the first one is "
            "the nearest. Moved since? Send your location again."
        )
        button = t.gettext("📍 Send my location")
        return Reply(text, rtl=is_rtl(turn.locale), location_request=button)
    return render.location_request(t, turn.locale)


def _more_near(turn: Turn, category: Category) -> Reply:
    """Answer "more" under a list in order of distance, which has no next page (the point it
    came from is not kept): the topic's whole list in the city is a tap away."""
    t = turn.t
    # Translators: "more" typed under a list of the places nearest a location the person sent.
    text = t.gettext(
        "These are the nearest ones to the location you sent. For the whole list in the city, "
        "press the topic:"
    )
    rows = (
        (render.category_button(t, category),),
        (Button(t.gettext("Other topic"), "menu"),),
    )
    return Reply(text, rows, rtl=is_rtl(turn.locale))


async def _not_helpful(turn: Turn) -> Reply:
    """Count it as the list's 👎 (once a list) and offer what may help: a person, where an
    association answers the topic in the city, else other words or another topic."""
    t = turn.t
    await rate_results(turn, "down")
    if (offer := await person_offer(turn)) is not None:
        return offer
    text = t.gettext(
        "Sorry this did not help. Tell me in other words what you need, or choose another topic:"
    )
    return render.menu(t, turn.locale, text)


async def rate_results(turn: Turn, rating: usage.Feedback) -> None:
    """Count `rating` as the list on screen's (👍/👎 pressed, or said in words), once a list:
    rated again (the buttons stay in the chat), or with no list, it is not counted."""
    state = turn.state
    if state.category is None or state.rated_results:
        return
    state.rated_results = True
    await turn.record(
        "feedback", usage.FEEDBACK_OUTCOME, category=Category(state.category), feedback=rating
    )


async def person_offer(turn: Turn) -> Reply | None:
    """Offer a person after a list that did not help (said in words, or 👎 pressed), where an
    association answers the list's topic in its city; None where none does."""
    t, state = turn.t, turn.state
    if state.category is None or state.city is None:
        return None
    desks = await handoff.desks(turn.session, city_id=state.city, category=state.category)
    if not desks:
        return None
    text = t.gettext(
        "Sorry this did not help. A volunteer of an association can read your question and "
        "answer you: press 🙋 below."
    )
    rows = (
        (render.human_button(t),),
        (Button(t.gettext("Other topic"), "menu"),),
        (render.emergency_button(t),),
    )
    return Reply(text, rows, rtl=is_rtl(turn.locale))
