"""Conversations handed over to a person: requests, who took them, their messages, retention."""
