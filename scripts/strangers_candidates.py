"""Print the Tatoeba and HWU64 candidates of the strangers' development set (issue 11).

    python scripts/strangers_candidates.py LASER_GIT_DIR HWU64_GIT_DIR OUT_DIR

LASER_GIT_DIR and HWU64_GIT_DIR are bare clones of facebookresearch/LASER and
xliuhw/NLU-Evaluation-Data (read with `git show`). Writes one TSV per source to OUT_DIR,
`id, lang, text, english` for Tatoeba (the pair's English side) and `id, scenario_intent,
text` for HWU64. The selection only: every candidate is then read and labelled by hand
(nlu/eval/strangers/README.md), and texts of the training data or of another evaluation set
are removed afterwards.
"""

from __future__ import annotations

import csv
import io
import random
import re
import subprocess
import sys
from pathlib import Path

SEED = 11
PER_LANGUAGE = 150
HWU64_SAMPLE = 340
LANGUAGES = {
    "ara": "ar", "fra": "fr", "deu": "de", "spa": "es", "ita": "it",
    "por": "pt", "pes": "fa", "ukr": "uk", "tur": "tr",
}  # fmt: skip
TATOEBA = "data/tatoeba/v1/tatoeba.{code}-eng.{side}"
HWU64 = (
    "CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/"
    "CrossValidation/KFold_1/testset/csv"
)
# Words of Dalil's topics (DESIGN.md's intents), matched on the English side as whole words.
TOPICS = re.compile(
    r"\b(health\w*|doctors?|dentists?|nurses?|hospitals?|clinic|medicines?|medical|pills?|"
    r"sick|illness|ache|pain\w*|hurts?|injur\w*|wound\w*|bleed\w*|fever|cough\w*|flu|"
    r"pregnan\w*|vaccin\w*|pharmac\w*|diseases?|"
    r"police\w*|thie\w+|steal\w*|stole\w*|robbed|attack\w*|guns?|knife|murder\w*|rape\w*|"
    r"danger\w*|emergenc\w*|accidents?|ambulance|fire|burning|drown\w*|help\w*|rescue|missing|"
    r"work\w*|jobs?|employ\w*|boss|salary|wages?|careers?|factory|hired?|fired|unemploy\w*|"
    r"schools?|learn\w*|stud(y|ies|ied|ying|ent|ents)|teachers?|lessons?|universit\w+|"
    r"college|courses?|diploma|degree|exams?|"
    r"house|homeless|flat|apartment|rent\w*|rooms?|sleep\w*|slept|beds?|landlord|hotels?|"
    r"shelter|"
    r"lawyers?|laws?|court|judge|prison|jail|arrest\w*|papers|passports?|visas?|documents?|"
    r"permits?|border|citizen\w*|immigra\w*|refugees?|asylum|embassy|"
    r"bus|buses|trains?|station|tickets?|taxi|airport|metro|subway|tram|"
    r"money|cash|poor|food|hungry|hunger|thirsty|clothes|coat|shower|toilet|bathroom|soap|"
    r"hello|hi|good morning|good evening|good night|thank\w*|bye|goodbye|see you)\b",
    re.IGNORECASE,
)
# At most this many of a language's pairs on our topics (a seeded sample of them when more).
TOPICAL_MOST = 120


def _show(git_dir: Path, path: str) -> str:
    command = ["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603


def _pairs(laser: Path, code: str) -> list[tuple[str, str]]:
    foreign = _show(laser, TATOEBA.format(code=code, side=code)).splitlines()
    english = _show(laser, TATOEBA.format(code=code, side="eng")).splitlines()
    assert len(foreign) == len(english), code
    return [(f.strip(), e.strip()) for f, e in zip(foreign, english, strict=True)]


def _select(rows: list[tuple[str, str]], english_of: int, rng: random.Random) -> list[int]:
    """Indexes of the rows on our topics (at most TOPICAL_MOST), then random others."""
    topical = [i for i, row in enumerate(rows) if TOPICS.search(row[english_of])]
    if len(topical) > TOPICAL_MOST:
        topical = sorted(rng.sample(topical, TOPICAL_MOST))
    rest = [i for i in range(len(rows)) if i not in set(topical)]
    return sorted(topical + rng.sample(rest, max(0, PER_LANGUAGE - len(topical))))


def main() -> None:
    """Write the candidates."""
    laser, hwu, out = (Path(arg) for arg in sys.argv[1:4])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)  # noqa: S311 (a reproducible sample, not a secret)
    lines = ["id\tlang\ttext\tenglish"]
    english: dict[str, None] = {}
    for code, lang in LANGUAGES.items():
        pairs = _pairs(laser, code)
        for i in _select(pairs, 1, rng):
            lines.append(f"{code}-{i}\t{lang}\t{pairs[i][0]}\t{pairs[i][1]}")
        english.update((e, None) for _, e in pairs)
    unique = [(e, e) for e in english]
    for i in _select(unique, 1, rng):
        lines.append(f"eng-{i}\ten\t{unique[i][0]}\t{unique[i][0]}")
    (out / "tatoeba.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    command = ["git", "--git-dir", str(hwu), "ls-tree", "--name-only", "HEAD", f"{HWU64}/"]
    listing = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()  # noqa: S603
    utterances = []
    for path in sorted(listing):
        reader = csv.DictReader(io.StringIO(_show(hwu, path)), delimiter=";")
        for row in reader:
            label = f"{row['scenario']}_{row['intent']}"
            utterances.append((row["answerid"], label, row["answer_from_user"].strip()))
    sample = sorted(rng.sample(utterances, HWU64_SAMPLE), key=lambda u: (u[1], u[0]))
    rows = ["id\tscenario_intent\ttext", *("\t".join(u) for u in sample)]
    (out / "hwu64.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
