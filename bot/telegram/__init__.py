"""The Telegram channel, through python-telegram-bot."""

import os

# Opt in now to PTB's coming change: RetryAfter.retry_after as a timedelta (PTB 22.2+ warns
# on every 429 otherwise). The sender handles both forms.
os.environ.setdefault("PTB_TIMEDELTA", "1")
