"""Accounts and access: users, roles and permissions, sign-in sessions, masking of contacts."""
