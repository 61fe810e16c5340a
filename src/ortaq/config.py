"""Settings from the environment, with defaults that work on a laptop."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_INPUT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    max_input_bytes: int

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("ORTAQ_DATA_DIR", "./data"))
        url = os.environ.get("ORTAQ_DATABASE_URL") or f"sqlite:///{data_dir / 'ortaq.db'}"
        max_bytes = int(os.environ.get("ORTAQ_MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES))
        return cls(data_dir=data_dir, database_url=url, max_input_bytes=max_bytes)
