"""The audience of a new video on the tiny catalog: space viewers first for a space video, the persona of that
taste gets it, and what the audience shares is its genre."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.audience import NEW_ID, NewVideo, find_audience, what_they_share, with_new_video
from vidrec_core.core.errors import VidrecError
from vidrec_core.data.personas import Persona

SPACE = NewVideo(
    title="Comet Patrol",
    overview="astronauts rocket space station planet crew",
    genres=("Science Fiction",),
    year=2026,
)


def positives(recommender, groups: dict[str, list[str]]) -> dict[str, np.ndarray]:
    index = recommender.catalog.index_of
    return {user: np.array([index[i] for i in ids]) for user, ids in groups.items()}


def test_the_video_joins_a_copy_of_the_catalog_as_its_last_row(tiny_recommender):
    extended, row = with_new_video(tiny_recommender, SPACE)
    assert row == len(tiny_recommender.catalog) and extended.catalog.ids[row] == NEW_ID
    assert len(tiny_recommender.catalog) == row  # the catalog itself is untouched
    assert "Science Fiction" in extended.catalog.frame["genres"].iat[row]


def test_space_viewers_come_first_and_share_its_genre(tiny_recommender):
    ids = tiny_recommender.catalog.ids
    space = [i for i in ids if i.startswith("s")]
    horror = [i for i in ids if i.startswith("h")]
    romance = [i for i in ids if i.startswith("r")]
    log = positives(tiny_recommender, {"astro": space[:3], "ghoul": horror[:3], "lover": romance[:3]})
    personas = {
        "Space fan": Persona(
            "Space fan", "", "\n".join(tiny_recommender.catalog.titles[ids.index(i)] for i in space[:2])
        ),
        "Romantic": Persona(
            "Romantic", "", "\n".join(tiny_recommender.catalog.titles[ids.index(i)] for i in romance[:2])
        ),
    }
    found = find_audience(tiny_recommender, SPACE, log, personas)
    assert found.viewers["user_id"].iloc[0] == "astro"
    assert (
        found.viewers.set_index("user_id")["affinity"]["astro"]
        > found.viewers.set_index("user_id")["affinity"]["lover"]
    )
    assert tiny_recommender.catalog.ids[found.nearest[0][0]].startswith("s")  # it lands among the space videos
    assert found.personas["Space fan"] is not None and found.personas["Space fan"] <= 3
    shared = what_they_share(tiny_recommender.catalog, log, ["astro"])
    assert shared["genre"].iloc[0] == "Science Fiction" and shared["lift"].iloc[0] > 1
    data = found.as_dict(tiny_recommender.catalog, cutoff=0.0)
    assert data["audience_size"] == 3 and data["video"]["title"] == "Comet Patrol"


def test_without_a_log_the_personas_alone_answer(tiny_recommender):
    found = find_audience(tiny_recommender, SPACE, None, {})
    assert found.viewers.empty and found.personas == {}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [({"title": "  "}, "needs a title"), ({"title": "X", "year": "soon"}, "is not a number")],
)
def test_a_new_video_without_a_title_or_with_a_bad_year_is_refused_plainly(fields, problem):
    with pytest.raises(VidrecError, match=problem):
        NewVideo.of(fields)


def test_genres_read_from_a_pipe_or_comma_list():
    assert NewVideo.of({"title": "X", "genres": "Drama, Comedy"}).genres == ("Drama", "Comedy")
    assert NewVideo.of({"title": "X", "genres": ["Drama"], "year": "2024"}).year == 2024


def test_a_catalog_row_read_as_new_keeps_every_field_the_model_reads(tiny_recommender):
    catalog = tiny_recommender.catalog
    row = catalog.ids.index(next(i for i in catalog.ids if i.startswith("s")))
    video = NewVideo.from_row(catalog, row)
    assert video.title == catalog.titles[row] and video.overview == catalog.frame["overview"].iat[row]
    assert list(video.genres) == list(catalog.frame["genres"].iat[row])
    extended, new_row = with_new_video(tiny_recommender, video)
    assert extended.catalog.texts[new_row] == catalog.texts[row]  # read exactly as the catalog's own row


def test_a_held_out_row_is_not_its_own_nearest_video(tiny_recommender):
    catalog = tiny_recommender.catalog
    row = catalog.ids.index(next(i for i in catalog.ids if i.startswith("s")))
    others = [i for i in catalog.ids if i.startswith("s") and i != catalog.ids[row]]
    log = positives(tiny_recommender, {"astro": others})
    found = find_audience(tiny_recommender, NewVideo.from_row(catalog, row), log, {}, held_out=row)
    assert row not in [r for r, _ in found.nearest]
    assert found.nearest[0][1] < 0.9999  # the twin row is gone, so nothing is identical
