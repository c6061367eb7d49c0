"""Users, their permissions, and API keys (stored hashed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from apportion.store.models.base import Base


class User(Base):
    """A person or system that holds API keys; `permissions` maps EnergyCAP permission names to levels."""

    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(primary_key=True)
    user_code: Mapped[str] = mapped_column(String(65), unique=True)
    full_name: Mapped[str] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    permissions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_date: Mapped[datetime]
    # UserCreateRequest settings kept as given; the role names the grants copied into `permissions`.
    user_role_id: Mapped[int | None]
    active_directory: Mapped[bool] = mapped_column(default=False)
    password_expiration_interval: Mapped[int | None]
    strong_password: Mapped[bool] = mapped_column(default=False)
    force_password_change: Mapped[bool] = mapped_column(default=False)
    max_approval_amount: Mapped[int | None]
    # Data scoping (domain/scoping.py): the topmost place / cost center ids; NULL is the whole tree.
    topmost_place_ids: Mapped[list[int] | None] = mapped_column(JSON)
    topmost_cost_center_ids: Mapped[list[int] | None] = mapped_column(JSON)


class ApiKey(Base):
    """An API key; only its SHA-256 digest is kept."""

    __tablename__ = "api_keys"

    api_key_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_date: Mapped[datetime]


class PageSession(Base):
    """A signed-in visitor of the pages (/ui): only the SHA-256 digest of the session token in their cookie is kept.

    A session belongs to the API key it was signed in with: deleting the key (or its user) ends it.
    """

    __tablename__ = "page_sessions"

    session_id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id", ondelete="CASCADE"), index=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.api_key_id", ondelete="CASCADE"), index=True)
    created_date: Mapped[datetime]
    last_seen: Mapped[datetime] = mapped_column(index=True)


class PageSigningKey(Base):
    """The secret the pages sign their cookies and form tokens with: one row (id 1), drawn at first use."""

    __tablename__ = "page_signing_keys"

    key_id: Mapped[int] = mapped_column(primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_date: Mapped[datetime]
