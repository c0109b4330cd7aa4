"""The manifest written beside every raw file: where it came from, when, and its checksum."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST_SUFFIX = ".manifest.json"


@dataclass(frozen=True)
class Manifest:
    """Provenance of one raw file."""

    origin_url: str | None
    retrieved_at: str | None  # ISO 8601, UTC
    sha256: str
    demo: bool = False
    demo_scale: str | None = None
    demo_seed: int | None = None


def manifest_path(raw_file: Path) -> Path:
    """The manifest file that belongs to a raw file."""
    return raw_file.with_name(raw_file.name + MANIFEST_SUFFIX)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks so large files do not fill memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(raw_file: Path, manifest: Manifest) -> Path:
    """Write the manifest beside its raw file and return its path."""
    target = manifest_path(raw_file)
    target.write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def read_manifest(raw_file: Path) -> Manifest | None:
    """The manifest of a raw file, or None for a file an analyst dropped in by hand."""
    target = manifest_path(raw_file)
    if not target.exists():
        return None
    data = json.loads(target.read_text(encoding="utf-8"))
    known = {field: data.get(field) for field in Manifest.__dataclass_fields__}
    known["demo"] = bool(known.get("demo"))
    return Manifest(**known)
