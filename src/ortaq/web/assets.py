"""Front-end packages from npm (package.json and its lock file at the repository root,
installed by `make` with `npm ci`), served from node_modules through an explicit
allow-list: only the files named here are reachable, so nothing else in node_modules
(package sources, licences, build scripts) is ever served. No CDN at run time.

`ORTAQ_NODE_MODULES` points at another node_modules folder (an installed package has no
repository root next to it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class Asset:
    """A served file: where it is inside node_modules, and its media type."""

    path: str
    media_type: str


JS = "text/javascript"
ASSETS: dict[str, Asset] = {  # served name (under /assets/) -> file in node_modules
    "htmx.min.js": Asset("htmx.org/dist/htmx.min.js", JS),
    "leaflet.js": Asset("leaflet/dist/leaflet.js", JS),
    "leaflet.css": Asset("leaflet/dist/leaflet.css", "text/css"),
    "topojson-client.min.js": Asset("topojson-client/dist/topojson-client.min.js", JS),
    "countries-110m.json": Asset("world-atlas/countries-110m.json", "application/json"),
    "countries-50m.json": Asset("world-atlas/countries-50m.json", "application/json"),
    "cytoscape.min.js": Asset("cytoscape/dist/cytoscape.min.js", JS),
    "axe.min.js": Asset("axe-core/axe.min.js", JS),
}
INSTALL_HINT = "run `make` (it installs them with `npm ci`) or `npm ci` in the repository root"


def node_modules() -> Path:
    configured = os.environ.get("ORTAQ_NODE_MODULES")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "node_modules"


class AssetMissing(LookupError):
    """An allowed asset whose file is not installed."""


def asset_path(name: str) -> Path | None:
    """The file behind an allowed name; None for a name outside the allow-list.
    Raises AssetMissing when the name is allowed but npm has not installed it."""
    asset = ASSETS.get(name)
    if asset is None:
        return None
    path = node_modules() / asset.path
    if not path.is_file():
        raise AssetMissing(f"{name} ({asset.path}) is not installed in {node_modules()}")
    return path


@cache
def read_asset(path: Path) -> bytes:
    """An asset's bytes, read once per process (the files only change with `npm ci`)."""
    return path.read_bytes()


def missing_assets() -> list[str]:
    """The allowed names whose files are absent: empty once `npm ci` has run."""
    root = node_modules()
    return [name for name, asset in ASSETS.items() if not (root / asset.path).is_file()]
