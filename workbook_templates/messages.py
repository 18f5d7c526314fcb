"""Labels of the team templates in each language: ``messages/<lang>/*.toml``.

Each language has ``ui.toml`` (sheet names, headers, the About text) and one file per team with its KPI
labels (``[kpi]``), definitions (``[definition]``) and input labels (``[input]``); the files are merged,
and a key defined twice with different texts is an error. A key missing from a language is an error too
(the lint test checks every key every template uses), never a silent fallback to English.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

MESSAGE_DIR = Path(__file__).resolve().parent / "messages"
LANGUAGES = ("en", "zh-CN", "zh-TW")


class Messages:
    """The labels of one language; ``messages["sheet.kpis"]`` or ``messages.kpi("win_rate")``."""

    def __init__(self, lang: str, table: dict) -> None:
        self.lang = lang
        self._table = table

    def __getitem__(self, dotted: str) -> str:
        node = self._table
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"messages/{self.lang}.toml has no {dotted!r}")
            node = node[part]
        return node

    def get(self, dotted: str, default: str = "") -> str:
        try:
            return self[dotted]
        except KeyError:
            return default

    def kpi(self, key: str) -> str:
        return self[f"kpi.{key}"]


@cache
def messages(lang: str) -> Messages:
    """The message catalogue of ``lang`` (one of :data:`LANGUAGES`)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    merged: dict = {}
    for path in sorted((MESSAGE_DIR / lang).glob("*.toml")):
        with path.open("rb") as handle:
            _merge(merged, tomllib.load(handle), f"messages/{lang}/{path.name}")
    return Messages(lang, merged)


def _merge(into: dict, new: dict, where: str, prefix: str = "") -> None:
    for key, value in new.items():
        if isinstance(value, dict):
            _merge(into.setdefault(key, {}), value, where, f"{prefix}{key}.")
        elif key in into and into[key] != value:
            raise ValueError(f"{where}: {prefix}{key} is already defined with another text")
        else:
            into[key] = value
