"""Composition root: the CLI, the ASGI app and the process roles."""
