"""Command line for the cluster explorer: `cluster` names the catalog's groups, `project` writes a map.

python -m vidrec_core cluster --auto --json
python -m vidrec_core cluster --method hdbscan --min-cluster-size 20
python -m vidrec_core project --dims 3
"""

from __future__ import annotations

import argparse
import json

from vidrec_core.cli.options import add_common
from vidrec_core.core.paths import cache_dir
from vidrec_core.explore.cluster import ClusterConfig, cluster_catalog
from vidrec_core.explore.demand import GroupDemand, catalog_demand, group_demand, viewing_by_year
from vidrec_core.explore.drill import SUB_K, drill_down
from vidrec_core.explore.projection import ProjectionConfig, file_name, project, save_projection
from vidrec_core.recommender import load_recommender

HDBSCAN_SPACES = ("map", "embeddings")


def _projection_config(args: argparse.Namespace, dims: int | None = None) -> ProjectionConfig:
    return ProjectionConfig(
        method=args.projection,
        n_components=dims or args.dims,
        n_neighbors=args.neighbors,
        min_dist=args.min_dist,
        random_state=args.projection_seed,
    )


def cmd_cluster(args: argparse.Namespace) -> int:
    recommender, _ = load_recommender(args.catalog, args.model)
    config = ClusterConfig(
        method=args.method,
        k=None if args.auto else args.k,
        k_range=(args.k_min, args.k_max),
        min_cluster_size=args.min_cluster_size,
        n_keywords=args.keywords,
        n_titles=args.titles,
        random_state=args.seed,
    )
    space = None
    if args.method == "hdbscan" and args.hdbscan_on == "map":
        space = project(recommender.items, _projection_config(args, dims=2)).coords
    result = cluster_catalog(recommender.catalog, recommender.items, config, space=space)
    data = {
        "catalog": recommender.catalog.source,
        "videos": len(recommender.catalog),
        "model": recommender.encoder.name,
        **result.as_dict(),
    }
    if args.method == "hdbscan":
        data["hdbscan_on"] = args.hdbscan_on
    subs = drill_down(recommender.catalog, recommender.items, result, args.sub_k) if args.levels == 2 else {}
    for cluster in data["clusters"]:
        if cluster["id"] in subs:
            cluster["sub_groups"] = [sub.as_dict() for sub in subs[cluster["id"]]]
    demand = catalog_demand(recommender.catalog, args.interactions)
    groups: list[GroupDemand] = []
    if demand is not None:
        names = {info.id: info.label for info in result.clusters}
        groups = group_demand(demand, result.labels, names)
        data["demand"] = {
            "viewers": demand.viewers,
            "views": demand.total_views,
            "groups": [g.as_dict() for g in groups],
            "by_year": viewing_by_year(demand, result.labels, names).round({"viewing_share": 4}).to_dict("records"),
        }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=int))
        return 0
    chosen = " (chosen by silhouette)" if data["auto_k"] else ""
    print(f"{data['videos']:,} videos, {result.k} clusters{chosen}, method {args.method}")
    if result.k_scores:
        print("silhouette by k: " + ", ".join(f"{k}: {v:.3f}" for k, v in result.k_scores.items()))
    nmi, sil = result.agreement.nmi_genre, result.agreement.silhouette
    print(
        f"agreement with primary genre (NMI): {'n/a' if nmi is None else f'{nmi:.3f}'}; "
        f"silhouette (cosine): {'n/a' if sil is None else f'{sil:.3f}'}; "
        f"unclustered: {result.agreement.noise_share:.1%}"
    )
    for info in result.clusters:
        year = "" if info.median_year is None else f", median year {info.median_year:.0f}"
        print(f"\n[{info.id}] {info.label}  ({info.size} videos{year})")
        print(f"    genres: {', '.join(info.top_genres)}")
        print(f"    keywords: {', '.join(info.keywords)}")
        print(f"    e.g. {'; '.join(info.titles)}")
        for sub in subs.get(info.id, []):
            examples = "; ".join(sub.titles[:3])
            print(f"      - {sub.label}  ({sub.size} videos; {', '.join(sub.top_genres)}); e.g. {examples}")
    if groups:
        said = f"{demand.total_views:,} views by {demand.viewers:,} viewers"
        print(f"\nDemand ({said}): share of the catalog -> share of viewing")
        for g in groups:
            print(
                f"  {g.catalog_share:6.1%} -> {g.viewing_share:6.1%}  x{g.ratio:4.2f}  {g.verdict:12s}  [{g.group}] "
                f"{g.label}  ({g.unwatched_share:.0%} of its videos unwatched)"
            )
    return 0


def cmd_project(args: argparse.Namespace) -> int:
    recommender, _ = load_recommender(args.catalog, args.model)
    projection = project(recommender.items, _projection_config(args), use_cache=not args.force)
    if args.out:
        projection.path = save_projection(projection, args.out)
    elif projection.path is None:  # --force, or a read-only data folder: write where the app looks
        target = cache_dir() / "projections" / file_name(projection.config, projection.digest)
        projection.path = save_projection(projection, target)
    summary = {
        "file": str(projection.path),
        "videos": len(projection.coords),
        "dims": projection.config.n_components,
        "method": projection.config.method,
        "settings": projection.config.slug,
        "digest": projection.digest,
        "source": projection.source,
        "seconds": round(projection.seconds, 2),
    }
    print(json.dumps(summary, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in summary.items()))
    return 0


def _add_projection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--projection", default="umap", choices=("umap", "pca"), help="how the map is drawn")
    parser.add_argument("--neighbors", type=int, default=15, help="UMAP n_neighbors (default 15)")
    parser.add_argument("--min-dist", type=float, default=0.1, help="UMAP min_dist (default 0.1)")
    parser.add_argument("--projection-seed", type=int, default=42, help="UMAP random_state (default 42)")


def add_cluster(sub: argparse._SubParsersAction) -> None:
    cluster = sub.add_parser("cluster", help="group the catalog and name each group")
    add_common(cluster)
    cluster.add_argument("--method", default="kmeans", choices=("kmeans", "hdbscan"))
    how_many = cluster.add_mutually_exclusive_group()
    how_many.add_argument("--k", type=int, default=12, help="number of KMeans clusters (default 12)")
    how_many.add_argument("--auto", action="store_true", help="choose k by silhouette between --k-min and --k-max")
    cluster.add_argument("--k-min", type=int, default=5, help="smallest k --auto tries (default 5)")
    cluster.add_argument("--k-max", type=int, default=30, help="largest k --auto tries (default 30)")
    cluster.add_argument("--min-cluster-size", type=int, default=15, help="HDBSCAN's smallest group (default 15)")
    cluster.add_argument(
        "--levels", type=int, choices=(1, 2), default=1, help="2: open every group into named sub-groups"
    )
    cluster.add_argument(
        "--sub-k", type=int, default=SUB_K, help=f"sub-groups per group at --levels 2 (default {SUB_K})"
    )
    cluster.add_argument(
        "--interactions",
        help="a viewing log (CSV, TSV, Parquet, JSONL) for demand per group: share of the catalog against share of "
        "viewing, overall and per year; default: the sample's MovieLens log for the sample",
    )
    cluster.add_argument(
        "--hdbscan-on",
        default="map",
        choices=HDBSCAN_SPACES,
        help="where HDBSCAN measures density: the 2D UMAP map (default) or the raw embeddings",
    )
    cluster.add_argument("--keywords", type=int, default=8, help="keywords per cluster (default 8)")
    cluster.add_argument("--titles", type=int, default=5, help="representative titles per cluster (default 5)")
    cluster.add_argument("--seed", type=int, default=0, help="random_state for KMeans and the silhouette sample")
    _add_projection_options(cluster)
    cluster.set_defaults(func=cmd_cluster, dims=2)


def add_project(sub: argparse._SubParsersAction) -> None:
    proj = sub.add_parser("project", help="compute a 2D or 3D map of the catalog and write it to a file")
    add_common(proj)
    proj.add_argument("--dims", type=int, default=2, choices=(2, 3))
    _add_projection_options(proj)
    proj.add_argument("--out", help="output .npz (default: the data folder's cache, where the app finds it)")
    proj.add_argument("--force", action="store_true", help="recompute even when a stored projection matches")
    proj.set_defaults(func=cmd_project)
