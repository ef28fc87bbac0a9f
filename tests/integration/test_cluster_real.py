"""`cluster` and `project` on the command line with the sample catalog and its real MiniLM vectors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from vidrec_core.core.paths import REPO_ROOT
from vidrec_core.explore.projection import read_projection

pytestmark = pytest.mark.integration


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vidrec_core", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600
    )


def test_cluster_json_names_groups_and_reports_agreement():
    done = run_cli("cluster", "--k", "12", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["k"] == 12 and data["videos"] == 4803
    assert 0.1 < data["nmi_genre"] < 1 and -1 < data["silhouette"] < 1
    clusters = data["clusters"]
    assert sum(c["size"] for c in clusters) == 4803
    for cluster in clusters:
        assert set(cluster) >= {"id", "label", "keywords", "size", "top_genres", "titles"}
        assert cluster["label"] and len(cluster["keywords"]) >= 3 and 1 <= len(cluster["titles"]) <= 5
    keywords = {word for c in clusters for word in c["keywords"]}
    assert {"alien", "war", "love"} <= keywords
    # The sample's viewing log: each group's share of the catalog beside its share of viewing, overall and per year.
    demand = data["demand"]
    groups = demand["groups"]
    assert demand["viewers"] > 600 and len(groups) == 12
    assert sum(g["catalog_share"] for g in groups) == pytest.approx(1, abs=1e-3)
    assert sum(g["viewing_share"] for g in groups) == pytest.approx(1, abs=1e-3)
    assert [g["ratio"] for g in groups] == sorted((g["ratio"] for g in groups), reverse=True)
    assert groups[0]["verdict"] == "thin supply" and groups[-1]["ratio"] < 1
    by_label = {g["label"]: g for g in groups}
    superheroes = next(g for label, g in by_label.items() if "superhero" in label)
    assert superheroes["viewing_share"] > superheroes["catalog_share"]  # MovieLens viewers watch the Marvel films
    years = {row["year"] for row in demand["by_year"]}
    assert {2000, 2010} <= years


def test_hdbscan_on_the_shipped_map_has_an_unclustered_set():
    done = run_cli("cluster", "--method", "hdbscan", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["clusters"][-1]["id"] == -1 and data["clusters"][-1]["label"] == "Unclustered"
    assert data["k"] >= 5 and 0 < data["noise_share"] < 0.9


def test_auto_k_reports_the_silhouette_of_each_k():
    done = run_cli("cluster", "--auto", "--k-max", "12")
    assert done.returncode == 0, done.stderr
    assert "chosen by silhouette" in done.stdout and "silhouette by k: 5:" in done.stdout


def test_project_finds_the_shipped_map_and_writes_a_new_one(tmp_path):
    done = run_cli("project", "--dims", "2", "--json")
    assert done.returncode == 0, done.stderr
    shipped = json.loads(done.stdout)
    assert shipped["source"] == "shipped" and shipped["videos"] == 4803

    out = tmp_path / "pca3.npz"
    done = run_cli("project", "--projection", "pca", "--dims", "3", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    projection = read_projection(out)
    assert projection.coords.shape == (4803, 3) and np.isfinite(projection.coords).all()
    assert projection.digest == shipped["digest"]


def test_bad_cluster_settings_give_one_error_line():
    done = run_cli("cluster", "--k", "1")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error:") and "between 2 and" in done.stderr


def test_audience_of_a_new_space_video_on_the_sample_log(tmp_path):
    video = tmp_path / "new_video.csv"
    video.write_text(
        "title,overview,genres,year\nRed Planet Rescue,"
        '"Astronauts stranded on Mars fight to survive until a rescue mission arrives.",Science Fiction|Drama,2026\n',
        encoding="utf-8",
    )
    done = run_cli("audience", "--file", str(video), "--cutoff", "0.8", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["viewers"] > 600 and 0 < data["audience_size"] < data["viewers"]
    assert any("Mars" in near["title"] for near in data["nearest"][:3])
    assert data["audience_genres"][0]["genre"] == "Science Fiction" and data["audience_genres"][0]["lift"] > 1.5
    assert "Space sci-fi fan" in data["personas_top10"]


def test_a_held_out_video_asked_as_new_finds_its_real_viewers_above_chance():
    listed = run_cli("audience", "--list-held-out", "--json")
    assert listed.returncode == 0, listed.stderr
    held_out = json.loads(listed.stdout)
    assert len(held_out) > 100 and held_out[0]["viewers"] >= held_out[-1]["viewers"]
    done = run_cli("audience", "--held-out", held_out[0]["id"], "--json")
    assert done.returncode == 0, done.stderr
    real = json.loads(done.stdout)["held_out"]
    assert real["id"] == held_out[0]["id"] and real["real_viewers"] == held_out[0]["viewers"]
    assert real["in_top_tenth"] > 1.5 * real["chance_in_top_tenth"]  # Jurassic Park: 29 of 150 in the top 67, chance 15
    assert json.loads(done.stdout)["nearest"][0]["title"] != held_out[0]["title"]  # not its own catalog row
    refused = run_cli("audience", "--held-out", "no-such-id")
    assert refused.returncode != 0 and "is not one of the evaluation's held-out videos" in refused.stderr
