"""The content the bot serves: listings shaped after Open Referral HSDS 3.0, cities, search."""
