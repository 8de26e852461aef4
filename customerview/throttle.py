"""Rate limits of the public status page: requests per minute per client, and wrong tokens counted.

The page needs no login, so it is the one page a stranger can hammer. Two counters per client address live in
the cache (Redis in production, shared by every process): requests in the current minute
(``AFTERSALES_STATUS_RATE_PER_MINUTE``) and wrong tokens in the current hour
(``AFTERSALES_STATUS_MAX_MISSES``). Past either, the client gets 429 until the window ends. Tokens cannot be
guessed anyway (``customerview.links``); the miss counter makes trying expensive and shows up in the log.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

MINUTE = 60
HOUR = 3600


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _window_key(kind: str, address: str, seconds: int) -> str:
    window = int(timezone.now().timestamp()) // seconds
    return f"customerview:{kind}:{address}:{window}"


def _bump(key: str, seconds: int) -> int:
    # add() creates the counter only if absent; incr() is atomic on Redis (and on the locmem cache).
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return 1


def misses(address: str) -> int:
    return cache.get(_window_key("miss", address, HOUR), 0)


def over_limit(request) -> bool:
    """Count this request; True when the client is over the per-minute rate or has tried too many wrong tokens."""
    address = client_address(request)
    if misses(address) >= settings.AFTERSALES_STATUS_MAX_MISSES:
        return True
    return _bump(_window_key("rate", address, MINUTE), MINUTE) > settings.AFTERSALES_STATUS_RATE_PER_MINUTE


def count_miss(request) -> int:
    """Count a wrong (or expired) token from this client; returns the client's misses this hour."""
    address = client_address(request)
    count = _bump(_window_key("miss", address, HOUR), HOUR)
    logger.warning("Status page: wrong token from %s (%d this hour)", address, count)
    return count
