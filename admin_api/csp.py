"""The headers every page for people is served with: a strict CSP and its companions."""

from __future__ import annotations


def page_headers(*, style_src: str = "'self'", form_action: str = "'none'") -> dict[str, str]:
    """Return the headers of a page that loads nothing but this server's scripts and styles."""
    return {
        "Content-Security-Policy": (
            f"default-src 'none'; script-src 'self'; style-src {style_src}; "
            f"connect-src 'self'; img-src 'self'; base-uri 'none'; form-action {form_action}; "
            "frame-ancestors 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }
