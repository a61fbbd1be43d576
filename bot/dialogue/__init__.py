"""The platform-free conversation: what to answer to each message."""

from bot.dialogue.respond import Dialogue

__all__ = ["Dialogue"]
