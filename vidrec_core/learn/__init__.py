"""What is learnt from interaction logs: the collaborative models and the learned adapter over frozen embeddings."""
