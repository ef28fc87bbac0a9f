"""Store jieba's cuts of the sample catalog's texts that have Chinese in them, so reading the sample needs no jieba
dictionary (loading it takes about a second of every cold start, for two overviews).

Run after build_sample_catalog.py, and again after upgrading jieba (the stored cuts are used only with the version
that made them): `python scripts/cut_sample_texts.py` (writes sample_data/lexical/jieba_cuts.json).
"""

from __future__ import annotations

import importlib.metadata
import json
import logging

import jieba

from vidrec_core.core.paths import SAMPLE_CUTS
from vidrec_core.data.lexical import _CJK
from vidrec_core.data.load import open_catalog
from vidrec_core.embed.store import text_hash


def main() -> int:
    jieba.setLogLevel(logging.WARNING)
    texts = [t for t in dict.fromkeys(open_catalog(None).texts) if _CJK.search(t)]
    cuts = {text_hash(t): jieba.lcut(t) for t in texts}
    SAMPLE_CUTS.parent.mkdir(parents=True, exist_ok=True)
    stored = {"jieba": importlib.metadata.version("jieba"), "cuts": cuts}
    SAMPLE_CUTS.write_text(json.dumps(stored, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(cuts)} texts with Chinese in them -> {SAMPLE_CUTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
