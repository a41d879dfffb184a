"""Numbers quoted in the prose (`{dane}`), declared by the book and computed from the tables."""
