"""The buttons under a fact, typed: "share", "otro mito", "abonnieren".

A fact's buttons (📤 Share, 🔔 Get facts, 💬 Other myths) are typed as often as pressed, and
the model, which has no intent for them, read a need into them ("share": the city question,
"subscribe": legal help or food, "otro mito": transport). Right under a fact, a message that
is one of these phrases and nothing more does what its button does.
"""

from __future__ import annotations

from bot.dialogue import myths
from bot.dialogue.phrasebook import Phrasebook
from bot.dialogue.turn import Turn
from bot.messages import Reply

_SHARE: dict[str, list[str]] = {
    "en": ["share", "share it", "share this", "share please", "i want to share it", "forward"],
    "fr": ["partager", "partage", "je veux partager", "partager ça", "transférer"],
    "es": ["compartir", "comparte", "compartirlo", "quiero compartirlo", "reenviar"],
    "it": ["condividi", "condividere", "voglio condividerlo", "inoltra"],
    "pt": ["partilhar", "compartilhar", "partilha", "compartilha", "quero partilhar"],
    "de": ["teilen", "teile", "weiterleiten", "ich will das teilen"],
    "tr": ["paylaş", "paylas", "paylaşmak istiyorum", "paylasmak istiyorum"],
    "uk": ["поділитися", "поділись", "поделиться", "переслати", "podilytysia"],
    "fa": ["اشتراک گذاری", "به اشتراک بگذار", "فرستادن", "share kon"],
    "ar": ["شارك", "مشاركة", "بدي شاركها", "ابعتها", "sharek", "mosharaka"],
}
_OTHER_MYTHS: dict[str, list[str]] = {
    "en": ["other myths", "more myths", "another myth", "other myth", "more", "next myth"],
    "fr": ["autres idées reçues", "autre idée reçue", "autre mythe", "autres mythes", "encore"],
    "es": ["otros mitos", "otro mito", "más mitos", "mas mitos", "otro", "más", "mas"],
    "it": ["altri falsi miti", "altro falso mito", "altri miti", "altro mito", "ancora"],
    "pt": ["outros mitos", "outro mito", "mais mitos", "mais"],
    "de": ["andere mythen", "anderer mythos", "noch ein mythos", "mehr mythen", "mehr"],
    "tr": ["başka söylenti", "diğer söylentiler", "başka", "baska", "daha fazla"],
    "uk": ["інші міфи", "ще міф", "інший міф", "другие мифы", "ещё миф", "еще миф", "ще"],
    "fa": ["شایعه دیگر", "شایعه‌های دیگر", "شایعات دیگر", "بیشتر"],
    "ar": ["شائعات أخرى", "شائعة أخرى", "شائعة تانية", "كمان", "غيرها", "kaman"],
}
_GET_FACTS: dict[str, list[str]] = {
    "en": ["get facts", "subscribe", "send me facts", "send me more facts", "sign me up"],
    "fr": ["recevoir les faits", "m'abonner", "s'abonner", "abonner", "je veux m'abonner"],
    "es": ["recibir datos", "suscribirme", "suscribir", "quiero suscribirme", "mandame datos"],
    "it": ["ricevi i fatti", "iscrivermi", "iscriviti", "abbonarmi", "voglio iscrivermi"],
    "pt": ["receber factos", "receber fatos", "subscrever", "inscrever", "quero subscrever"],
    "de": ["fakten erhalten", "abonnieren", "anmelden", "ich will fakten bekommen"],
    "tr": ["abone ol", "abone olmak istiyorum", "gerçekleri al", "abone"],
    "uk": ["підписатися", "підписатись", "подписаться", "отримувати факти"],
    "fa": ["عضویت", "عضو شدن", "دریافت واقعیت‌ها", "مشترک شدن"],
    "ar": ["اشترك", "اشتراك", "بدي اشترك", "استلام الحقائق", "eshtarek"],
}
SHARE = Phrasebook(_SHARE, most_words=5)
OTHER_MYTHS = Phrasebook(_OTHER_MYTHS, most_words=5)
GET_FACTS = Phrasebook(_GET_FACTS, most_words=5)


async def typed(turn: Turn, pseudonym_key: bytes) -> list[Reply] | None:
    """Answer a fact's button typed right under it; None for anything else."""
    key, text = turn.after_fact, turn.message.text
    if key is None:
        return None
    if SHARE.said(text):
        return await myths.share(turn, key)
    if OTHER_MYTHS.said(text):
        return [await myths.show_menu(turn)]
    if GET_FACTS.said(text):
        return [await myths.subscribe(turn, pseudonym_key)]
    return None
