"""Storage: the database connection, numbered migrations, case queries and the append-only audit log."""
