"""The registry's SQLAlchemy metadata; every registry feature declares its tables on it.

Table definitions here mirror the Alembic migrations in ``migrations/versions``, which
are the source of truth for the database.
"""

from sqlalchemy import MetaData

metadata = MetaData()
