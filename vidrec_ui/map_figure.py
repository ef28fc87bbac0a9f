"""The plotly figure of the catalog map: WebGL points coloured by one attribute, cluster names at their centres,
and overlays (search matches, the viewer's history, profile and recommendations). Every text is hover-escaped."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from vidrec_core.explore.cluster import NOISE, ClusterResult
from vidrec_ui.text import hover_escape

COLOUR_BY = ("cluster", "genre", "year", "language")
VIEWING = "viewing"  # offered when the catalog has a viewing log: how many people watched each video
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6",
    "#8cd17d", "#d37295", "#a0cbe8", "#ffbe7d", "#b6992d", "#499894", "#f1ce63", "#d4a6c8", "#79706e", "#fabfd2",
)  # fmt: skip
GREY = "#c7c7c7"
SYMBOLS_3D = ("circle", "circle-open", "cross", "diamond", "diamond-open", "square", "square-open", "x")
MAX_CATEGORIES = 14


@dataclass
class Overlay:
    """Extra points drawn on top: `ids` are catalog ids ('' for points that are not videos, e.g. a typed line)."""

    name: str
    coords: np.ndarray
    hover: list[str]
    ids: list[str]
    symbol: str
    colour: str
    size: int = 12
    line_colour: str = "#222222"
    text: list[str] = field(default_factory=list)


def categories(catalog_frame: pd.DataFrame, clusters: ClusterResult, colour_by: str) -> tuple[np.ndarray, list[str]]:
    """The category of every video for a categorical colouring, and the legend order (largest first)."""
    if colour_by == "cluster":
        names = clusters.label_names()
        order = [c.label for c in clusters.clusters if c.id != NOISE]
        if (clusters.labels == NOISE).any():
            order.append("Unclustered")
        return names, order
    if colour_by == "genre":
        values = catalog_frame["genres"].map(lambda g: g[0] if len(g) else "(no genre)").to_numpy(dtype=object)
    else:
        values = catalog_frame["language"].replace("", "(unknown)").to_numpy(dtype=object)
    counts = pd.Series(values).value_counts()
    top = counts.index[:MAX_CATEGORIES].tolist()
    if len(counts) > MAX_CATEGORIES:
        values = np.where(pd.Series(values).isin(top), values, "other")
        top.append("other")
    return values, top


def _scatter(dims: int, coords: np.ndarray, **kwargs) -> go.Scattergl | go.Scatter3d:
    if dims == 3:
        marker = kwargs.pop("marker", {})
        marker = {**marker, "size": max(2, int(marker.get("size", 4) * 0.6))}
        if marker.get("symbol") not in (None, *SYMBOLS_3D):  # WebGL 3D knows only a few marker shapes
            marker["symbol"] = "square"
        return go.Scatter3d(x=coords[:, 0], y=coords[:, 1], z=coords[:, 2], marker=marker, **kwargs)
    return go.Scattergl(x=coords[:, 0], y=coords[:, 1], **kwargs)


def build_map(
    coords: np.ndarray,
    rows: np.ndarray,
    ids: list[str],
    hover: np.ndarray,
    frame: pd.DataFrame,
    clusters: ClusterResult,
    colour_by: str,
    overlays: list[Overlay],
    show_names: bool = True,
    views: np.ndarray | None = None,
) -> go.Figure:
    """`rows` are the catalog rows to draw (all, or a sample for huge catalogs); `views` (per row of `frame`) colours
    and sizes the points by how many people watched them when `colour_by` is "viewing"."""
    dims = coords.shape[1]
    fig = go.Figure()
    ids_array = np.asarray(ids, dtype=object)
    point_size = 5 if len(rows) < 20_000 else 3
    common = {"mode": "markers", "hovertemplate": "%{hovertext}<extra></extra>"}
    if colour_by == VIEWING and views is not None:
        watched = np.asarray(views, dtype=np.float64)[rows]
        scale = np.log10(1.0 + watched)
        top = max(float(scale.max()), 1.0)
        ticks = [v for v in (0, 1, 10, 100, 1_000, 10_000, 100_000) if np.log10(1 + v) <= top + 0.01]
        fig.add_trace(
            _scatter(
                dims,
                coords[rows],
                name="viewing",
                hovertext=[f"{h}<br>watched by {int(w):,}" for h, w in zip(hover[rows], watched, strict=True)],
                customdata=ids_array[rows][:, None],
                marker={
                    "color": scale,
                    "colorscale": "YlOrRd",
                    "cmin": 0.0,
                    "cmax": top,
                    "colorbar": {
                        "title": "watched by",
                        "tickvals": [float(np.log10(1 + v)) for v in ticks],
                        "ticktext": [f"{v:,}" for v in ticks],
                    },
                    "size": point_size + 5 * scale / top,
                    "opacity": 0.8,
                    "line": {"width": 0},
                },
                showlegend=False,
                **common,
            )
        )
    elif colour_by == "year":
        years = frame["year"].astype("float64").to_numpy()[rows]
        known = ~np.isnan(years)
        for mask, name, marker in (
            (known, "year", {"color": years[known], "colorscale": "Viridis", "colorbar": {"title": "year"}}),
            (~known, "(no year)", {"color": GREY}),
        ):
            if mask.any():
                chosen = rows[mask]
                fig.add_trace(
                    _scatter(
                        dims,
                        coords[chosen],
                        name=name,
                        hovertext=hover[chosen],
                        customdata=ids_array[chosen][:, None],
                        marker={**marker, "size": point_size, "opacity": 0.75},
                        showlegend=False,
                        **common,
                    )
                )
    else:
        values, order = categories(frame, clusters, colour_by)
        values = values[rows]
        for position, category in enumerate(order):
            mask = values == category
            if not mask.any():
                continue
            chosen = rows[mask]
            muted = category in ("Unclustered", "other", "(no genre)", "(unknown)")
            colour = GREY if muted else PALETTE[position % len(PALETTE)]
            fig.add_trace(
                _scatter(
                    dims,
                    coords[chosen],
                    name=f"{hover_escape(category, 48)} ({int(mask.sum()):,})",
                    hovertext=hover[chosen],
                    customdata=ids_array[chosen][:, None],
                    marker={"color": colour, "size": point_size, "opacity": 0.45 if muted else 0.75},
                    **common,
                )
            )
    if show_names:
        centres, names = [], []
        for info in clusters.clusters:
            if info.id == NOISE:
                continue
            centres.append(np.median(coords[info.members], axis=0))
            names.append(hover_escape(info.label, 60))
        # Annotations, not text markers: they get a light background, so names stay readable over dense points.
        annotations = [
            {
                "text": name,
                "showarrow": False,
                "font": {"size": 12, "color": "#1a1a1a"},
                "bgcolor": "rgba(255,255,255,0.78)",
                "borderpad": 2,
                **dict(zip(("x", "y", "z"), (float(v) for v in centre), strict=False)),
            }
            for centre, name in zip(centres, names, strict=True)
        ]
        if dims == 3:
            fig.update_layout(scene={"annotations": annotations})
        else:
            fig.update_layout(annotations=annotations)
    for overlay in overlays:
        if len(overlay.coords) == 0:
            continue
        fig.add_trace(
            _scatter(
                dims,
                overlay.coords,
                name=overlay.name,
                mode="markers+text" if overlay.text else "markers",
                text=overlay.text or None,
                textposition="top center",
                textfont={"size": 11, "color": overlay.line_colour},
                hovertext=overlay.hover,
                hovertemplate="%{hovertext}<extra></extra>",
                customdata=np.asarray(overlay.ids, dtype=object)[:, None],
                marker={
                    "symbol": overlay.symbol,
                    "color": overlay.colour,
                    "size": overlay.size,
                    "line": {"width": 1.5, "color": overlay.line_colour},
                },
            )
        )
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    fig.update_layout(
        height=720,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0, "font": {"size": 11}},
        hoverlabel={"align": "left"},
        plot_bgcolor="white",
        uirevision="map",  # keep zoom and camera when only colours or overlays change
    )
    if dims == 3:
        fig.update_layout(scene={"xaxis": axis, "yaxis": axis, "zaxis": axis})
    else:
        fig.update_layout(xaxis=axis, yaxis=axis, dragmode="select")
    return fig


def selected_ids(event) -> list[str]:
    """Video ids of the points chosen by box or lasso, in selection order, without repeats or non-videos."""
    if event is None:
        return []
    try:
        points = event.selection.points
    except (AttributeError, KeyError):
        return []
    out: list[str] = []
    for point in points or []:
        value = point.get("customdata")
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if value and isinstance(value, str) and value not in out:
            out.append(value)
    return out
