"""Seeing the catalog: clusters and their names, the 2D/3D map, and a viewer's place on it."""
