"""vidrec's engine: a language model places every video's text and a viewer's history in one meaning space, and the
nearest videos, re-ranked and explained, are the recommendations. No Streamlit here: the app (`app.py`, `pages/`,
`vidrec_ui/`) and the command line (`vidrec`, `python -m vidrec_core`) both call it.

One room per stage; a room imports only rooms above it in this list (tests/unit/test_architecture.py checks it):

    core         errors, paths, settings (every VIDREC_* variable), atomic writes, vector helpers, progress, exports
    embed        encoders and their one registry, the on-disk embedding store, the query cache
    data         catalog schema, the one table reader, preparation, opening (the sample rule), kept catalogs,
                 interaction logs, MovieLens, personas
    learn        what is learnt from interactions: item-kNN and popularity, the learned adapter and its artefacts
    profile      history parsing, title matching, the interest strategies and their registry
    rank         filters, top-k, MMR and fair shares, explanations, list metrics
    explore      clusters and their names, the map projection, a viewer's place on the map
    recommender  the front door: Recommender and the loaders the app and the command line share
    evaluate     leave-last-out split, scorers, metrics with intervals, the cached run, the report
    cli          one module per command group
    saved        named histories and shareable links (needs core only; used by the app)
"""
