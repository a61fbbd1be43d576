"""Write the strangers' emergency file from hand-labelled Tatoeba candidates (issue 11).

    python scripts/strangers_emergency_build.py LABELLED.tsv

LABELLED.tsv is the output of scripts/strangers_emergency_candidates.py with a `label` column
added by hand: an intent, or DROP. This script only does what must not be done by reading:
it removes every text whose normalised form equals a training example (nlu/rasa/data,
nlu/candidates) or a text of another evaluation set, keeps each normalised text once (a text
given two different labels is dropped), takes a seeded sample of the out-of-scope look-alikes
per language, and writes nlu/eval/strangers/tatoeba_emergencies.yml with its attribution TSV.
It prints counts only.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from nlu import evaluate
from nlu.normalize import normalize
from nlu.training_data import DATA_DIR, read_examples

ROOT = Path(__file__).resolve().parent.parent
STRANGERS = evaluate.EVAL_SETS["strangers"]
OUT = STRANGERS / "tatoeba_emergencies.yml"
ATTRIBUTION = STRANGERS / "tatoeba_emergencies_attribution.tsv"
SEED = 11
# At most this many out-of-scope look-alikes per language (a seeded sample of them).
LOOKALIKES_MOST = 250
ORDER = ["ar", "en", "fa", "uk", "fr", "es", "it", "pt", "de", "tr"]
INTENTS = ["emergency", "find_health", "find_social_support", "find_jobs", "thanks", "out_of_scope"]
# The file header: one comment line each (source, licence, selection, labelling).
HEADER_LINES = [
    (
        "# Strangers' development set (issue 11): Tatoeba emergencies and their look-alikes. For "
        "choosing data and bars, never for training."
    ),
    (
        "# Source: Tatoeba (https://tatoeba.org), sentences and translations written by Tatoeba's"
        " volunteer contributors, in the tab-separated pair files of manythings.org/anki (English"
        ' TAB translation TAB "CC-BY 2.0 (France) Attribution: tatoeba.org #id (author) & #id '
        '(author)"), as committed in three public GitHub repositories: ara.txt in '
        "github.com/ObadaZay/nmt at commit e03a55a351e5221579bdc889b72b6cc3e490cbc9; pes.txt in "
        "github.com/rezalahmi/English-Persian-Translator at commit "
        "5b25241e25399a35f8a4b4ff05e399feaab9ab08; ukr.txt in github.com/esmira23/data-analysis "
        "at commit 072217776e80cccb388b0adad22c439ded310d32. English examples are the English "
        "sides of those pairs"
    ),
    (
        "# Licence: CC BY 2.0 FR (https://creativecommons.org/licenses/by/2.0/fr/), Tatoeba's "
        "terms of use (https://tatoeba.org/eng/terms_of_use), under which manythings.org releases"
        " its files. Attribution: every example's Tatoeba sentence id and author (and those of "
        "the English sentence it translates) are listed in tatoeba_emergencies_attribution.tsv in"
        " this folder. Texts are unchanged except for collapsed whitespace"
    ),
    (
        "# Selected by scripts/strangers_emergency_candidates.py: the pairs whose English side "
        "speaks of danger, injury, violence, rescue or their services (help, ambulance, police, "
        "fire, hurt, bleeding, unconscious, breathe, drown, attack, knife, gun, kill, rape, "
        "kidnap, lost, poison, accident, suicide, threat, hit, beat, emergency, hospital, doctor,"
        " ...); each English side once; then by scripts/strangers_emergency_build.py: texts equal"
        " (normalised) to a training example or to a text of another evaluation set removed, each"
        " text once, out-of-scope look-alikes a seeded sample of at most 250 per language"
    ),
    (
        '# Labelled by hand for Dalil (nlu/eval/strangers/README.md, "Labelling rules" and "The '
        'emergency file"): every English side read and labelled by its meaning (emergency only '
        "for danger now to the writer or someone with them); each translation of a pair labelled "
        "emergency or given a topic read to check that it says the same; the other translations "
        "take their English side's out-of-scope label (a sample of them read); ambiguous "
        "sentences and loose translations dropped"
    ),
]
HEADER = "\n".join(HEADER_LINES) + "\n"


def known_texts(out: Path = OUT) -> set[str]:
    """The normalised texts of the training data and of every evaluation set but `out`."""
    known = set()
    for folder in (DATA_DIR, ROOT / "nlu" / "candidates"):
        for path in folder.glob("*.yml"):
            known.update(normalize(e.text) for e in read_examples(path))
    for name in ("dev", "holdout", "external"):
        known.update(normalize(e.text) for e in evaluate.read_labelled(evaluate.EVAL_SETS[name]))
    for path in STRANGERS.glob("*.yml"):
        if path != out:
            known.update(normalize(e.text) for e in evaluate.read_labelled(path))
    return known


def main() -> None:
    """Filter, sample and write."""
    with Path(sys.argv[1]).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        row["text"] = " ".join(row["text"].split())
    rows = [row for row in rows if row["label"] != "DROP"]
    known = known_texts()
    shared = [row for row in rows if normalize(row["text"]) in known]
    print("labelled candidates", len(rows), "equal to a known text", len(shared))  # noqa: T201
    rows = [row for row in rows if normalize(row["text"]) not in known]
    labels: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        labels[normalize(row["text"])].add(row["label"])
    conflicting = {text for text, found in labels.items() if len(found) > 1}
    print("texts given two labels, dropped", len(conflicting))  # noqa: T201
    unique: dict[str, dict[str, str]] = {}
    for row in rows:
        key = normalize(row["text"])
        if key not in conflicting and key not in unique:
            unique[key] = row
    rows = list(unique.values())
    rng = random.Random(SEED)  # noqa: S311 (a reproducible sample, not a secret)
    kept = []
    for lang in ORDER:
        mine = [row for row in rows if row["lang"] == lang]
        others = [row for row in mine if row["label"] == "out_of_scope"]
        if len(others) > LOOKALIKES_MOST:
            others = rng.sample(others, LOOKALIKES_MOST)
        chosen = {id(row) for row in others}
        kept += [row for row in mine if row["label"] != "out_of_scope" or id(row) in chosen]
    lines = [HEADER.rstrip("\n"), 'version: "3.1"', "nlu:"]
    for lang in ORDER:
        mine = [row for row in kept if row["lang"] == lang]
        if not mine:
            continue
        lines.append(f"# {'-' * 64} {lang}")
        for intent in INTENTS:
            texts = [row["text"] for row in mine if row["label"] == intent]
            if texts:
                lines += [f"- intent: {intent}", "  metadata:", f"    lang: {lang}"]
                lines += ["  examples: |", *(f"    - {text}" for text in texts)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = ["lang", "intent", "text", "tatoeba_id", "author", "english_id", "english_author"]
    table = ["\t".join(columns)]
    for row in sorted(kept, key=lambda r: (ORDER.index(r["lang"]), INTENTS.index(r["label"]))):
        table.append("\t".join([row["lang"], row["label"], row["text"], row["text_id"],
                                row["text_author"], row["eng_id"], row["eng_author"]]))  # fmt: skip
    ATTRIBUTION.write_text("\n".join(table) + "\n", encoding="utf-8")
    counts = Counter((row["lang"], row["label"]) for row in kept)
    for lang in ORDER:
        mine = {label: n for (code, label), n in counts.items() if code == lang}
        if mine:
            print(lang, sum(mine.values()), mine)  # noqa: T201
    print("all", len(kept))  # noqa: T201


if __name__ == "__main__":
    main()
