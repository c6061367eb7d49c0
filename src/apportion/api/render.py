"""Small renderers shared by routes: child objects that appear in many responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping

from apportion.api.schemas.contract import UserChild


def user_child(row: Mapping[str, Any] | RowMapping, prefix: str) -> UserChild | None:
    """A UserChild from columns `<prefix>_user_id`, `<prefix>_user_code`, `<prefix>_full_name` (None if absent)."""
    user_id = row.get(f"{prefix}_user_id")
    if user_id is None:
        return None
    return UserChild(
        user_id=user_id, user_code=row.get(f"{prefix}_user_code"), full_name=row.get(f"{prefix}_full_name")
    )
