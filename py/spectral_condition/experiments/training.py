"""Experiments that train an MLP (CONTENT.md sections 3, 5, 7 and 8)."""
