"""Catalogs and interaction logs in: the schema, the one table reader, preparation, opening (and the sample rule),
kept catalogs, interaction logs, MovieLens and the sample personas."""
