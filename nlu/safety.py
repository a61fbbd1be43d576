"""A safety net under the model: words that mean someone may be in danger right now.

The model can mistake a cry for help for something else, and Rasa can be down. Emergency
numbers cost nothing to show, so any of these words shows them first, whatever else the
message asks. The list is deliberately broad; it is matched on whole words after the same
normalisation the model uses.
"""

from __future__ import annotations

import re
import unicodedata

from nlu.normalize import normalize

_PHRASES = {
    "en": """emergency | ambulance | bleeding | not breathing | cant breathe | can't breathe |
        unconscious | passed out | kill me | killing me | trying to kill | going to kill |
        kill myself | suicide | rape | raped | attacked | attacking me | stabbed | knife |
        a gun | his gun | with a gun | gunshot | shot at | on fire | burning | drowning |
        overdose | heart attack | kidnapped | trafficked |
        beating me | hitting me | hurting me | in danger | dying | sos | help me now |
        fainted | collapsed in | has collapsed | he collapsed | she collapsed | not waking up |
        won't wake up | wont wake up | doesn't move | doesnt move | not moving anymore |
        he's not moving | she's not moving | having a seizure | convulsing | foam on his mouth |
        foam from his mouth | lips are blue | turning blue | going blue | isnt breathing |
        isn't breathing | stopped breathing | smell gas | smells like gas | smells of gas |
        smell of gas | gas leak | tent is burning | house is burning | building is burning |
        fire in the building | fire in the tent | fire in the camp | fire in our |
        smoke everywhere | people trapped | we are trapped | fell in the river |
        fell into the river | fell in the sea | fell into the sea | boat is sinking |
        taking water | people in the water | missing child | child is missing | son is missing |
        daughter is missing | boy is missing | girl is missing | kid is missing | baby is missing |
        lost my child | lost my son | lost my daughter | lost my kid | lost my baby |
        son disappeared | daughter disappeared | kid disappeared | child disappeared | end it all |
        end my life | want to end it | can't go on | cant go on | can't take it anymore |
        don't want to live | dont want to live | want to die | no reason to live |
        better off dead | take my own life | jump off | cut his wrist | cut my wrist |
        cut her wrist | sexually assaulted | sexual assault | forced himself | molested | raping |
        stabbed him | stabbed her | with a knife | beating him | beating her | beating us |
        beating my | strangling | choking me | he's choking | is choking | threatening to kill |
        threatens to kill | will kill me | kill us | want to kill me | took all my pills |
        whole box of pills | box of pills | too many pills | swallowed pills | poisoned |
        drank bleach | swallowed bleach | baby not breathing | giving birth now |
        giving birth right now | baby is coming | her water broke | waters broke | anaphylactic |
        anaphylaxis | face is swelling | throat is swelling | throat is closing |
        freezing to death | hypothermia | locked us in | locked me in | held captive |
        won't let me leave | wont let me leave | locked in the house | locked in a room |
        so much blood | lot of blood | losing blood""",
    "fr": """au secours | a l'aide | à l'aide | ambulance | samu | saigne | saigner |
        respire pas | respire plus | inconscient | inconsciente | me tuer | va me tuer |
        veut me tuer | me suicider | suicide | viol | violee | violée | agressé | agressée |
        agresse | me frappe | me bat | couteau | arme | incendie | au feu | se noie | noyade |
        overdose | crise cardiaque | enlevé | enlevée | en danger | va mourir | meurt |
        urgence vitale | c'est une urgence | s'est évanoui | s'est evanoui | s'est évanouie |
        s'est evanouie | évanoui | evanoui | perdu connaissance | se reveille pas |
        se réveille pas | se réveille plus | se reveille plus | ne respire plus | convulse |
        convulsions | crise d'épilepsie | crise d'epilepsie | sent le gaz | odeur de gaz |
        fuite de gaz | est en feu | sont en feu | pris feu | il y a le feu | prend feu |
        le feu a pris |
        tente brule | tente brûle | maison brule | maison brûle | immeuble brule | immeuble brûle |
        fumée partout | fumee partout | noyé | noyée | noye | noyee | tombé dans l'eau |
        tombe dans l'eau | tombé à l'eau | tombe a l'eau | prend l'eau | enfant perdu |
        perdu mon fils | perdu ma fille | perdu mon enfant | perdu mon bébé | perdu mon bebe |
        fils a disparu | fille a disparu | enfant a disparu | en finir | veux mourir |
        envie de mourir | plus envie de vivre | mettre fin à mes jours | mettre fin a mes jours |
        me foutre en l'air | agression sexuelle | agressée sexuellement | agressee sexuellement |
        m'agresser sexuellement | m'a violée | m'a violee | m'a violé | m'a viole |
        coup de couteau | coups de couteau | poignardé | poignardée | poignarde | me tape |
        m'étrangle | m'etrangle | l'étrangle | l'etrangle | menace de mort | menace de me tuer |
        boite de médicaments | boite de medicaments | boîte de médicaments | tous mes médicaments |
        eau de javel | empoisonné | empoisonnée | empoisonne | devient bleu | devient bleue |
        accouche maintenant | en train d'accoucher | perdu les eaux | poche des eaux |
        choc anaphylactique | visage gonfle | gorge gonfle | il étouffe | elle étouffe |
        il etouffe | elle etouffe | s'étouffe | s'etouffe | meurt de froid | hypothermie |
        enfermée | enfermee | enfermés | enfermes | séquestré | séquestrée | sequestre |
        sequestree | traite humaine |
        beaucoup de sang | l'eau de javel | bu de la javel""",
    "ar": """nejda | najda | nadjda | l'najda | el najda | 3tqoni | 3te9ouni | s3founi |
        اسعاف | الاسعاف | نجدة | النجدة | طوارئ | الطوارئ | يقتلني | قتلي | يقتلوني | قتل |
        ينزف | نزيف | تنزف | لا يتنفس | لا تتنفس | ما كيتنفسش | مغمي عليه | مغمي عليها |
        اغتصاب | اغتصبني | اغتصبوني | يضربني | يضربوني | سكين | حريق | يغرق | غرق | انتحار |
        نقتل راسي | اقتل نفسي | في خطر | يموت | تموت | خطفوني | خطف | اختطاف | ساعدوني بسرعة |
        3te9ni | 3tqouni | lisaf | l'is3af | is3af | kaymout | katmout | ghadi ymout |
        bghaw y9tlouni | y9telni | ktlni | l3afya |
        اغمي عليه | اغمي عليها | فاقد الوعي | فقد الوعي | غاب عليه الوعي | غاب عليها الوعي |
        ما بغاش يفيق | ما بغاتش تفيق | ما كيفيقش | ما عم يفيق | ما عم تفيق | ما عم يتنفس |
        ما عم تتنفس | ما يتنفسش | ما كتتنفسش | وقف تنفسه | نوبة صرع | زبد من تمه | زبد من فمه |
        ريحة الغاز | ريحة غاز | رائحة غاز | رائحة الغاز | تسرب الغاز | تسرب غاز | شعلات العافية |
        شعلات فيها العافية | شاعلة العافية | شعلت النار | النار شاعلة | عم تحترق | عم يحترق |
        تحترق | يحترق | الدخان معبي | غريق | كيغرق | عم يغرق | قاعد يغرق | يغرقو |
        الفلوكة دخلها الما | القارب يغرق | ضاعت بنتي | ضاع ابني | ضاع ولدي | ضيعت بنتي |
        ضيعت ولدي | ضيعت ابني | ولدي تودر | بنتي تودرات | ولدي تلف | بنتي تلفات | نقتل نفسي |
        بدي موت | بغيت نموت | ما بقيتش بغيت نعيش | ما بدي عيش | لا اريد ان اعيش | ما عاد فيني كمل |
        بدي خلص من حياتي | انهي حياتي | ننتحر | انتحر | اعتدى عليا جنسيا | اعتدى علي جنسيا |
        اعتداء جنسي | اغتصبها | اغتصبوها | طعنوه | طعنني | طعنوني | طعنه | جنوي | بالموس |
        عم يضربو | عم يضربني | عم يضربها | كيضربني | يخنقني | عم يخنقني | كيخنقني | يخنقها |
        غادي يقتلني | رح يقتلني | بدو يقتلني | هددني بالقتل | شرب دوا بزاف | علبة دوا كاملة |
        شربت جافيل | شرب جافيل | ولا زرق | صار ازرق | عم تولد | كتولد دابا | راهي تولد | تلد الان |
        نزل ماها | ينفخ وجهو | انتفخ وجهه | ما عم يقدر يتنفس | ميت من البرد | كيموت بالبرد |
        سكرو علينا | سدو علينا | سدو عليا | حبسونا | قفلوا علينا | الاتجار بالبشر | ma kaytnfsch |
        ma katnfsch | ma 3am yetnaffas | ma 3am yfi2 | ma bghach yfi9 | ghab 3lih | kayghre9 |
        3am yighra2 | 3am yeghra2 | l3afya f dar | 3am te7ter2 | 3am ye7ter2 | ri7t l gaz |
        ri7et el ghaz | wldi tlef | binti da3et | da3 ibni | bghit nmout | baddi mout | bde mout |
        ma baddi 3ish | n9tel rasi | bado y2telni | 7a y2telni | ghadi y9telni | kaydrebni |
        3am yedrobni | 3am ykhna2ni | kaykhne9ni | sakrou 3lina | 7absinni | 3am twalled |
        katwled daba |
        الدم كيسيل | dem kaysil | وجهو عم ينفخ""",
    "de": """notfall | notruf | krankenwagen | notarzt | ruf die rettung | rettung | rettungswagen |
        blutet | blute |
        blutung | atmet nicht | keine luft | bewusstlos | ohnmächtig | ohnmaechtig | umbringen |
        umzubringen | bringt mich um | töten | selbstmord | suizid | nicht mehr leben |
        will sterben | vergewaltigt | angegriffen | greift mich an | schlägt mich | schlaegt mich |
        messer | waffe | es brennt | feuer | ertrinkt | herzinfarkt | entführt | entfuehrt |
        in gefahr | überdosis | gewürgt | gewuergt | eingesperrt | vermisst |
        umgekippt | zusammengebrochen | wacht nicht auf | bewegt sich nicht mehr | krampfanfall |
        krampft | epileptischer anfall | schaum vorm mund | riecht nach gas | gasgeruch | gasleck |
        haus brennt | zelt brennt | wohnung brennt | küche brennt | kueche brennt | brennt es |
        in flammen | rauch überall | rauch ueberall | ertrunken | ertrinken | ins wasser gefallen |
        läuft voll wasser | laeuft voll wasser | boot sinkt | kind verschwunden |
        kind ist verschwunden | sohn ist verschwunden | tochter ist verschwunden | kind ist weg |
        sohn ist weg | tochter ist weg | meine tochter verloren | meinen sohn verloren |
        mein kind verloren | nicht mehr weiterleben | will nicht mehr leben |
        kann nicht mehr weiter | alles beenden | dass alles aufhört | mich umbringen |
        sexuell missbraucht | sexuell belästigt | sexuell angegriffen | vergewaltigung |
        messer gestochen | niedergestochen | messerstecherei | zusammengeschlagen | schlagen ihn |
        schlagen mich | würgt mich | wuergt mich | erwürgt | erwuergt | droht mich umzubringen |
        tabletten geschluckt | packung tabletten | alle tabletten | vergiftet |
        putzmittel getrunken | wird blau | läuft blau an | bekommt gerade das baby |
        baby kommt jetzt | baby kommt schon | kind kommt schon | fruchtblase geplatzt |
        gesicht schwillt | hals schwillt | zunge schwillt | allergischer schock | anaphylaktisch |
        erfriert | erfrieren | unterkühlt | unterkuehlt | werden festgehalten |
        werde festgehalten | menschenhandel |
        überall nach gas | ueberall nach gas | stark nach gas | so viel blut |
        viel blut verloren | schlagen meinen freund | schlagen meinen bruder |
        bringt mich heute nacht um | bringt mich heute um""",
    "fa": """اورژانس | آمبولانس | خونریزی | خون ریزی | نفس نمیکشه | نفس نمیکشد | نفسش بند | بیهوش |
        بیهوشه | از حال رفت | خودکشی | خودمو بکشم | خودم را بکشم | خودشو میکشه | منو بکشه |
        منو میکشه | میخوام بمیرم | نمیخوام زنده باشم | تجاوز | تعرض | چاقو | تفنگ | آتش سوزی |
        آتیش گرفته | آتش گرفته | غرق | سکته قلبی | ربودن | در خطر | کتکم | منو میزنه | گلومو |
        حمله میکنه | تشنج | تن فروشی | khodkoshi | ambulans | nafas nemikeshe | mano bokoshe |
        atish gerefte |
        غش کرده | غش کرد | از هوش رفته | به هوش نمیاد | بهوش نمیاد | کف از دهنش | از دهنش کف |
        بوی گاز | نشت گاز | گاز نشت | آتیش گرفت | آتش گرفت | داره میسوزه | خونه میسوزه |
        چادر میسوزه | دود همه جا | غرق شد | غرق میشه | داره غرق | افتاد تو آب | قایق آب |
        بچه گم شده | بچم گم | پسرم گم | دخترم گم | میخوام تمومش کنم | همه چی رو تموم کنم |
        دیگه نمیکشم | میخوام بمیرم | نمیخوام زندگی کنم | تجاوز کرد | بهم تجاوز | آزار جنسی |
        چاقو زد | چاقو زدن | با چاقو | کتک میزنن | کتکش میزنن | دارن میزنن | خفم میکنه | داره خفم |
        میکشمت | منو میکشه | تهدید به مرگ | تهدید به قتل | قرص خورده | بسته قرص | مسموم شده |
        وایتکس خورده | داره کبود | کبود میشه | داره زایمان | کیسه آبش پاره | کیسه آب پاره |
        صورتش باد کرده | شوک آلرژی | داره یخ میزنه | سرمازدگی | زندانی کردن | حبس کردن |
        حبسمون کردن | قاچاق انسان | ghash karde | az hoosh rafte | be hoosh nemiad |
        nafas nemikesheh | dare misooze | atish gereft | gharq shod | dare gharq mishe |
        bacham gom shode | pesaram gom shode | dokhtaram gom shode | mikham bemiram |
        mikham khodamo bokosham | nemikham zendegi konam | tajavoz kard | chaghoo zad |
        ba chaghoo | mano mizane | mano mikoshe | khafam mikone | ghors khorde |
        dare zayman mikone | habs kardan | komak fori |
        خون میره | خون میاد | قایق داره آب | با چوب میزنن""",
    "uk": """ryatuyte | riatuite | ratuyte | ratujte | ryatujte | rjatujte | vyklychte shvydku |
        shvydka dopomoha | pozhezha | ne dykhaye | ne dykhaie | ne dyhaye | vbyty mene |
        vbye mene | b'ye mene | bye mene | zghvaltuvav | zgvaltuvav |
        викличте швидку | швидку негайно | швидку допомогу | скорую | кровотеча | кров'ю |
        не дихає | без свідомості | знепритомнів | знепритомніла | вбити | вб'є | убить |
        покінчити з собою | покінчить з собою | самогубство | суїцид | вмерти | не хочу жити |
        не хочу більше жити | зґвалтували | згвалтували | напали | нападають | б'є мене |
        мене б'є | ножем | пістолет | пожежа | пожар | горить | тоне | інфаркт | викрали |
        в небезпеці | рятуйте | задихається | душив | замкнули | shvydku |
        непритомний | непритомна | не приходить до тями | не прокидається | судоми | пахне газом |
        запах газу | витік газу | дим скрізь | потонув | потонула | втопився | втопилася |
        впав у воду | набирає воду | дитина зникла | син зник | донька зникла | малий зник |
        загубилась дитина | загубилася дитина | загубив сина | загубила сина | загубила доньку |
        загубив доньку | все закінчити | більше не можу | сенсу жити | хочу померти | зґвалтував |
        згвалтував | сексуальне насильство | порізали ножем | вдарили ножем | б'ють | побили |
        душить | задушить | погрожує вбити | пачку таблеток | наковтався таблеток | отруївся |
        отруїлась | хлорку | синіє | народжує зараз | народжує прямо | вже народжує |
        почалися пологи | відійшли води | набрякає обличчя | анафілактичний |
        замерзає | переохолодження | тримають силою | торгівля людьми | не дышит | без сознания |
        тонет | горит | изнасиловали | хочу умереть | не хочу жить | ножом | бьет меня |
        бьёт меня |
        тече кров | багато крові""",
    "tr": """imdat | ambulans | acil durum | kanıyor | kaniyor | kan kaybediyorum | nefes almıyor |
        nefes almiyor | nefes alamıyor | bayıldı | bayildi | baygın | baygin | intihar |
        kendimi öldürmek | ölmek istiyorum | olmek istiyorum | yaşamak istemiyorum |
        beni öldürecek | öldürmekle tehdit | tecavüz | tecavüze | tecavuz | saldırıyor |
        saldırıya | bıçak | bıçaklandım | bicak | silah | yangın | yangin | boğuluyor |
        kalp krizi | kaçırdılar | tehlikedeyim | beni dövüyor | beni dovuyor | boğazımı |
        çocuk kayboldu | çocuğum kayboldu |
        kendinden geçti | ayılmıyor | ayilmiyor | uyanmıyor | uyanmiyor | kıpırdamıyor |
        kasılıyor | nöbet geçiriyor | havale geçiriyor | ağzından köpük | gaz kokuyor |
        gaz kaçağı | gaz kacagi | ev yanıyor | çadır yanıyor | bina yanıyor | ev yaniyor |
        cadir yaniyor | alev aldı | her yer duman | boğuldu | suya düştü | bot su alıyor |
        tekne su alıyor | kayıp çocuk | çocuğum kayıp | oğlum kayboldu | kızım kayboldu |
        pazarında kayboldu | pazarda kayboldu | istasyonda kayboldu | her şeyi bitirmek |
        artık dayanamıyorum | yaşamanın anlamı | kendimi öldüreceğim | taciz etti |
        cinsel saldırı | bıçakladılar | bıçakladı | bıçaklandı | bicakladilar | dövüyorlar |
        dovuyorlar | beni boğuyor | öldüreceğini | beni öldürecek | kutu ilacın hepsini |
        bütün ilaçları içti | hap içti | zehirlendi | çamaşır suyu içti | morarıyor | morardı |
        doğuruyor | doğum başladı | yüzü şişti | alerjik şok | donarak | donmak üzere | hipotermi |
        kilitlediler | insan kaçakçılığı |
        çok kan | cok kan""",
    "es": """emergencia | socorro | ambulancia | hijo se ha perdido | hija se ha perdido |
        niño se ha perdido | niña se ha perdido | se ha perdido mi hijo | se ha perdido mi hija |
        no encuentro a mi hijo | no encuentro a mi hija | hijo ha desaparecido |
        hija ha desaparecido | sangrando | mucha sangre | no respira |
        no puede respirar | inconsciente | desmayado | se desmayo | se desmayó | matarme |
        me quiero matar | me quiere matar | me van a matar | no quiero vivir | suicidarme |
        suicidio | quitarme la vida | violar | violacion | violación | violada | me violaron |
        me pega | esta pegando | está pegando | estan pegando | apuñalaron | apunalaron |
        cuchillo | pistola | disparos | incendio | ahogando | hundiendo | convulsiones |
        infarto | secuestraron | en peligro |
        se ha desmayado | desmayada | perdió el conocimiento | perdio el conocimiento |
        no despierta | no se despierta | convulsionando | huele a gas | olor a gas | fuga de gas |
        está ardiendo | esta ardiendo | se está quemando | se esta quemando | hay fuego |
        se ahoga | ahogándose | ahogandose | se cayó al agua | se cayo al agua | se llena de agua |
        patera se hunde | hijo desaparecido | hija desaparecida | niño desaparecido |
        niña desaparecida | desapareció mi hijo | desapareció mi hija | desaparecio mi |
        perdí a mi hijo | perdi a mi hijo | perdí a mi hija | perdi a mi hija | niño se perdió |
        niña se perdió | hijo se perdió | hija se perdió | se me perdió el niño |
        se me perdió la niña | acabar con todo | no quiero seguir viviendo | ganas de morir |
        quiero morirme | quiero morir | ya no puedo más | ya no puedo mas | abusar de mí |
        abusó de mí | abuso de mi | agresión sexual | agresion sexual | me violó | me violo |
        apuñalado | apuñalada | apunalado | navaja | clavado un cuchillo | paliza |
        le están pegando | le estan pegando | me está pegando | me esta pegando |
        me está ahogando | me esta ahogando | estrangulando | me va a matar | me mata cuando |
        amenaza con matarme | caja de pastillas | caja entera de pastillas | todas las pastillas |
        muchas pastillas | bebió lejía | bebio lejia | tomó lejía | envenenado | envenenada |
        poniendo morado | se pone morado | dando a luz | está pariendo | esta pariendo |
        rompió aguas | rompio aguas | se le hincha la cara | choque anafiláctico |
        shock anafiláctico | shock anafilactico | muriendo de frío | muriendo de frio |
        hipotermia | nos tienen encerrados | me tienen encerrada | me tienen encerrado |
        nos encerraron | me encerraron | trata de personas |
        muchísimo a gas | muchisimo a gas | mucha sangre | sangra muchísimo | sangra muchisimo""",
    "it": """emergenza | un'emergenza | ambulanza | un'ambulanza | l'ambulanza | aiutatemi subito |
        sanguina | sta sanguinando | perde sangue | non respira | non riesce a respirare |
        svenuto | svenuta | incosciente | privo di sensi | uccidermi | ammazzarmi |
        mi vuole uccidere | suicidarmi | togliermi la vita | non voglio più vivere |
        non voglio piu vivere | suicidio | stupro | violentata | mi picchia | picchiando |
        aggredendo | accoltellato | coltello | pistola | spari | incendio | annegando |
        soffocando | convulsioni | infarto | minaccia di morte | rapito | in pericolo |
        è svenuto | è svenuta | sviene | ha perso i sensi | non si sveglia | non si muove più |
        non si muove piu | crisi epilettica | puzza di gas | odore di gas | fuga di gas |
        va a fuoco | andando a fuoco | sta bruciando | tenda brucia | casa brucia | in fiamme |
        annega | annegato | annegata | affogando | caduto in acqua | caduta in acqua |
        imbarca acqua | figlio è scomparso | figlia è scomparsa | bambino scomparso |
        bambina scomparsa | figlio è sparito | figlia è sparita | bambino è sparito |
        bambina è sparita | ho perso mio figlio | ho perso mia figlia | ho perso il bambino |
        bambino si è perso | bimbo si è perso | si è perso al | farla finita |
        non ce la faccio più | non ce la faccio piu | voglio morire | stare al mondo | violentato |
        mi ha violentata | abusato di me | violenza sessuale | accoltellata | coltellata |
        pestando | picchiano | strangolando | mi strangola | mi ammazza | minaccia di uccidermi |
        scatola di pastiglie | scatola intera | tutte le pastiglie | troppe pastiglie |
        bevuto la candeggina | bevuto candeggina | avvelenato | avvelenata | diventando blu |
        sta partorendo | rotto le acque | si gonfia la faccia | shock anafilattico |
        morendo di freddo | assiderato | ipotermia | ci hanno chiusi | mi hanno chiuso |
        sequestrato | sequestrata | tratta di esseri umani |
        tantissimo sangue | tanto sangue""",
    "pt": """emergência | emergencia | socorro | ambulância | ambulancia | sangrando | a sangrar |
        muito sangue | não respira | nao respira | não consegue respirar | nao consegue respirar |
        desmaiou | me matar | matar-me | me suicidar | suicídio | suicidio | não quero mais viver |
        nao quero mais viver | estupro | estuprada | fui violada | me bate | bater-me |
        me batendo |
        surra | esfaqueado | esfaqueada | faca | tiros | incêndio | incendio | pegando fogo |
        afogando | a afogar | convulsões | ataque cardíaco | infarto | em perigo |
        desmaiada | desmaiado | perdeu os sentidos | não acorda | nao acorda | convulsão |
        convulsoes | cheira a gás | cheira a gas | cheiro a gás | cheiro de gás | cheiro de gas |
        fuga de gás | fuga de gas | vazamento de gás | vazamento de gas | prédio está a arder |
        casa está a arder | tenda está a arder | a arder tudo | fogo na | fogo no | afogar-se |
        afogou | afogado | caiu à água | caiu a agua | caiu na água | caiu na agua | a meter água |
        a meter agua | filho desapareceu | filha desapareceu | criança desapareceu |
        menino desapareceu | menina desapareceu | filho desaparecido | filha desaparecida |
        perdi o meu filho | perdi a minha filha | perdi meu filho | perdi minha filha |
        perdeu-se no | acabar com tudo | não aguento mais | nao aguento mais | quero morrer |
        não quero continuar a viver | nao quero continuar a viver | me violar | me violou |
        violou-me | abusou de mim | agressão sexual | agressao sexual | esfaquearam | facada |
        a espancar | espancando | estrangular | estrangular-me | me estrangulando | vai-me matar |
        vai me matar | ameaça de morte | ameaca de morte | caixa de comprimidos |
        caixa inteira de comprimidos | todos os comprimidos | bebeu lixívia | bebeu lixivia |
        bebeu água sanitária | bebeu agua sanitaria | envenenado | envenenada | a ficar roxo |
        ficando roxo | está a dar a luz | esta a dar a luz | dando à luz |
        dando a luz |
        rebentaram as águas | bolsa rebentou | bolsa estourou | cara a inchar |
        cara está a inchar | choque anafilático | choque anafilatico | a morrer de frio |
        morrendo de frio | hipotermia | fecharam-nos | fecharam-me | trancaram-nos | trancaram-me |
        me trancaram | nos trancaram | sequestrado | sequestrada | tráfico humano |
        trafico de pessoas |
        muito a gás | muito a gas | me mata esta noite | mata-me esta noite | mal respira""",
}
# Arabic articles and one-letter prepositions glued to the next word (and, so, with, for).
_PREFIXES = ("وال", "بال", "فال", "لل", "ال", "و", "ف", "ب", "ل")
_WORDS = re.compile(r"[\w']+")


def _unaccented(text: str) -> str:
    """Drop the accents of Latin letters ("agressée" → "agressee"): people type without them."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = [
        char
        for index, char in enumerate(decomposed)
        if not (
            unicodedata.combining(char)
            and index > 0
            and "LATIN" in unicodedata.name(decomposed[index - 1], "")
        )
    ]
    return unicodedata.normalize("NFC", "".join(kept))


def _tokens(text: str) -> list[str]:
    return _WORDS.findall(_unaccented(normalize(text)))


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


def _by_first_word(phrases: list[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    # A message is checked only against the phrases that begin with one of its words: the
    # check runs on every message, and the list has about 1,400 phrases.
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return index


_PHRASES_BY_FIRST_WORD = _by_first_word(_PHRASE_LIST)


def mentions_danger(text: str) -> bool:
    """Tell whether `text` contains a word or phrase that may signal an emergency."""
    forms = [_forms(token) for token in _tokens(text)]
    for start, first in enumerate(forms):
        for word in first:
            for phrase in _PHRASES_BY_FIRST_WORD.get(word, ()):
                rest = phrase[1:]
                if start + len(phrase) <= len(forms) and all(
                    w in forms[start + 1 + i] for i, w in enumerate(rest)
                ):
                    return True
    return False
