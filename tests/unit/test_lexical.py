"""Names as whole tokens, BM25 per field, words and names found in typed lines."""

from __future__ import annotations

import numpy as np

from vidrec_core.data.lexical import LexicalIndex, person_key, split_names, tokenize
from vidrec_core.data.schema import catalog_from_records

RECORDS = [
    {"id": "a", "title": "Dream Heist", "overview": "thieves enter dreams", "director": "Christopher Nolan",
     "cast": ["Leonardo DiCaprio", "Tom Hardy"], "genres": "Action|Science Fiction", "year": 2010},
    {"id": "b", "title": "Space Farm", "overview": "a farmer crosses a wormhole", "director": "Christopher Nolan",
     "cast": ["Matthew McConaughey"], "genres": "Science Fiction|Drama", "year": 2014},
    {"id": "c", "title": "Dream Team", "overview": "thieves plan a dream robbery", "director": "Christopher Columbus",
     "cast": ["Tom Hanks"], "genres": "Comedy", "year": 2001},
    {"id": "d", "title": "Ocean Bay", "overview": "a quiet fishing village", "director": "Agnès Varda",
     "cast": ["Tom Hardy"], "genres": "Drama", "year": 1985},
]  # fmt: skip


def test_person_key_folds_case_and_accents_into_one_token():
    assert person_key("Agnès  Varda") == "agnes_varda"
    assert person_key("ZOË Saldaña") == "zoe_saldana"
    assert split_names("Joel Coen, Ethan Coen & Sam Raimi") == ["Joel Coen", "Ethan Coen", "Sam Raimi"]
    assert split_names(["A B", " ", "C"]) == ["A B", "C"]
    assert split_names(None) == [] and split_names(float("nan")) == []


def test_tokenize_drops_stop_words_and_cuts_chinese():
    assert tokenize("The thieves enter the dreams") == ["thieves", "enter", "dreams"]
    words = tokenize("一个关于太空旅行的故事")
    assert "太空" in words and len(words) >= 2


def test_director_field_scores_only_the_same_director():
    index = LexicalIndex(catalog_from_records([dict(r) for r in RECORDS], name="t"))
    director = index.people["director"]
    scores = director.scores(director.query_from_rows([[0]]))[0]
    assert scores[1] > 0  # same director as the history's film
    assert scores[2] == 0  # "Christopher Columbus" shares a first name only: a name is one token
    assert scores[3] == 0


def test_cast_and_people_fields_and_names_in_typed_text():
    index = LexicalIndex(catalog_from_records([dict(r) for r in RECORDS], name="t"))
    cast = index.people["cast"]
    scores = cast.scores(cast.query_from_rows([[0]]))[0]
    assert scores[3] > 0 and scores[2] == 0  # Tom Hardy, not Tom Hanks
    assert set(index.people) == {"director", "cast", "people"}  # no creator column: no creator index
    found = index.names_in_text("anything with tom hardy or by CHRISTOPHER NOLAN, but not Christopher alone")
    assert found == ["tom_hardy", "christopher_nolan"]
    typed = index.people["people"].query_from_tokens(found)
    assert np.count_nonzero(index.people["people"].scores(typed)[0]) == 3  # a, b (Nolan) and d (Hardy)


def test_tfidf_of_typed_text_uses_the_catalog_vocabulary():
    index = LexicalIndex(catalog_from_records([dict(r) for r in RECORDS], name="t"))
    rows = index.tfidf_of(["dream thieves", "unknownword"])
    overlap = (rows @ index.tfidf.T).toarray()
    assert overlap[0, 0] > 0 and overlap[0, 2] > 0 and overlap[0, 3] == 0
    assert not overlap[1].any()
