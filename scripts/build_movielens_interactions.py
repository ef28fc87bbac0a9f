"""Derive the MovieLens interaction log for the sample catalog and print the match figures.

The app and the evaluation derive it themselves on first use (vidrec_core/data/movielens.py); this script shows the
figures and can write the log elsewhere: `python scripts/build_movielens_interactions.py [OUT.csv]`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vidrec_core.core.paths import SAMPLE_CATALOG
from vidrec_core.data.load import load_catalog
from vidrec_core.data.movielens import derive, derived_log_path, write_log


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else derived_log_path()
    catalog = load_catalog(SAMPLE_CATALOG, name="sample")
    log, movies_total = derive(catalog)
    for line in log.report.lines():
        print(line)
    print(
        f"movies: {log.report.items:,} of {movies_total:,} MovieLens movies matched "
        f"({log.report.items / movies_total:.1%}), {log.report.items / len(catalog):.1%} of the "
        f"{len(catalog):,}-movie catalog"
    )
    write_log(log, out)
    print(f"wrote {out}: {len(log.frame):,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
