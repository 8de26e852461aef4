"""Writes of the defect-code catalogue."""

from __future__ import annotations

from typing import Any

from aftersales.services import upsert
from inspection.models import DefectCode


def defectcode_upsert(*, code: str, **values: Any) -> DefectCode:
    """Create or update a defect code 缺陷代码 by its code."""
    return upsert(DefectCode, lookup={"code": code}, values=values)[0]
