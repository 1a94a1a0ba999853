"""Shared library of the three services: config, models, auth, db, object store, text folding."""
