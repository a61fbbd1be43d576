#!/usr/bin/env bash
# Write a .env for the demo profile (local SQLite, local Redis and Rasa), with fresh secrets.
set -euo pipefail
# The file holds secrets: readable by its owner only, whoever wrote it before.
umask 077
[ -f .env ] && { chmod 600 .env; exit 0; }
secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }
cat > .env <<ENV
# Written by \`make run\` for trying Dalil on this machine. Not for production.
DALIL_PROFILE=demo
DATABASE_URL=sqlite+aiosqlite:///$(pwd)/var/dalil.db
REDIS_URL=redis://127.0.0.1:6379/0
RASA_URL=http://127.0.0.1:5005
RASA_TOKEN=$(secret)
PSEUDONYM_KEY=$(secret)
TELEGRAM_WEBHOOK_SECRET=$(secret)
# To connect a real Telegram bot, set TELEGRAM_BOT_TOKEN (and PUBLIC_BASE_URL for a webhook).
# TELEGRAM_BOT_TOKEN=
# PUBLIC_BASE_URL=https://dalil.example.org
# To connect WhatsApp (Cloud API), set all four (README, "Connect WhatsApp"):
# WHATSAPP_TOKEN=
# WHATSAPP_PHONE_NUMBER_ID=
# WHATSAPP_APP_SECRET=
# WHATSAPP_VERIFY_TOKEN=$(secret)
ENV
echo "Wrote .env (demo profile)."
