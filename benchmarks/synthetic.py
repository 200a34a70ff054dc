"""Synthetic but valid initiative records, for benchmarks: `write_records(root, n, seed)`."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
WORDS = (
    "studenten",
    "docenten",
    "mentor",
    "mentoren",
    "vertrouwenspersoon",
    "vertrouwenspersonen",
    "welzijn",
    "veiligheid",
    "sociale",
    "binding",
    "stress",
    "prestatiedruk",
    "begeleiding",
    "opleiding",
    "hogeschool",
    "universiteit",
    "instelling",
    "gesprek",
    "groep",
    "klas",
    "stage",
    "thuisvoelen",
    "veerkracht",
    "preventie",
    "signaleren",
    "ondersteuning",
    "aanpak",
    "evaluatie",
    "ervaring",
    "resultaat",
    "training",
    "workshop",
    "campagne",
    "onderzoek",
    "meldpunt",
    "gedrag",
    "cultuur",
    "leeromgeving",
    "studieloopbaan",
    "coach",
)


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 16))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def make_project(target: Path) -> Path:
    """An empty project (framework, guidance, content pages, mkdocs.yml) without records."""
    for name in ("quality_framework", "content", "overrides"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target / name)
    shutil.copy2(REPO / "mkdocs.yml", target / "mkdocs.yml")
    (target / "initiatives").mkdir()
    for guidance in (target / "content" / "guidance").glob("*.yml"):  # no bundled records here
        lines = guidance.read_text(encoding="utf-8").splitlines(keepends=True)
        guidance.write_text(
            "".join(x for x in lines if not x.startswith("initiative:")), encoding="utf-8"
        )
    return target


def write_records(root: Path, n: int, seed: int = 0) -> list[Path]:
    """Write `n` valid records into `root/initiatives/` using the framework's own ids."""
    rng = random.Random(seed)
    framework = root / "quality_framework"
    criteria = yaml.safe_load((framework / "criteria.yml").read_text(encoding="utf-8"))
    vocab = yaml.safe_load((framework / "vocabularies.yml").read_text(encoding="utf-8"))
    guidance = []
    for file in sorted((root / "content" / "guidance").glob("*.yml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        guidance += [f"{data['id']}/{item['number']:02d}" for item in data["items"]]

    def ids(name: str) -> list[str]:
        return [t["id"] for t in vocab[name]]

    paths = []
    for k in range(n):
        quality = {}
        for c in criteria["criteria"]:
            values = [v["id"] for v in c["values"] if not v.get("exclusive")]
            quality[c["id"]] = (
                [rng.choice(values)]
                if c["multiple"]
                else rng.choice([v["id"] for v in c["values"]])
            )
        record = {
            "title": f"Initiatief {k:05d}: {' '.join(rng.choices(WORDS, k=4))}",
            "initiators": [f"Instelling {rng.randint(1, 200)}"],
            "date": f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}",
            "kind": rng.choice(ids("kinds")),
            "sectors": sorted(rng.sample(ids("sectors"), rng.randint(1, 2))),
            "themes": sorted(rng.sample(ids("themes"), rng.randint(1, 3))),
            "summary": _sentence(rng),
            "body": "\n\n".join(
                f"## {heading}\n\n{_paragraph(rng)}" for heading in ("Aanpak", "Resultaten")
            ),
            "links": [{"label": "Meer informatie", "url": f"https://example.org/{k}"}],
            "quality": quality,
            "guidance": sorted(rng.sample(guidance, rng.randint(0, 3))),
            "example": True,
        }
        path = root / "initiatives" / f"initiatief-{k:05d}.yml"
        path.write_text(
            yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        paths.append(path)
    os.sync()  # written back now, not while a benchmark reads the files
    return paths
