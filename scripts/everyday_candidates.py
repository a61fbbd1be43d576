"""Everyday Tatoeba sentences that ask Dalil for nothing: out-of-scope training data.

    python scripts/everyday_candidates.py LASER_GIT_DIR OUT.tsv [OUT.yml]

The strangers' development set (issue 11) showed the model answering one everyday sentence in
six with the emergency numbers: it had seen few ordinary sentences that are not about our
topics. This picks, from the same Tatoeba pairs in LASER's copy, pairs that the strangers' set
does not hold: whose English side names none of our topics (`strangers_candidates.TOPICS`),
where the safety net sees no danger in either side, and whose texts are in no evaluation set
and not already in the training data. A seeded sample per language; then every candidate is
read (its English side: the pairs are translations) and the ones a city orientation service
might act on, or that speak of danger, death, illness or distress, are dropped: by their row
in DROPPED (read by hand) and by the words of RISKY (a second, cruder sieve). With OUT.yml the
rest is written as `out_of_scope` blocks, one per language (measured and kept apart in
`nlu/candidates/everyday.yml`: nlu/README.md says why it is not trained on).
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlu import evaluate
from nlu.normalize import normalize
from nlu.safety import mentions_danger
from nlu.training_data import DATA_DIR, read_examples
from scripts.strangers_candidates import LANGUAGES, TOPICS, _pairs

SEED = 23
PER_LANGUAGE = 200
ENGLISH = 200
# Rows of OUT.tsv (line numbers, the header being line 1) dropped on reading: health, housing,
# transport, money troubles, a question to the bot, violence, death, distress, "is anyone there".
DROPPED = {
    20, 21, 39, 45, 62, 104, 125, 130, 147, 185, 209, 214, 236, 238, 278, 311, 313, 329, 356,
    361, 405, 451, 480, 485, 488, 491, 492, 495, 556, 600, 628, 632, 696, 715, 740, 759, 804,
    813, 841, 845, 854, 944, 1037, 1069, 1081, 1085, 1097, 1130, 1147, 1159, 1161, 1188, 1265,
    1274, 1280, 1286, 1335, 1337, 1348, 1390, 1398, 1408, 1429, 1430, 1437, 1462, 1508, 1510,
    1515, 1536, 1542, 1556, 1599, 1651, 1670, 1690, 1694, 1702, 1722, 1804, 1823, 1860, 1865,
    1869, 1874, 1884, 1906, 1920, 1921, 1942, 1958, 1988, 1993, 1999,
}  # fmt: skip
RISKY = re.compile(
    r"\b(shoot\w*|shot|kill\w*|murder\w*|dead|die|died|dying|death|guns?|pistol|armed|blood\w*|"
    r"kick\w*|hit|beat\w*|fight\w*|hurt|ill|sick|ache|headache|stomach\w*|pain\w*|burn\w*|"
    r"fell|fall\w*|alive|victim|cops?|help\w*|scared|afraid|fear\w*|urgent\w*|debts?|"
    r"insurance|hostel|lodging|accommodation\w*|racis\w*|harass\w*|drunk|water|breath\w*|"
    r"cry\w*|cried|tears|alone|lost|missing|suicid\w*|pregnan\w*|baby|hospital\w*)\b",
    re.IGNORECASE,
)


HEADER = """\
# Everyday sentences that ask Dalil for nothing (issue 11): out_of_scope, in ten languages.
# Source: Tatoeba (https://tatoeba.org), sentences and translations by Tatoeba's volunteer
# contributors, as shipped in github.com/facebookresearch/LASER, data/tatoeba/v1/ (commit
# 74bc6ae7ffb7cba670fe0f428d0ede9f666fb821). Licence: CC BY 2.0 FR (some sentences CC0 1.0),
# per Tatoeba's terms of use; LASER's copy carries no sentence ids, so the authors are credited
# as the contributors of Tatoeba. Texts unchanged. Pairs the strangers' development set holds
# are not here (no text is in any evaluation set). Written by scripts/everyday_candidates.py:
# pairs whose English side names none of Dalil's topics and where the safety net sees no
# danger, a seeded sample, read, and those a city service might act on dropped."""


def _taken() -> set[str]:
    # The training data but this script's own output, so that a second run picks the same rows.
    files = [path for path in sorted(DATA_DIR.glob("*.yml")) if path.name != "everyday.yml"]
    texts = {normalize(example.text) for path in files for example in read_examples(path)}
    for path in evaluate.EVAL_SETS.values():
        texts.update(normalize(e.text) for e in evaluate.read_labelled(path))
    return texts


def _everyday(foreign: str, english: str, taken: set[str]) -> bool:
    return not (
        TOPICS.search(english)
        or mentions_danger(foreign)
        or mentions_danger(english)
        or normalize(foreign) in taken
        or normalize(english) in taken
    )


def main() -> None:
    """Write the candidates: id, lang, text, English side."""
    laser, out = Path(sys.argv[1]), Path(sys.argv[2])
    rng = random.Random(SEED)  # noqa: S311 (a reproducible sample, not a secret)
    taken = _taken()
    lines = ["id\tlang\ttext\tenglish"]
    english: dict[str, str] = {}
    for code, lang in LANGUAGES.items():
        pairs = _pairs(laser, code)
        fits = [i for i, (f, e) in enumerate(pairs) if _everyday(f, e, taken)]
        chosen = set(rng.sample(fits, min(PER_LANGUAGE, len(fits))))
        for i in sorted(chosen):
            lines.append(f"{code}-{i}\t{lang}\t{pairs[i][0]}\t{pairs[i][1]}")
        # English sides of the pairs not taken for the foreign sentence, so no meaning twice.
        english.update((e, f"{code}-{i}") for i in fits if i not in chosen for _, e in [pairs[i]])
    picked = rng.sample(sorted(english), min(ENGLISH, len(english)))
    lines.extend(f"eng-{english[e]}\ten\t{e}\t{e}" for e in sorted(picked))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if len(sys.argv) > 3:
        _write_yaml(lines, Path(sys.argv[3]))


def _write_yaml(lines: list[str], out: Path) -> None:
    """The kept rows as `out_of_scope` blocks, one per language, in the training format."""
    kept: dict[str, list[str]] = {}
    for number, line in enumerate(lines[1:], start=2):
        _, lang, text, english = line.split("\t")
        if number not in DROPPED and not RISKY.search(english):
            kept.setdefault(lang, []).append(text.replace("\n", " ").strip())
    parts = [HEADER, 'version: "3.1"', "nlu:"]
    for lang, texts in kept.items():
        parts += ["- intent: out_of_scope", "  metadata:", f"    lang: {lang}",
                  "  examples: |", *(f"    - {text}" for text in texts)]  # fmt: skip
    out.write_text("\n".join(parts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
