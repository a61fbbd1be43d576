"""The conversation: channels (Telegram, WhatsApp), dialogue, state, delivery, interface text."""
