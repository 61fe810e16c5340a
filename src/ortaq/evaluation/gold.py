"""A gold folder and its articles, shared by the `ortaq eval` commands over hand-made gold.

Layout (../shared/realnews, ../shared/samples): `gold/NNN_LL.json` names its article in
"file" (a path relative to the articles folder) and its language in "reading.language";
the article is plain text. A gold file that is not valid JSON, has no "file", or names
an article that is missing is reported in `errors` (file and reason) and the rest of the
folder goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ortaq.chain import DEFAULT_STAGES, Chain, Stage, default_chain
from ortaq.model import Hints, IngestError, Item

LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")
_LANGUAGE_SUFFIX = re.compile(r"_([a-z]{2})$")


@dataclass(frozen=True)
class GoldArticle:
    gold_path: Path
    article_path: Path
    gold: dict[str, Any]

    @property
    def file(self) -> str:
        return str(self.gold["file"])

    @property
    def language(self) -> str:
        """The gold language, else the `_LL` suffix of the file name, else '?'."""
        reading = self.gold.get("reading") or {}
        if isinstance(reading, dict) and reading.get("language"):
            return str(reading["language"])
        found = _LANGUAGE_SUFFIX.search(Path(self.file).stem)
        return found.group(1) if found else "?"

    def read_bytes(self) -> bytes:
        return self.article_path.read_bytes()


def gold_articles(
    gold_dir: Path, articles_dir: Path, errors: list[dict[str, str]]
) -> Iterator[GoldArticle]:
    """Every readable gold file with its article, in file-name order; problems go to
    `errors` as {"file", "reason"}."""
    paths = sorted(Path(gold_dir).glob("*.json"))
    if not paths:
        errors.append({"file": str(gold_dir), "reason": "no gold *.json files in this folder"})
    for gold_path in paths:
        try:
            gold = json.loads(gold_path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            errors.append({"file": gold_path.name, "reason": f"unreadable gold: {error}"})
            continue
        if not isinstance(gold, dict) or not isinstance(gold.get("file"), str):
            errors.append({"file": gold_path.name, "reason": 'gold has no "file" string'})
            continue
        article = Path(articles_dir) / gold["file"]
        if not article.is_file():
            errors.append({"file": gold_path.name, "reason": f"article {article} not found"})
            continue
        yield GoldArticle(gold_path, article, gold)


def process(chain: Chain, article: GoldArticle, errors: list[dict[str, str]]) -> Item | None:
    """The article through the chain, or None with the reason in `errors`."""
    try:
        return chain.process(article.read_bytes(), Hints(source_name=article.article_path.name))
    except (OSError, IngestError) as error:
        errors.append({"file": article.file, "reason": f"not read: {error}"})
        return None


def linked_chain() -> Chain:
    """The default chain with ONE entity linker for the whole run (as `ortaq entities`)."""
    from ortaq.entities import EntityLinker, stage_with

    linker = EntityLinker()
    stages = [
        Stage("entities", stage_with(linker)) if s.name == "entities" else s for s in DEFAULT_STAGES
    ]
    return replace(default_chain(), stages=stages)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    """Precision, recall and F1 (0 where a denominator is 0) with the counts."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "predicted": n_pred,
        "gold": n_gold,
    }


def ratio(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 0.0


def language_order(languages: Any) -> list[str]:
    """The seven languages first in their usual order, then any others sorted."""
    present = set(languages)
    return [lang for lang in LANGUAGES if lang in present] + sorted(present - set(LANGUAGES))
