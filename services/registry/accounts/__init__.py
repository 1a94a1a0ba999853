"""Accounts and tokens: users with roles, clearance and department (domain.md, People)."""
