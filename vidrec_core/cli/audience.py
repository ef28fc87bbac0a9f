"""Command line for the audience of a new video: `audience` places a video that is not in the catalog yet and ranks
the viewing log's viewers by how strongly the no-log default would recommend it to them.

python -m vidrec_core audience --title "Red Planet Rescue" --overview "Astronauts stranded on Mars..." \
    --genres "Science Fiction|Drama"
python -m vidrec_core audience --file new_video.csv --json
"""

from __future__ import annotations

import argparse
import json
import sys

from vidrec_core.audience import DEFAULT_CUTOFF, NewVideo, find_audience, what_they_share
from vidrec_core.cli.options import add_common
from vidrec_core.core.errors import VidrecError
from vidrec_core.data.interactions import load_interactions, positives_by_user
from vidrec_core.data.load import is_sample
from vidrec_core.data.movielens import sample_interactions_path
from vidrec_core.data.personas import load_personas
from vidrec_core.data.readers import read_table
from vidrec_core.recommender import load_recommender


def new_video_of(args: argparse.Namespace) -> NewVideo:
    if args.file:
        frame = read_table(args.file)
        if len(frame) != 1:
            raise VidrecError(f"{args.file} holds {len(frame)} rows; give the new video as a file of one row.")
        fields = {str(k).strip().lower(): v for k, v in frame.iloc[0].to_dict().items()}
        return NewVideo.of(fields)
    return NewVideo.of(vars(args))


def cmd_audience(args: argparse.Namespace) -> int:
    video = new_video_of(args)
    recommender, _ = load_recommender(args.catalog, args.model)
    log = args.interactions or (str(sample_interactions_path()) if is_sample(recommender.catalog) else None)
    positives = positives_by_user(load_interactions(log, recommender.catalog), 4.0) if log else None
    progress = None if args.json else (lambda n, total: print(f"  scored {n:,} of {total:,} viewers", file=sys.stderr))
    found = find_audience(recommender, video, positives, load_personas(), progress=progress)
    data = found.as_dict(recommender.catalog, args.cutoff)
    chosen = found.audience(args.cutoff)
    if positives:
        shared = what_they_share(recommender.catalog, positives, list(chosen["user_id"]))
        data["audience_genres"] = shared.round(4).to_dict("records")
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"{video.title}: nearest videos")
    for near in data["nearest"][:5]:
        print(f"  {near['similarity']:.2f}  {near['title']}")
    if positives:
        print(
            f"\nAudience: {data['audience_size']:,} of {data['viewers']:,} viewers would rank it above "
            f"{args.cutoff:.0%} of the catalog's videos"
        )
        for row in data.get("audience_genres", []):
            everyone = f"{row['overall_share']:.0%} for everyone"
            print(f"  {row['genre']}: {row['audience_share']:.0%} of their likes ({everyone})")
        print("Likeliest to watch it first (how much they watch, and how well it suits them):")
        for viewer in data["audience"][:5]:
            print(f"  viewer {viewer['user_id']}: {viewer['liked']:,} liked videos, above {viewer['affinity']:.0%}")
    else:
        print("\nThis catalog has no viewing log: the audience is read from the sample personas alone.")
    named = data["personas_top10"]
    print("\nPersonas with it in their top 10: " + (", ".join(f"{n} (#{p})" for n, p in named.items()) or "none"))
    return 0


def add_audience(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("audience", help="where a new video lands and which viewers would be shown it")
    add_common(parser)
    parser.add_argument("--title", help="the new video's title")
    parser.add_argument("--overview", default="", help="its description")
    parser.add_argument("--genres", default="", help="its genres, 'A|B' or 'A, B'")
    parser.add_argument("--director", default="")
    parser.add_argument("--cast", default="")
    parser.add_argument("--year", default=None)
    parser.add_argument("--file", help="the new video as a one-row file (title, overview, genres, ...)")
    parser.add_argument("--interactions", help="the viewing log (default: the sample's for the sample)")
    parser.add_argument(
        "--cutoff",
        type=float,
        default=DEFAULT_CUTOFF,
        help=f"an audience member ranks the video above this share of the catalog (default {DEFAULT_CUTOFF})",
    )
    parser.set_defaults(func=cmd_audience)
