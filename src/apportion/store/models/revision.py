"""The data revision: one row that every write transaction advances (store.database.Database.transaction).

Readers that keep results computed from the database (runtime.read_cache) compare the revision they were computed
at with the current one. `epoch` is drawn when the database is created, so a database made anew under the same URL
never repeats an earlier one's (epoch, revision).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from apportion.store.models.base import Base


class DataRevision(Base):
    """The single row (id 1) of the data revision."""

    __tablename__ = "data_revision"

    revision_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(BigInteger)
