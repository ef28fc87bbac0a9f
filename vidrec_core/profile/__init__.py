"""From a typed history to scores over the catalog: parsing, title matching, the interest strategies and their
registry."""
