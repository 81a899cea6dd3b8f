"""Storage: SQLModel tables, engine set-up, sessions and schema migrations."""
