"""Command line for the audience of a new video: `audience` places a video that is not in the catalog yet and ranks
the viewing log's viewers by how strongly the no-log default would recommend it to them.

python -m vidrec_core audience --title "Red Planet Rescue" --overview "Astronauts stranded on Mars..." \
    --genres "Science Fiction|Drama"
python -m vidrec_core audience --file new_video.csv --json
python -m vidrec_core audience --list-held-out            # the evaluation's held-out videos of the log
python -m vidrec_core audience --held-out 19995 --json    # one of them, read as new, beside who really watched it
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
from vidrec_core.evaluate.audience import held_out_videos, real_viewers_found
from vidrec_core.evaluate.config import EvalSettings
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
    recommender, _ = load_recommender(args.catalog, args.model)
    catalog = recommender.catalog
    log = args.interactions or (str(sample_interactions_path()) if is_sample(catalog) else None)
    settings = EvalSettings()  # a like, and the held-out videos, as the evaluation reads them
    positives = positives_by_user(load_interactions(log, catalog), settings.positive_threshold) if log else None
    held_out = held_out_videos(positives, len(catalog), settings) if positives else None
    if (args.list_held_out or args.held_out) and held_out is None:
        raise VidrecError("Held-out videos come from a viewing log; give one with --interactions.")
    if args.list_held_out:
        listed = [
            {"id": catalog.ids[row], "title": catalog.titles[row], "viewers": len(users)}
            for row, users in held_out.viewers.items()
        ]
        if args.json:
            print(json.dumps(listed, ensure_ascii=False, indent=2))
        else:
            for item in listed:
                print(f"{item['id']}\t{item['title']}\t{item['viewers']} viewers liked it")
        return 0
    held_out_row = None
    if args.held_out:
        held_out_row = catalog.index_of.get(str(args.held_out))
        if held_out_row is None or held_out_row not in held_out.viewers:
            raise VidrecError(
                f"'{args.held_out}' is not one of the evaluation's held-out videos; "
                "see them with `audience --list-held-out`."
            )
        video, positives = NewVideo.from_row(catalog, held_out_row), held_out.warm
    else:
        video = new_video_of(args)
    progress = None if args.json else (lambda n, total: print(f"  scored {n:,} of {total:,} viewers", file=sys.stderr))
    found = find_audience(recommender, video, positives, load_personas(), progress=progress, held_out=held_out_row)
    data = found.as_dict(catalog, args.cutoff)
    chosen = found.audience(args.cutoff)
    if positives:
        shared = what_they_share(catalog, positives, list(chosen["user_id"]))
        data["audience_genres"] = shared.round(4).to_dict("records")
    if held_out_row is not None:
        data["held_out"] = {"id": catalog.ids[held_out_row]} | real_viewers_found(
            found, held_out.viewers[held_out_row], args.cutoff
        )
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
    if "held_out" in data:
        real = data["held_out"]
        print(
            f"\nWho really watched it: {real['real_viewers']:,} viewers liked it; {real['in_audience']:,} of them are "
            f"in this audience (chance alone: {real['chance_in_audience']:.0f}), {real['in_top_tenth']:,} among the "
            f"{real['top_tenth']:,} likeliest viewers (chance alone: {real['chance_in_top_tenth']:.0f})."
        )
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
        "--held-out",
        metavar="ID",
        help="instead of a typed video, one the evaluation holds out as new (its catalog id), beside its real viewers",
    )
    parser.add_argument("--list-held-out", action="store_true", help="list the evaluation's held-out videos")
    parser.add_argument(
        "--cutoff",
        type=float,
        default=DEFAULT_CUTOFF,
        help=f"an audience member ranks the video above this share of the catalog (default {DEFAULT_CUTOFF})",
    )
    parser.set_defaults(func=cmd_audience)
