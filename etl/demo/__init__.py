"""Deterministic demo raw files in the exact formats of the real sources, labelled as demo in manifests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from etl.demo import duo_vo_exams
from etl.demo.world import demo_world
from etl.manifest import Manifest, sha256_of, write_manifest

DEFAULT_SEED = 20260301


def generate(raw_dir: Path, scale: str = "flevoland", seed: int = DEFAULT_SEED) -> list[Path]:
    """Write every demo source under raw_dir with a demo manifest; the same (scale, seed) gives the same bytes."""
    world = demo_world(scale, seed)
    written = []
    # One generator per source, derived from the seed, so adding a source never changes another's data.
    for offset, writer in enumerate([duo_vo_exams.write]):
        rng = np.random.default_rng([seed, offset])
        path = writer(Path(raw_dir), world, rng)
        write_manifest(path, Manifest(origin_url=None, retrieved_at=None, sha256=sha256_of(path), demo=True,
                                      demo_scale=scale, demo_seed=seed))
        written.append(path)
    return written
