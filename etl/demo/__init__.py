"""Deterministic demo raw files in the exact formats of the real sources, labelled as demo in manifests.

Each source module etl/sources/<name>.py has its demo writer in etl/demo/<name>.py with
`write(raw_dir, world, rng) -> Path | list[Path]`; all writers draw from one synthetic country (world.py).
"""

from __future__ import annotations

import importlib
import zlib
from pathlib import Path

from etl.manifest import Manifest, sha256_of, write_manifest
from etl.sources import SOURCES

DEFAULT_SEED = 20260301
SCALES = ("flevoland", "national")


def generate(raw_dir: Path, scale: str = "flevoland", seed: int = DEFAULT_SEED) -> list[Path]:
    """Write every demo source under raw_dir with a demo manifest; the same (scale, seed) gives the same bytes."""
    import numpy as np  # here, so that the CLI (and so every build) does not load it

    from etl.demo.world import demo_world

    world = demo_world(scale, seed)
    written: list[Path] = []
    for source in SOURCES:
        name = source.__name__.rsplit(".", 1)[-1]
        writer = importlib.import_module(f"{__name__}.{name}")
        # One generator per source, keyed by its name, so adding a source never changes another's data.
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
        result = writer.write(Path(raw_dir), world, rng)
        for path in result if isinstance(result, list) else [result]:
            write_manifest(path, Manifest(origin_url=None, retrieved_at=None, sha256=sha256_of(path), demo=True,
                                          demo_scale=scale, demo_seed=seed))
            written.append(path)
    return written
