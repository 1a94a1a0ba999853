"""The registry: system of record for the catalogue, households, loans, retention and audit."""
