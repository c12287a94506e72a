"""Which page of a list a route asks an upstream for."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """Which page of a list: at most ``limit`` items after the cursor ``after``."""

    limit: int
    after: str
