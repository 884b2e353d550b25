"""Alembic environment.

The app and the loader hand over a connection (``models.db.migrate``, which holds the migration
lock); the ``alembic`` command line (``alembic.ini`` at the top of the repository) connects to
``DATABASE_URL`` as the tracker's settings read it (the one place that reads the environment).
"""

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from models.core import metadata
from models.db import make_engine

target_metadata = metadata  # the tables the classes of models/orm.py define (models/core.py is written from them)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    if context.config.config_file_name:
        fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    from recommendations import settings

    engine = context.config.attributes.get("engine") or make_engine(settings.current().database_url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
