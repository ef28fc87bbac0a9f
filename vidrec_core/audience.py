"""The audience of a video that is not in the catalog yet: where it lands (its nearest videos and group) and which
viewers of the log are most likely to watch it, and which sample personas would get it in their top 10.

The video joins a copy of the catalog as one more row, so it is read exactly as an uploaded video would be. Each
viewer's affinity is the share of a fixed, seeded reference set of catalog videos that the new video outscores for
that viewer's recent liked videos under the no-log default (`fusion`: meaning, genres, people, words and year read from
the text): a number on one scale for every viewer, whatever their history's length. Who is likely to watch it reads
that affinity beside how much each viewer watches (`likely_to_watch`), the ranking the evaluation's audience view
measures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import ndtri

from vidrec_core.core.errors import VidrecError
from vidrec_core.data.personas import Persona
from vidrec_core.data.schema import Catalog, catalog_from_records
from vidrec_core.learn.artefacts import find_fusion_weights
from vidrec_core.profile.fusion import history_input
from vidrec_core.profile.history import Event, EventKind
from vidrec_core.profile.strategies import EmbeddedHistory
from vidrec_core.recommender import Recommender

NEW_ID = "new-video"
REFERENCE = 300  # catalog videos each viewer's affinity is measured against
RECENT = 20  # a viewer's most recent liked videos read as their history
NEIGHBOURS = 10
MIN_GENRE_SHARE = 0.05  # of the audience's likes: a genre below it says little about them
DEFAULT_CUTOFF = 0.5  # an audience member ranks the video above this share of the reference videos (upper half)


def likely_to_watch(outscored: np.ndarray, liked: np.ndarray, compared: int) -> np.ndarray:
    """How likely each viewer is to watch a video, on a log-odds-like scale: how much they watch (the log of their
    liked videos) plus how much they would prefer it (the share of `compared` other videos it outscores for them, on
    the normal scale, so a top-1% fit counts more than a top-10% one).

    Either alone ranks worse: the most active viewers first misses a niche video's fans; affinity alone puts a
    viewer of five films beside one of five hundred (the evaluation's audience view, docs/evaluation.md)."""
    edge = 0.5 / max(compared, 1)
    share = np.clip(np.asarray(outscored, dtype=np.float64), edge, 1.0 - edge)
    return np.log(np.maximum(np.asarray(liked, dtype=np.float64), 1.0)) + ndtri(share)


@dataclass(frozen=True)
class NewVideo:
    """A video as typed or pasted: a title, and any of a description, genres, people and a year."""

    title: str
    overview: str = ""
    genres: tuple[str, ...] = ()
    director: str = ""
    cast: str = ""
    year: int | None = None
    tagline: str = ""
    keywords: tuple[str, ...] = ()

    def record(self) -> dict:
        out: dict = {"id": NEW_ID, "title": self.title.strip(), "overview": self.overview.strip()}
        if self.tagline.strip():
            out["tagline"] = self.tagline.strip()
        if self.keywords:
            out["keywords"] = "|".join(k for k in self.keywords if k.strip())
        if self.genres:
            out["genres"] = "|".join(g.strip() for g in self.genres if g.strip())
        if self.director.strip():
            out["director"] = self.director.strip()
        if self.cast.strip():
            out["cast"] = self.cast.strip()
        if self.year:
            out["year"] = int(self.year)
        return out

    @staticmethod
    def from_row(catalog: Catalog, row: int) -> NewVideo:
        """A catalog video read as if it were new (the evaluation's held-out videos): every field the model reads."""
        frame = catalog.frame

        def cell(column: str) -> object:
            return frame[column].iat[row] if column in frame.columns else None

        def names(value: object) -> str:
            if isinstance(value, list | tuple | np.ndarray):
                return ", ".join(str(v) for v in value)
            return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)

        year, keywords = cell("year"), cell("keywords")
        return NewVideo(
            title=catalog.titles[row],
            overview=names(cell("overview")),
            genres=tuple(str(g) for g in (cell("genres") or ())),
            director=names(cell("director")),
            cast=names(cell("cast")),
            year=int(year) if year is not None and not pd.isna(year) else None,
            tagline=names(cell("tagline")),
            keywords=tuple(str(k) for k in keywords) if isinstance(keywords, list) else (),
        )

    @staticmethod
    def of(data: Mapping[str, object]) -> NewVideo:
        """From a one-row file or form fields; genres as a list or 'A|B' / 'A, B'."""
        title = str(data.get("title") or "").strip()
        if not title:
            raise VidrecError("A new video needs a title (and ideally a description, genres or people).")
        genres = data.get("genres") or ()
        if isinstance(genres, str):
            genres = [g for g in genres.replace(",", "|").split("|") if g.strip()]
        year = data.get("year")
        try:
            year = int(float(year)) if year not in (None, "") and not pd.isna(year) else None
        except (TypeError, ValueError):
            raise VidrecError(f"The year '{year}' is not a number; give it as 2026, or leave it empty.") from None
        return NewVideo(
            title=title,
            overview=str(data.get("overview") or data.get("description") or "").strip(),
            genres=tuple(str(g).strip() for g in genres),
            director=str(data.get("director") or "").strip(),
            cast=str(data.get("cast") or "").strip(),
            year=year,
        )


@dataclass
class Audience:
    """Where the video lands and who would be shown it."""

    video: NewVideo
    vector: np.ndarray
    nearest: list[tuple[int, float]]  # catalog rows and similarities, closest first
    viewers: pd.DataFrame  # user_id, affinity (0-1), liked (videos in their log), likely (to watch), likeliest first
    personas: dict[str, int | None] = field(default_factory=dict)  # persona -> its place in their top 10, or None

    def audience(self, cutoff: float = DEFAULT_CUTOFF) -> pd.DataFrame:
        return self.viewers[self.viewers["affinity"] >= cutoff]

    def as_dict(self, catalog: Catalog, cutoff: float = DEFAULT_CUTOFF, shown: int = 20) -> dict:
        chosen = self.audience(cutoff)
        return {
            "video": self.video.record(),
            "nearest": [
                {"id": catalog.ids[row], "title": catalog.titles[row], "similarity": round(sim, 4)}
                for row, sim in self.nearest
            ],
            "viewers": len(self.viewers),
            "cutoff": cutoff,
            "audience_size": len(chosen),
            "audience": [
                {
                    "user_id": str(r.user_id),
                    "affinity": round(float(r.affinity), 4),
                    "liked": int(r.liked),
                    "likely": round(float(r.likely), 4),
                }
                for r in chosen.head(shown).itertuples()
            ],
            "personas_top10": {name: place for name, place in self.personas.items() if place is not None},
        }


def with_new_video(recommender: Recommender, video: NewVideo) -> tuple[Recommender, int]:
    """A recommender over the catalog plus the video (its last row), with no viewing log: the no-log default."""
    catalog = recommender.catalog
    row = catalog_from_records([video.record()]).frame
    frame = pd.concat([catalog.frame, row.reindex(columns=catalog.frame.columns)], ignore_index=True)
    extended = Catalog(frame=frame, name=f"{catalog.name} + new video", source=catalog.source)
    vector = recommender.encoder.encode([extended.texts[-1]])[0].astype(np.float32)
    items = np.vstack([recommender.items, vector[None, :]])
    fusion = find_fusion_weights(extended.name, recommender.encoder.name)
    return Recommender(extended, items, recommender.encoder, fusion=fusion), len(catalog)


def viewer_affinity(
    recommender: Recommender,
    row: int,
    positives: Mapping[str, np.ndarray],
    reference: int = REFERENCE,
    recent: int = RECENT,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    exclude: int | None = None,
) -> pd.DataFrame:
    """Per viewer of the log, the share of the reference videos the new video outscores for their recent likes, and
    how likely they are to watch it (`likely_to_watch`), likeliest first."""
    catalog, context = recommender.catalog, recommender.context()
    scorer = context.fusion
    if scorer is None:
        raise VidrecError("The fusion weights could not be read, so no audience can be ranked.")
    rng = np.random.default_rng(seed)
    pool = np.setdiff1d(np.arange(row), [] if exclude is None else [exclude])  # not the video's own catalog row
    candidates = np.concatenate([np.sort(rng.choice(pool, min(reference, len(pool)), replace=False)), [row]])
    users, affinity, liked = [], [], []
    for n, (user, items) in enumerate(positives.items()):
        items = np.asarray(items)[-recent:]
        if len(items) == 0:
            continue
        events = [
            Event(EventKind.WATCHED, catalog.titles[i], k + 1, matched_id=catalog.ids[i]) for k, i in enumerate(items)
        ]
        history = EmbeddedHistory(events, recommender.items[items])
        scores, _ = scorer.score(history_input(history, context), candidates)
        users.append(user)
        affinity.append(float((scores[:-1] < scores[-1]).mean()))
        liked.append(len(positives[user]))
        if progress is not None and n % 50 == 0:
            progress(n, len(positives))
    frame = pd.DataFrame({"user_id": users, "affinity": affinity, "liked": liked})
    frame["likely"] = likely_to_watch(frame["affinity"].to_numpy(), frame["liked"].to_numpy(), len(candidates) - 1)
    return frame.sort_values(["likely", "affinity"], ascending=[False, False], kind="stable").reset_index(drop=True)


def persona_places(recommender: Recommender, personas: Mapping[str, Persona], k: int = 10) -> dict[str, int | None]:
    """Each persona's place for the new video in its no-log default list of k, or None when it is not in it."""
    out: dict[str, int | None] = {}
    for name, persona in personas.items():
        ids = [r.id for r in recommender.recommend(persona.history, strategy="fusion", k=k).recommendations]
        out[name] = ids.index(NEW_ID) + 1 if NEW_ID in ids else None
    return out


def find_audience(
    recommender: Recommender,
    video: NewVideo,
    positives: Mapping[str, np.ndarray] | None,
    personas: Mapping[str, Persona],
    progress: Callable[[int, int], None] | None = None,
    held_out: int | None = None,
) -> Audience:
    """The whole answer; without a log (`positives` None or empty) the audience is the personas alone. `held_out`:
    the catalog row the video was read from (a held-out video asked as new), left out of its nearest videos and of
    the reference videos; `positives` should then hold no held-out video."""
    extended, row = with_new_video(recommender, video)
    vector = extended.items[row]
    similarity = recommender.items @ vector
    order = [int(i) for i in np.argsort(-similarity) if i != held_out][:NEIGHBOURS]
    nearest = [(i, float(similarity[i])) for i in order]
    viewers = pd.DataFrame(columns=["user_id", "affinity", "liked", "likely"])
    if positives:
        viewers = viewer_affinity(extended, row, positives, progress=progress, exclude=held_out)
    return Audience(video, vector, nearest, viewers, persona_places(extended, personas))


def what_they_share(
    catalog: Catalog, positives: Mapping[str, np.ndarray], audience: Sequence[str], top: int = 5
) -> pd.DataFrame:
    """The genres that set the audience apart: of the genres holding at least `MIN_GENRE_SHARE` of its likes, those
    whose share in the audience most exceeds their share among every viewer's likes (the lift), first."""

    def shares(users: Sequence[str]) -> Counter:
        counts: Counter = Counter()
        for user in users:
            for row in positives.get(user, ()):
                counts.update(catalog.frame["genres"].iat[int(row)])
        return counts

    mine, everyone = shares(audience), shares(list(positives))
    total_mine, total_all = max(sum(mine.values()), 1), max(sum(everyone.values()), 1)
    rows = [
        (genre, count / total_mine, everyone[genre] / total_all)
        for genre, count in mine.most_common()
        if everyone[genre]
    ]
    frame = pd.DataFrame(rows, columns=["genre", "audience_share", "overall_share"])
    frame["lift"] = frame["audience_share"] / frame["overall_share"]
    frame = frame[frame["audience_share"] >= MIN_GENRE_SHARE]
    return frame.sort_values("lift", ascending=False).head(top).reset_index(drop=True)
