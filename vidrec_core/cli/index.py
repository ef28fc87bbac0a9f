"""The `index` command: a large catalog's vector index (LanceDB IVF-PQ), built from its embeddings.

python -m vidrec_core embed --catalog big.parquet --engine ray
python -m vidrec_core index --catalog big.parquet                   (beside the data folder's cache)
python -m vidrec_core index --catalog big.parquet --uri s3://bucket/vidrec-index
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from vidrec_core.cli.embed import encoder_facts
from vidrec_core.cli.options import add_common, say
from vidrec_core.data.kept import KeptCatalogs
from vidrec_core.data.load import open_catalog
from vidrec_core.embed.registry import DEFAULT_ENCODER
from vidrec_core.embed.store import embedding_store
from vidrec_core.index.build import build_index, catalog_hashes, vectors_from_store
from vidrec_core.index.files import index_folder, vectors_path


def cmd_index(args: argparse.Namespace) -> int:
    """Write the catalog's vectors file from the embedding store, then the LanceDB table and its indexes."""
    kept = None
    if args.catalog and not Path(args.catalog).is_file():
        kept = KeptCatalogs().find(args.catalog)
    catalog = open_catalog(kept.folder if kept is not None else args.catalog)
    model = args.model or (kept.model if kept is not None else DEFAULT_ENCODER)
    encoder = encoder_facts(model)
    folder = index_folder(catalog.digest, encoder.name)
    where = f"--catalog {args.catalog}" if args.catalog else ""
    say(f"writing the vectors of {len(catalog):,} videos to {vectors_path(folder)}")
    vectors = vectors_from_store(
        catalog_hashes(catalog),
        embedding_store(encoder),
        vectors_path(folder),
        command=f"vidrec embed {where} --model {model}".replace("  ", " "),
    )
    manifest = build_index(catalog, encoder.name, vectors, uri=args.uri, rebuild=args.rebuild, say=say)
    summary = {
        "catalog": kept.name if kept is not None else catalog.source,
        "videos": manifest.rows,
        "model": manifest.encoder,
        "kind": manifest.kind,
        "partitions": manifest.partitions,
        "sub_vectors": manifest.sub_vectors,
        "uri": manifest.uri,
        "table": manifest.table,
        "vectors_file": str(vectors_path(folder)),
        "seconds": manifest.build_seconds,
    }
    print(
        json.dumps(summary, ensure_ascii=False, indent=2)
        if args.json
        else "\n".join(f"{k}: {v}" for k, v in summary.items())
    )
    return 0


def add_index(sub: argparse._SubParsersAction) -> None:
    index = sub.add_parser(
        "index",
        help="build a catalog's vector index (for catalogs of hundreds of thousands of videos and more)",
        description="Build the LanceDB vector index of a catalog that is already embedded (`embed`). Catalogs of "
        "VIDREC_INDEX_FROM videos or more (default 500,000) then retrieve candidates from it, re-scored exactly, "
        "instead of scoring every video; `recommend --index lance` uses it at any size.",
    )
    add_common(index)
    index.set_defaults(model=None)  # a kept catalog's own encoder unless --model is given; else minilm
    index.add_argument(
        "--uri",
        default=None,
        help="where the table goes: a folder or any URI LanceDB opens (s3://, gs://, az://); default "
        "VIDREC_INDEX_URI, else the data folder's cache",
    )
    index.add_argument("--rebuild", action="store_true", help="write the table anew even if one is there")
    index.set_defaults(func=cmd_index)
