"""Persistence: SQLAlchemy Core tables, the unit of work, Alembic migrations."""
