"""French grammar the messages of every domain share.

Rules and collectors write their French sentences themselves (see ``Result.messages``); what
they all need is agreement in number, and French puts 0 and 1 in the singular where English
puts 0 in the plural, so English's own rule cannot be borrowed.
"""

from __future__ import annotations


def plural_s(count: int) -> str:
    """The plural mark of a regular French word: ``contrôle{plural_s(n)}``."""
    return "s" if count > 1 else ""


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 fichier``, ``2 fichiers``; ``many`` for the irregular ones (« liens sortent »)."""
    return f"{count} {singular if count <= 1 else (many or singular + 's')}"
