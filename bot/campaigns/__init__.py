"""The anti-rumour campaign: who asked to get facts, and sending a fact to all of them."""
