"""Counting a client address's tries in a time window, for the pages open to anyone."""

from django.core.cache import cache

from jieyou.core.middleware import client_address


def over_limit(request, bucket: str, limit: int, window: int, *, count: bool = True) -> bool:
    """Whether this client address has used up `limit` in the current window; with
    count=False only looks, without using a try."""
    key = f"jieyou:limit:{bucket}:{client_address(request)}"
    if not count:
        return (cache.get(key) or 0) >= limit
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key)
    except ValueError:
        # The window closed between add and incr: this is the first use of a new one.
        cache.set(key, 1, timeout=window)
        used = 1
    return used > limit
