"""What a viewer keeps: named histories in SQLite and shareable links. Depends on `core` only."""
