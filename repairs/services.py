"""Writes of spare parts."""

from __future__ import annotations

from typing import Any

from aftersales.services import upsert
from repairs.models import SparePart


def sparepart_upsert(*, part_no: str, **values: Any) -> SparePart:
    """Create or update a spare part 备件 by its part number."""
    return upsert(SparePart, lookup={"part_no": part_no}, values=values)[0]
