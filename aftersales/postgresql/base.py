"""Django's PostgreSQL backend, reading ``timestamptz`` columns with psycopg's C loader.

Django registers its own ``timestamptz`` loader, a Python subclass of psycopg's pure-Python one that puts
Django's time zone on every value: about 4 µs a value, so a list page of 50 rows with five timestamps spends a
millisecond decoding them (bench/RESULTS.md, *Service desk*: a third of the queue's time). When the session's
time zone is UTC and Django wants UTC (``USE_TZ`` with no per-database ``TIME_ZONE``, this project's settings),
psycopg's C loader gives the very same values (aware, ``datetime.timezone.utc``), so each cursor gets that one.
Anything else keeps Django's loader. ``settings.DATABASES`` names this backend for every PostgreSQL URL.
"""

from __future__ import annotations

import datetime as dt

from django.db.backends.postgresql import base
from psycopg.types.datetime import TimestamptzLoader


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if self.timezone is dt.UTC and self.connection.info.parameter_status("TimeZone") == "UTC":
            # psycopg swaps in its C implementation of the class on registration (AdaptersMap._get_optimised).
            cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        return cursor
