"""Texts to vectors: the encoders and their one registry, the on-disk embedding store, the query cache."""
