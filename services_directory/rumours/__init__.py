"""Myths about migration and the facts that answer them, in every language the city writes."""
