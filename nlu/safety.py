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
    "de": """notfall | notruf | krankenwagen | notarzt | ruf die rettung | blutet | blute |
        blutung | atmet nicht | keine luft | bewusstlos | ohnmächtig | ohnmaechtig | umbringen |
        umzubringen | bringt mich um | töten | selbstmord | suizid | nicht mehr leben |
        will sterben | vergewaltigt | angegriffen | greift mich an | schlägt mich | schlaegt mich |
        messer | waffe | es brennt | feuer | ertrinkt | herzinfarkt | entführt | entfuehrt |
        in gefahr | überdosis | gewürgt | gewuergt | eingesperrt | vermisst""",
    "fa": """اورژانس | آمبولانس | خونریزی | خون ریزی | نفس نمیکشه | نفس نمیکشد | نفسش بند | بیهوش |
        بیهوشه | از حال رفت | خودکشی | خودمو بکشم | خودم را بکشم | خودشو میکشه | منو بکشه |
        منو میکشه | میخوام بمیرم | نمیخوام زنده باشم | تجاوز | تعرض | چاقو | تفنگ | آتش سوزی |
        آتیش گرفته | آتش گرفته | غرق | سکته قلبی | ربودن | در خطر | کتکم | منو میزنه | گلومو |
        حمله میکنه | تشنج | تن فروشی | khodkoshi | ambulans | nafas nemikeshe | mano bokoshe |
        atish gerefte""",
    "uk": """викличте швидку | швидку негайно | швидку допомогу | скорую | кровотеча | кров'ю |
        не дихає | без свідомості | знепритомнів | знепритомніла | вбити | вб'є | убить |
        покінчити з собою | покінчить з собою | самогубство | суїцид | вмерти | не хочу жити |
        не хочу більше жити | зґвалтували | згвалтували | напали | нападають | б'є мене |
        мене б'є | ножем | пістолет | пожежа | пожар | горить | тоне | інфаркт | викрали |
        в небезпеці | рятуйте | задихається | душив | замкнули | shvydku""",
    "tr": """imdat | ambulans | acil durum | kanıyor | kaniyor | kan kaybediyorum | nefes almıyor |
        nefes almiyor | nefes alamıyor | bayıldı | bayildi | baygın | baygin | intihar |
        kendimi öldürmek | ölmek istiyorum | olmek istiyorum | yaşamak istemiyorum |
        beni öldürecek | öldürmekle tehdit | tecavüz | tecavüze | tecavuz | saldırıyor |
        saldırıya | bıçak | bıçaklandım | bicak | silah | yangın | yangin | boğuluyor |
        kalp krizi | kaçırdılar | tehlikedeyim | beni dövüyor | beni dovuyor | boğazımı |
        çocuk kayboldu | çocuğum kayboldu""",
    "es": """emergencia | socorro | ambulancia | sangrando | mucha sangre | no respira |
        no puede respirar | inconsciente | desmayado | se desmayo | se desmayó | matarme |
        me quiero matar | me quiere matar | me van a matar | no quiero vivir | suicidarme |
        suicidio | quitarme la vida | violar | violacion | violación | violada | me violaron |
        me pega | esta pegando | está pegando | estan pegando | apuñalaron | apunalaron |
        cuchillo | pistola | disparos | incendio | ahogando | hundiendo | convulsiones |
        infarto | secuestraron | en peligro""",
    "it": """emergenza | un'emergenza | ambulanza | un'ambulanza | l'ambulanza | aiutatemi subito |
        sanguina | sta sanguinando | perde sangue | non respira | non riesce a respirare |
        svenuto | svenuta | incosciente | privo di sensi | uccidermi | ammazzarmi |
        mi vuole uccidere | suicidarmi | togliermi la vita | non voglio più vivere |
        non voglio piu vivere | suicidio | stupro | violentata | mi picchia | picchiando |
        aggredendo | accoltellato | coltello | pistola | spari | incendio | annegando |
        soffocando | convulsioni | infarto | minaccia di morte | rapito | in pericolo""",
    "pt": """emergência | emergencia | socorro | ambulância | ambulancia | sangrando | a sangrar |
        muito sangue | não respira | nao respira | não consegue respirar | nao consegue respirar |
        desmaiou | me matar | matar-me | me suicidar | suicídio | suicidio | não quero mais viver |
        nao quero mais viver | estupro | estuprada | fui violada | me bate | bater-me | me batendo |
        surra | esfaqueado | esfaqueada | faca | tiros | incêndio | incendio | pegando fogo |
        afogando | a afogar | convulsões | ataque cardíaco | infarto | em perigo""",
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
