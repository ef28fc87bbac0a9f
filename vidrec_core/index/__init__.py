"""The vector index for large catalogs: a LanceDB IVF-PQ table that retrieves candidates, re-scored exactly.

Above `VIDREC_INDEX_FROM` videos (or when asked), a recommendation or search takes a few hundred candidates per query
vector from the index and the strategies score only those, exactly, against the memory-mapped float32 vectors; the
filters, exclusions, dislikes, diversity and explanations then work as they do on the whole catalog.
"""
