"""The Alembic environment of the model store; :func:`vitaal.store.migrate.upgrade` runs it."""
