"""Command line: everything the app does, scriptable, with --json output.

python -m vidrec_core recommend --history my_history.txt --json      (or: vidrec recommend ...)
echo "The Martian" | python -m vidrec_core recommend --history -
python -m vidrec_core search "heist movies with a twist"
python -m vidrec_core embed --catalog my_videos.csv --model multilingual
python -m vidrec_core index --catalog my_videos.csv

One module per command group registers its commands here; `docs/cli.md` is generated from this parser.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from vidrec_core.cli import audience, embed, evaluate, explore, index, recommend, train
from vidrec_core.core.errors import VidrecError
from vidrec_core.core.notes import printed_to
from vidrec_core.core.notice import whole
from vidrec_core.core.plaintext import visible

PROG = "python -m vidrec_core"
# In the order the help lists them.
COMMANDS = (
    recommend.add_recommend,
    recommend.add_search,
    embed.add_embed,
    index.add_index,
    recommend.add_personas,
    evaluate.add_evaluate,
    explore.add_cluster,
    explore.add_project,
    audience.add_audience,
    train.add_train,
    train.add_fit_fusion,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("--debug", action="store_true", help="show full tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit 0, 2 for bad input (one `error:` line), 130 when interrupted, 1 for a bug."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "k", 1) is not None and getattr(args, "k", 1) < 1:
        parser.error("--k must be at least 1")
    try:
        with printed_to(sys.stderr):  # what was done to the input (damaged rows cleaned, ...) as `note:` lines
            return int(args.func(args))
    except VidrecError as exc:
        print(f"error: {visible(whole(exc.message))}", file=sys.stderr)
        if args.debug and exc.detail:  # what a library said, for whoever debugs; the line above is the answer
            print(f"detail (for engineers): {visible(exc.detail)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {visible(exc)} (rerun with --debug for details)",
            file=sys.stderr,
        )
        return 1
