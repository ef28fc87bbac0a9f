"""The `embed` command: a catalog file or a kept catalog into the shared embedding cache, resumably.

python -m vidrec_core embed --catalog my_videos.csv --model multilingual
python -m vidrec_core embed --catalog vidrec_data/catalogs/my-videos-1a2b3c4d --device cuda
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from vidrec_core.cli.options import add_common, rate_printer
from vidrec_core.core.errors import EncoderError, VidrecError
from vidrec_core.data.kept import KeptCatalogs
from vidrec_core.data.load import open_catalog
from vidrec_core.embed.registry import DEFAULT_ENCODER, get_encoder
from vidrec_core.embed.store import DEFAULT_BATCH_SIZE
from vidrec_core.recommender import embed_catalog


def cmd_embed(args: argparse.Namespace) -> int:
    """Embed a catalog file or a kept catalog (folder, folder name or display name); resumable: what a cancelled
    or crashed run finished is reused."""
    if args.batch_size < 1:
        raise VidrecError("--batch-size must be at least 1.")
    kept_catalogs = KeptCatalogs()
    kept = None
    if args.catalog and not Path(args.catalog).is_file():
        kept = kept_catalogs.find(args.catalog)
    catalog = open_catalog(kept.folder if kept is not None else args.catalog)
    model = args.model or (kept.model if kept is not None else DEFAULT_ENCODER)
    if args.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise EncoderError(
                f"--device {args.device} was asked for, but this machine has no usable CUDA GPU "
                "(or torch was installed without CUDA). Use --device cpu."
            )
    encoder = get_encoder(model, device=args.device)
    started = time.monotonic()
    vectors, report = embed_catalog(catalog, encoder, progress=rate_printer(not args.json), batch_size=args.batch_size)
    if kept is not None:
        kept_catalogs.mark_embedded(kept.slug, encoder.name, seconds=round(time.monotonic() - started, 1))
    summary = {
        "catalog": kept.name if kept is not None else catalog.source,
        "videos": len(catalog),
        "model": encoder.name,
        "dim": int(vectors.shape[1]),
        "reused": report.reused,
        "computed": report.computed,
        "discarded_cache_files": report.discarded_files,
    }
    print(
        json.dumps(summary, ensure_ascii=False, indent=2)
        if args.json
        else "\n".join(f"{k}: {v}" for k, v in summary.items())
    )
    return 0


def add_embed(sub: argparse._SubParsersAction) -> None:
    embed = sub.add_parser(
        "embed",
        help="embed a catalog into the cache (resumable)",
        description="Embed a catalog file, or a catalog kept by the app's Data page (its folder under "
        "vidrec_data/catalogs, the folder's name or its display name), into the shared cache. Interrupt it any "
        "time: the next run resumes where it stopped.",
    )
    add_common(embed)
    embed.set_defaults(model=None)  # a kept catalog's own encoder unless --model is given; else minilm
    embed.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    embed.add_argument("--device", default="cpu", help="cpu or cuda (sentence-transformers models)")
    embed.set_defaults(func=cmd_embed)
