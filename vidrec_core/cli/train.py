"""The `train` command: fit the learned strategy's adapter on an interaction log, over frozen catalog embeddings.

python -m vidrec_core train                      # MovieLens sample log, sample catalog, MiniLM -> the shipped artefact
python -m vidrec_core train --interactions my_log.csv --catalog my_videos.csv --out my_model.npz --device auto
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from vidrec_core.cli.options import say
from vidrec_core.data.interactions import load_interactions, positives_by_user
from vidrec_core.data.lexical import LexicalIndex
from vidrec_core.data.load import is_sample, open_catalog
from vidrec_core.data.movielens import sample_interactions_path
from vidrec_core.data.schema import Catalog
from vidrec_core.embed.encoders import Encoder
from vidrec_core.embed.registry import DEFAULT_ENCODER, get_encoder
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import shipped_artefact_path, shipped_fusion_path
from vidrec_core.learn.config import SHIPPED_CONFIG, LearnedModelError
from vidrec_core.learn.fusion import FusionFeatures, fit_fusion_weights, like_counts, text_prior
from vidrec_core.recommender import embed_catalog


def training_data(args: argparse.Namespace) -> tuple[Catalog, Path, list[np.ndarray]]:
    """The catalog, its interaction log (the sample's MovieLens log by default) and each user's liked videos."""
    catalog = open_catalog(args.catalog)
    if args.interactions:
        interactions = Path(args.interactions)
    elif is_sample(catalog):
        interactions = sample_interactions_path()
    else:
        raise LearnedModelError("Give the interaction log to learn from with --interactions PATH.")
    say(f"reading {interactions.name}")
    log = load_interactions(interactions, catalog)
    for line in log.report.lines():
        say(line)
    sequences = list(positives_by_user(log, args.positive_threshold).values())
    if args.max_users is not None:
        sequences = sequences[: args.max_users]
    return catalog, interactions, sequences


def catalog_vectors(catalog: Catalog, model: str) -> tuple[Encoder, np.ndarray]:
    say(f"embedding the catalog with {model} (cached after the first run)")
    encoder = get_encoder(model)
    vectors, _ = embed_catalog(catalog, encoder)
    return encoder, vectors


def write_to(out: Path, save: Callable[[Path], object]) -> None:
    """Save a trained result; an unwritable path is a message that says what to do."""
    try:
        save(out)
    except OSError as exc:
        raise LearnedModelError(f"Could not write {out}: {exc.strerror or exc}. Pick a writable --out path.") from exc


def cmd_train(args: argparse.Namespace) -> int:
    config = SHIPPED_CONFIG
    overrides = {k: v for k, v in (("epochs", args.epochs), ("seed", args.seed), ("dim", args.dim)) if v is not None}
    config = replace(config, **overrides)
    catalog, interactions, sequences = training_data(args)
    encoder, vectors = catalog_vectors(catalog, args.model)
    model = LearnedModel(config).fit(
        sequences, vectors, progress=say, device=args.device, catalog_digest=catalog.digest, encoder=encoder.name
    )
    out = Path(args.out) if args.out else shipped_artefact_path(encoder.name)
    write_to(out, model.save)
    summary = {
        "out": str(out),
        "bytes": out.stat().st_size,
        "catalog_digest": catalog.digest,
        "encoder": encoder.name,
        "interactions": interactions.name,
        "config": asdict(config),
        "summary": model.summary_,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"wrote {out} ({summary['bytes'] / 1e6:.1f} MB): {model.summary_['examples']:,} examples, "
            f"{model.summary_['epochs']} epochs, final loss {model.summary_['final_loss']}, "
            f"{model.summary_['seconds']} s on {model.summary_['device']}"
        )
    return 0


def add_train(sub: argparse._SubParsersAction) -> None:
    tr = sub.add_parser(
        "train",
        help="train the learned strategy's adapter on an interaction log (CPU, minutes)",
        description="Learn, from viewing histories, to predict each next liked video over the frozen embeddings.",
    )
    tr.add_argument("--interactions", help="interaction log (default: the MovieLens log matched to the sample)")
    tr.add_argument("--catalog", help="catalog file (default: the sample)")
    tr.add_argument("--model", default=DEFAULT_ENCODER, help="language model: minilm, multilingual or a local path")
    tr.add_argument("--out", help="artefact path (default: sample_data/learned/<model>_movielens.npz)")
    tr.add_argument("--epochs", type=int, help="passes over the data (default: the shipped configuration's)")
    tr.add_argument("--seed", type=int, help="random seed (default 0): the same seed gives the same weights")
    tr.add_argument("--dim", type=int, help="width of the adapted space")
    tr.add_argument("--positive-threshold", type=float, default=4.0, help="ratings at or above this are positives")
    tr.add_argument("--max-users", type=int, help="train on the first N users only (quick checks)")
    tr.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"], help="auto uses a GPU when present")
    tr.add_argument("--json", action="store_true", help="print a JSON summary")
    tr.set_defaults(func=cmd_train)


def cmd_fit_fusion(args: argparse.Namespace) -> int:
    """Learn the fusion strategy's weights on warm videos of a viewing log (pseudo-new videos), with and without
    the text prior; the app uses them for this catalog when VIDREC_FUSION_WEIGHTS points at the file."""
    catalog, interactions, sequences = training_data(args)
    encoder, vectors = catalog_vectors(catalog, args.model)
    say("reading the catalog's words and names")
    lexical = LexicalIndex(catalog)
    likes = like_counts(sequences, len(catalog))
    say("fitting the weights on videos set aside as new (three seeds)")
    try:
        weights = fit_fusion_weights(
            sequences,
            lambda set_aside: FusionFeatures(lexical, vectors, text_prior(vectors, likes, set_aside)),
            len(catalog),
        )
    except ValueError as exc:
        raise LearnedModelError(str(exc)) from exc
    if args.out:
        out = Path(args.out)
    elif is_sample(catalog):
        out = shipped_fusion_path(encoder.name)
    else:
        raise LearnedModelError("Give the file to write with --out PATH (for example my_fusion.json).")
    weights = replace(weights, info={**weights.info, "encoder": encoder.name, "interactions": interactions.name})
    write_to(out, weights.save)
    summary = {
        "out": str(out),
        "encoder": encoder.name,
        "interactions": interactions.name,
        "with_prior": weights.with_prior.weights,
        "without_prior": weights.without_prior.weights,
        "info": weights.info,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"wrote {out}: {weights.info['pairs']:,} pairs from {weights.info['users']:,} histories")
        for name, value in sorted(weights.with_prior.weights.items(), key=lambda kv: -abs(kv[1])):
            print(f"  {name:16s} {value:+.3f}")
    return 0


def add_fit_fusion(subparsers: argparse._SubParsersAction) -> None:
    """Register `fit-fusion` on the main parser's subcommands."""
    ff = subparsers.add_parser(
        "fit-fusion",
        help="learn the fusion strategy's weights from an interaction log (seconds to a minute)",
        description="Set warm videos aside as if new and learn which content features (meaning, people, words, tags, "
        "genres, years, a text prior) find the ones each viewer liked.",
    )
    ff.add_argument("--interactions", help="interaction log (default: the MovieLens log matched to the sample)")
    ff.add_argument("--catalog", help="catalog file (default: the sample)")
    ff.add_argument("--model", default=DEFAULT_ENCODER, help="language model: minilm, multilingual or a local path")
    ff.add_argument("--out", help="weights file (default for the sample: sample_data/fusion/<model>_movielens.json)")
    ff.add_argument("--positive-threshold", type=float, default=4.0, help="ratings at or above this are positives")
    ff.add_argument("--max-users", type=int, help="use the first N users only (quick checks)")
    ff.add_argument("--json", action="store_true", help="print a JSON summary")
    ff.set_defaults(func=cmd_fit_fusion)
