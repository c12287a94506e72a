"""Keyset pagination for every list: bounded limits, opaque numeric cursors, pages."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from tekana_common.errors import InvalidArgument

T = TypeVar("T")

PAGE_MAX = 100
DEFAULT_LIMIT = 50
# Cursors are row keys (bigint), at most 19 digits; anything longer was not made by us.
CURSOR_DIGITS_MAX = 18


class PageRequestLike(Protocol):
    limit: int
    after: str


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_more: bool
    next_after: str


def requested(page: PageRequestLike | None) -> tuple[int, str]:
    """(limit, after) from a request's page message; the default limit when none was given."""
    if page is None:
        return DEFAULT_LIMIT, ""
    return page.limit or DEFAULT_LIMIT, page.after


def check_limit(limit: int) -> int:
    if not 1 <= limit <= PAGE_MAX:
        raise InvalidArgument.for_field("limit", f"must be between 1 and {PAGE_MAX}")
    return limit


def parse_cursor(after: str, *, start: int) -> int:
    """The row key a cursor stands for; ``start`` (the first page) when it is empty."""
    if not after:
        return start
    # isascii: str.isdigit also accepts superscript and other scripts' digits.
    if not (after.isascii() and after.isdigit()) or len(after) > CURSOR_DIGITS_MAX:
        raise InvalidArgument.for_field("after", "is not a cursor this API returned")
    return int(after)


def page_of(rows: list[T], limit: int, key: Callable[[T], int]) -> Page[T]:
    """A page from ``limit + 1`` fetched rows: the extra row only says there is more."""
    items, has_more = rows[:limit], len(rows) > limit
    return Page(items, has_more, str(key(items[-1])) if has_more else "")
