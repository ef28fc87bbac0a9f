"""Map & clusters: the catalog as a picture, its groups named in plain words, and where a viewer's tastes sit."""

import numpy as np
import pandas as pd
import streamlit as st

from vidrec_core.core.errors import VidrecError
from vidrec_core.core.jobs import Job
from vidrec_core.core.notice import Notice
from vidrec_core.explore.cluster import NOISE, central_order
from vidrec_core.explore.overlay import event_points, profile_point
from vidrec_ui.audience_view import audience_form, audience_report, current_audience, new_video_overlay
from vidrec_ui.bootstrap import ensure_app
from vidrec_ui.controls import chosen_calibration, chosen_strategy
from vidrec_ui.demand_view import demand_columns, demand_section
from vidrec_ui.drill_view import TABLE_KEY, cached_sub_groups, picked_group, sub_group_overlays, sub_group_table
from vidrec_ui.history_state import append_line, current_history_text
from vidrec_ui.map_data import (
    MAX_POINTS,
    cached_clusters,
    cached_demand,
    cached_hover,
    cached_map_sample,
    cached_whole_catalog_clusters,
    hover_texts,
    map_projection,
    sample_for_display,
    show_map_jobs,
)
from vidrec_ui.map_figure import COLOUR_BY, VIEWING, Overlay, build_map, selected_ids
from vidrec_ui.notices import engineer_details, plain, say, start_details
from vidrec_ui.resources import current_recommender
from vidrec_ui.text import hover_escape, md_escape

ensure_app(__file__)
start_details()

METHODS = {
    "kmeans": "KMeans: choose k",
    "auto": "KMeans: automatic k (silhouette)",
    "hdbscan": "HDBSCAN: dense groups + unclustered",
}

st.title("Map & clusters")
added = st.session_state.pop("map_added", 0)
if added:
    st.success(f"Added {added} video{'s' if added > 1 else ''} to the viewing history; they are on the map now.")
st.caption(
    "Every dot is a video, placed by the meaning of its text (UMAP of the embeddings): neighbours are about "
    "similar things. Groups are named by the words that set them apart. Drag a box or lasso on the 2D map to list "
    "the videos inside."
)
recommender = current_recommender()
if recommender is None:
    st.stop()
# The map's own catalog: the whole catalog, or for millions of videos a seeded sample (vidrec_core.explore.sample).
view = cached_map_sample(recommender, recommender.catalog.digest, recommender.encoder.name)
catalog = view.catalog
frame = catalog.frame
digest, model = view.key, recommender.encoder.name

top = st.columns([3, 2, 2, 2])
method = top[0].selectbox("Groups", list(METHODS), format_func=METHODS.get, key="map_method")
k = None
min_cluster_size = 40
max_k = max(2, min(40, len(catalog) - 1))
max_group = max(2, min(300, len(catalog) // 2))
if method == "kmeans":  # a slider needs two ends: a catalog of a handful of videos gets 2 groups without one
    k = top[1].slider("Number of clusters (k)", 2, max_k, min(12, max_k), key="map_k") if max_k > 2 else 2
elif method == "hdbscan":
    min_cluster_size = (
        top[1].slider("Smallest group", 2, max_group, min(40, max(2, len(catalog) // 4)), key="map_mcs")
        if max_group > 2
        else 2
    )
demand = cached_demand(recommender, recommender.catalog.digest)
colour_by = top[2].selectbox("Colour by", (*COLOUR_BY, VIEWING) if demand else COLOUR_BY, key="map_colour")
dims = top[3].segmented_control("Map", [2, 3], default=2, format_func=lambda d: f"{d}D", key="map_dims") or 2

try:
    maps = {d: map_projection(view, digest, model, d) for d in {dims, 2 if method == "hdbscan" else dims}}
    pending = [m for m in maps.values() if isinstance(m, Job)]
    if pending:
        show_map_jobs(pending)
        st.stop()
    projection = maps[dims]
    clusters = cached_clusters(
        view,
        digest,
        model,
        "kmeans" if method == "auto" else method,
        k,
        min_cluster_size,
        _space=maps[2].coords if method == "hdbscan" else None,
    )
except VidrecError as exc:
    say(exc.notice, st.error)
    st.stop()
if view.sampled:  # groups found in the sample; every video of the catalog joins its nearest one
    key = (digest, model, method, k, min_cluster_size)
    clusters = cached_whole_catalog_clusters(view, recommender, clusters, key)
coords = projection.coords
items = view.items
opened = None if view.sampled else picked_group(clusters)  # the group chosen in the table opens into its parts
parts = cached_sub_groups(view, opened, (digest, model, method, k, min_cluster_size, opened.id)) if opened else []

# ----------------------------------------------------------------------------------------------- how good is it
agreement = clusters.agreement
cols = st.columns(4)
cols[0].metric("Clusters", clusters.k, help="Groups found; HDBSCAN also leaves some videos unclustered.")
cols[1].metric(
    "Genre agreement (NMI)",
    "n/a" if agreement.nmi_genre is None else f"{agreement.nmi_genre:.2f}",
    help="Normalised mutual information between the clusters and each video's first genre: 0 = unrelated, "
    "1 = the same grouping. Topic clusters cut across genres, so 0.2-0.4 is typical.",
)
cols[2].metric(
    "Silhouette (cosine)",
    "n/a" if agreement.silhouette is None else f"{agreement.silhouette:.3f}",
    help="How much closer videos are to their own cluster than to the next one (-1..1). Text embeddings give small "
    "values; compare settings rather than read it alone.",
)
if clusters.config.method == "hdbscan":
    cols[3].metric("Unclustered", f"{agreement.noise_share:.0%}", help="Share of videos HDBSCAN put in no group.")
else:
    sizes = [c.size for c in clusters.clusters]
    cols[3].metric("Cluster sizes", f"{min(sizes):,}–{max(sizes):,}", help="Smallest and largest cluster.")
if clusters.k_scores:
    best = max(clusters.k_scores, key=clusters.k_scores.get)
    with st.expander(f"Automatic k: {best} had the best silhouette of the k tried"):
        st.bar_chart(
            pd.DataFrame({"k": list(clusters.k_scores), "silhouette": list(clusters.k_scores.values())}),
            x="k",
            y="silhouette",
            height=200,
        )
        st.caption(
            plain(
                Notice(
                    "Silhouette of each k on a sample of up to 2,500 videos. Fewer than 5 groups are not tried: on "
                    "descriptions the silhouette nearly always favours 2, which says little about a catalog.",
                    "The automatic k range is 5-30 (ClusterConfig.k_range; docs/user-guide.md, Map & clusters).",
                )
            )
        )

# ------------------------------------------------------------------------------------------------ overlays
row = st.columns([3, 1, 2])
query = row[0].text_input(
    "Highlight by meaning",
    placeholder="astronauts stranded on Mars",
    key="map_query",
    help="Rings the videos closest in meaning to the words (semantic search), and any whose title contains them.",
)
n_highlight = row[1].number_input("How many", 5, 200, 30, step=5, key="map_n_highlight")
show_viewer = row[2].toggle("Show the viewer's history, profile and picks", value=True, key="map_viewer")

overlays: list[Overlay] = []
highlight_note = ""
if query.strip():
    hits = [i for i, _ in recommender.search(query, k=int(n_highlight))]  # catalog rows
    needle = query.strip().lower()
    title_hits = np.flatnonzero(frame["title"].str.lower().str.contains(needle, regex=False).to_numpy())[:50]
    if view.sampled:  # titles are searched in the sample: the whole catalog's titles would take seconds
        title_hits = view.rows[title_hits]
    hits += [int(i) for i in title_hits if int(i) not in hits]
    hits_array = np.array(hits, dtype=int)
    hit_hover = hover_texts(recommender.catalog.frame.iloc[hits_array])
    overlays.append(
        Overlay(
            name=f"search: {hover_escape(query, 30)}",
            coords=view.points(projection, hits_array, recommender.items[hits_array]),
            hover=[f"Search match<br>{text}" for text in hit_hover],
            ids=[recommender.catalog.ids[i] for i in hits],
            symbol="circle-open",
            colour="#111111",
            size=13,
            line_colour="#111111",
        )
    )
    highlight_note = f"{len(hits)} videos ringed for the search."

history_text = current_history_text()
if show_viewer and history_text.strip():
    events = recommender.understand(history_text)
    if events:
        embedded = recommender.embed_events(events)
        overlays.append(
            Overlay(
                name="history",
                coords=event_points(projection, items, catalog.index_of, events, embedded.vectors),
                hover=[
                    f"History line {e.line_no} ({e.kind.value})<br><b>{hover_escape(e.matched_title or e.text, 90)}</b>"
                    for e in events
                ],
                ids=[e.matched_id or "" for e in events],
                symbol="diamond",
                colour="#e8463a",
                size=12,
                line_colour="#7a1f17",
            )
        )
        # The studio's strategy: the map shows the profile the picks came from.
        strategy, params = chosen_strategy(default=recommender.default_strategy)
        try:
            result = recommender.recommend(
                events, strategy=strategy, k=10, params=params, calibration=chosen_calibration()
            )
        except VidrecError:
            result = None
        rec_rows = [r.index for r in result.recommendations] if result else []
        if rec_rows:
            rec_hover = hover_texts(recommender.catalog.frame.iloc[rec_rows])
            overlays.append(
                Overlay(
                    name="recommended",
                    coords=view.points(projection, np.array(rec_rows), recommender.items[rec_rows]),
                    hover=[f"Recommended #{n}<br>{text}" for n, text in enumerate(rec_hover, start=1)],
                    ids=[recommender.catalog.ids[i] for i in rec_rows],
                    symbol="star",
                    colour="#ffb000",
                    size=15,
                    line_colour="#6b4a00",
                )
            )
        profile_at = profile_point(projection, items, result.profile.profile if result and result.profile else None)
        if profile_at is not None:
            overlays.append(
                Overlay(
                    name="profile",
                    coords=profile_at,
                    hover=[
                        f"<b>Interest profile</b><br>the {hover_escape(strategy, 30)} strategy's profile of the "
                        "history, placed among its neighbours"
                    ],
                    ids=[""],
                    symbol="x",
                    colour="#7b2cbf",
                    size=18,
                    text=["profile"],
                    line_colour="#3c096c",
                )
            )
elif show_viewer:
    st.caption("No viewing history in this session yet: pick a persona or type one on the Recommend page.")

if opened is not None:
    overlays = sub_group_overlays(opened, parts, coords) + overlays
new_video = current_audience(recommender)
if new_video is not None and not view.sampled:
    overlays.append(new_video_overlay(new_video, projection, items))

# ------------------------------------------------------------------------------------------------------ the map
rows = sample_for_display(len(catalog))
figure = build_map(
    coords,
    rows,
    catalog.ids,
    cached_hover(view, digest),
    frame,
    clusters,
    colour_by,
    overlays,
    views=None if demand is None else demand.views[view.rows] if view.sampled else demand.views,
)
notes = [f"{projection.config.method.upper()} {dims}D ({projection.source})"]
if view.sampled:
    notes.append(
        f"showing a random {len(catalog):,} of {view.total:,} videos (a seeded sample: the map and its groups are "
        f"fitted on it); every video is in its nearest group, so group sizes count all {view.total:,}, and search "
        "uses all of them"
    )
elif len(rows) < len(catalog):
    notes.append(f"showing a random {MAX_POINTS:,} of {len(catalog):,} videos; clusters and search use all of them")
else:
    notes.append(f"all {len(catalog):,} videos drawn with WebGL")
if highlight_note:
    notes.append(highlight_note)
if show_viewer and history_text.strip():
    notes.append(
        "history ♦ red, profile ✕ purple, recommendations ★ gold; typed lines are placed among their neighbours"
    )
st.caption(" · ".join(notes))
if dims == 2:
    event = st.plotly_chart(
        figure,
        key=f"map_chart_{digest[:8]}",
        on_select="rerun",
        selection_mode=("box", "lasso"),
        config={"displaylogo": False, "scrollZoom": True},
    )
else:
    st.plotly_chart(figure, key="map_chart_3d", config={"displaylogo": False})
    event = None
    st.caption("Box and lasso selection work on the 2D map.")


def video_table(indices: list[int], key: str, title: str) -> None:
    """A table of videos with a button that adds the rows chosen in it to the viewing history."""
    if not indices:
        return
    cluster_names = clusters.label_names()
    shown = frame.iloc[indices]
    table = pd.DataFrame(
        {
            "title": shown["title"].to_numpy(),
            "year": shown["year"].to_numpy(),
            "genres": shown["genres"].map(", ".join).to_numpy(),
            "cluster": cluster_names[indices],
            "overview": shown["overview"].str.slice(0, 160).to_numpy(),
        }
    )
    st.markdown(f"**{md_escape(title)}**")
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(table)),
        on_select="rerun",
        selection_mode="multi-row",
        key=key,
    )
    chosen = [indices[r] for r in (picked.selection.rows if picked is not None else []) if r < len(indices)]
    label = f"Add {len(chosen)} selected to history" if chosen else "Select rows to add them to the history"
    if st.button(label, key=f"{key}_add", disabled=not chosen, icon=":material/playlist_add:"):
        for i in chosen:
            year = frame["year"].iloc[i]
            append_line(f"{frame['title'].iloc[i]} ({int(year)})" if not pd.isna(year) else frame["title"].iloc[i])
        st.session_state["map_added"] = len(chosen)
        st.rerun()  # redraw the map with the longer history


ids_chosen = selected_ids(event)
if ids_chosen:
    chosen_rows = [catalog.index_of[i] for i in ids_chosen if i in catalog.index_of]
    video_table(chosen_rows, "map_selected_table", f"{len(chosen_rows)} videos selected on the map")

# ------------------------------------------------------------------------------------------------------ demand
groups = []
if demand is None:
    st.caption(
        "This catalog has no viewing log, so the map shows what the catalog holds, not what people watch: demand per "
        "group needs a log of who watched what."
    )
elif view.sampled:
    st.caption("Demand per group is shown for catalogs the map draws whole; the colours above show viewing.")
else:
    groups = demand_section(demand, clusters)

# --------------------------------------------------------------------------------------------- cluster summary
st.subheader("Clusters")
summary = pd.DataFrame(
    {
        "cluster": [c.label for c in clusters.clusters],
        "size": [c.size for c in clusters.clusters],
        "top genres": [", ".join(c.top_genres) for c in clusters.clusters],
        "median year": [None if c.median_year is None else round(c.median_year) for c in clusters.clusters],
        "representative titles": ["; ".join(c.titles) for c in clusters.clusters],
        "keywords": [", ".join(c.keywords) for c in clusters.clusters],
    }
)
if groups:  # share of the catalog beside share of viewing, in percent
    summary = pd.concat([summary.iloc[:, :2], demand_columns(clusters, groups), summary.iloc[:, 2:]], axis=1)
st.caption("Select a cluster to open it into its parts (on the map and below) and list its videos, most central first.")
pick = st.dataframe(
    summary,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key=TABLE_KEY,
)
picked_rows = pick.selection.rows if pick is not None else []
if picked_rows and picked_rows[0] < len(clusters.clusters):
    info = clusters.clusters[picked_rows[0]]
    order = central_order(items, info.members)
    if opened is not None and opened.id == info.id:
        sub_group_table(info, parts)
    kind = "unclustered videos" if info.id == NOISE else f"videos in “{info.label}”"
    if view.sampled:
        kind += f", the most central of the {len(info.members):,} in the sample listed"
    video_table(order[:500].tolist(), f"cluster_members_{info.id}", f"{info.size:,} {kind}")
# ---------------------------------------------------------------------------------------- a new video's audience
audience_form(recommender)
if new_video is not None:
    audience_report(recommender, new_video, None if view.sampled else clusters)

engineer_details()
