"""The WhatsApp channel, through the WhatsApp Business Cloud API (webhook and Graph API)."""
