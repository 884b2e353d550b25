"""The table of reads stored for one version of the data (``recommendations.read.stored``)."""

from __future__ import annotations

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field

from models.orm import TableModel


class StoredRead(TableModel, table=True):
    """A read of the whole data, stored for one version of the data, one day and one version of the code
    (``recommendations.read.stored``): what every app server and every fresh process would otherwise work out
    again. Not data: never exported, loaded or audited; any write, a new day or new code makes it unread."""

    __tablename__ = "stored_read"
    name: str = Field(primary_key=True, max_length=60, description="Which read, e.g. 'over_time'.")
    part: str = Field(primary_key=True, max_length=60, description="Which of its tables.")
    stamp: str = Field(primary_key=True, max_length=120, description="data version / day / code fingerprint")
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False), description="An Arrow IPC stream.")
