"""Print the candidates of the strangers' emergency file in six more languages (issue 11).

    python -m scripts.strangers_laser_candidates LASER_GIT_DIR [COMMIT] > candidates.tsv

LASER_GIT_DIR is a bare clone of facebookresearch/LASER, read with `git show COMMIT:PATH`
(COMMIT defaults to the one `nlu/eval/strangers/tatoeba.yml` was taken from). For French,
German, Spanish, Italian, Portuguese and Turkish, a pair of `data/tatoeba/v1/` (line i of
`tatoeba.xxx-eng.xxx` and of `tatoeba.xxx-eng.eng`) is a candidate when its English side
speaks of danger, injury, violence, rescue or their services (the word list of
scripts/strangers_emergency_candidates.py). Removed by code, counts only: pairs whose foreign
text, normalised, equals a training example (nlu/rasa/data, nlu/candidates) or a text of an
evaluation set (dev, holdout, external, the strangers' files other than laser_emergencies.yml),
and a foreign text met before. Prints `lang, text, english` as TSV on stdout and the counts per
language on stderr. The selection only: every candidate is then read and labelled by hand
(nlu/eval/strangers/README.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nlu import evaluate
from nlu.normalize import normalize
from scripts.strangers_emergency_build import known_texts
from scripts.strangers_emergency_candidates import DANGER

COMMIT = "74bc6ae7ffb7cba670fe0f428d0ede9f666fb821"
TATOEBA = "data/tatoeba/v1/tatoeba.{code}-eng.{side}"
LANGUAGES = {"fra": "fr", "deu": "de", "spa": "es", "ita": "it", "por": "pt", "tur": "tr"}
OUT = evaluate.EVAL_SETS["strangers"] / "laser_emergencies.yml"


def _show(git_dir: Path, commit: str, path: str) -> list[str]:
    command = ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return text.splitlines()


def _pairs(git_dir: Path, commit: str, code: str) -> list[tuple[str, str]]:
    """The (foreign, English) pairs of one file, whitespace collapsed."""
    foreign = _show(git_dir, commit, TATOEBA.format(code=code, side=code))
    english = _show(git_dir, commit, TATOEBA.format(code=code, side="eng"))
    assert len(foreign) == len(english), code
    return [
        (" ".join(f.split()), " ".join(e.split())) for f, e in zip(foreign, english, strict=True)
    ]


def main() -> None:
    """Print the candidates and their counts."""
    git_dir = Path(sys.argv[1])
    commit = sys.argv[2] if len(sys.argv) > 2 else COMMIT
    known = known_texts(OUT)
    seen: set[str] = set()
    print("lang\ttext\tenglish")  # noqa: T201
    for code, lang in LANGUAGES.items():
        matched = known_hits = repeated = 0
        for foreign, english in _pairs(git_dir, commit, code):
            if not DANGER.search(english):
                continue
            matched += 1
            key = normalize(foreign)
            if key in known:
                known_hits += 1
            elif key in seen:
                repeated += 1
            else:
                seen.add(key)
                print(f"{lang}\t{foreign}\t{english}")  # noqa: T201
        kept = matched - known_hits - repeated
        counts = f"{matched} matched, {known_hits} known, {repeated} repeated, {kept} kept"
        sys.stderr.write(f"{lang}: {counts}\n")


if __name__ == "__main__":
    main()
