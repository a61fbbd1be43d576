"""Print the candidates of the strangers' emergency file (issue 11).

    python scripts/strangers_emergency_candidates.py OUT.tsv GIT_DIR:COMMIT:PATH:lang ...

Each source is a Tatoeba pair file in the tab-separated format of manythings.org (English,
translation, "CC-BY 2.0 (France) Attribution: tatoeba.org #id (author) & #id (author)"),
read from a bare clone with `git show COMMIT:PATH`. A pair is a candidate when its English
side speaks of danger, injury, violence, rescue or their services (the word list below); the
foreign side is a candidate of its language, and each English side is a candidate of English
once. Writes one TSV row per candidate with both sentence ids and authors. The selection
only: every candidate is then read and labelled by hand (nlu/eval/strangers/README.md), and
texts of the training data or of another evaluation set are removed afterwards by code.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

# Danger now and its look-alikes, matched on the English side as whole words.
DANGER = re.compile(
    r"\b(help|save|rescue\w*|ambulance|police\w*|cops?|fire|fires|burning|burn(s|ed|t)?|"
    r"smoke|flames?|explo\w+|gas|hurt|hurts|injur\w*|wound\w*|bleed\w*|blood\w*|"
    r"unconscious|faint\w*|passed out|breath\w*|chok\w*|heart attack|stroke|seizure|"
    r"drown\w*|attack\w*|knife|knives|stab\w*|guns?|shoot\w*|shot|kill\w*|murder\w*|"
    r"rape\w*|kidnap\w*|abduct\w*|hostage|lost|missing|poison\w*|overdose|accident\w*|"
    r"crash\w*|suicid\w*|threat\w*|beat(s|en|ing)?|hit|hits|punch\w*|emergenc\w*|"
    r"hospital\w*|doctor\w*|danger\w*|dying|die|dies|died|dead|death|thie(f|ves)|"
    r"rob(bed|ber\w*|bery)?|steal\w*|stole\w*|fight\w*|violen\w*|scream\w*|trapped|"
    r"fell|fall(en|ing)?|broke(n)?|earthquake|flood\w*|alarm|quick|hurry|911|112)\b",
    re.IGNORECASE,
)
ATTRIBUTION = re.compile(r"#(\d+) \((.*?)\) & #(\d+) \((.*?)\)")
LANG = {"ara": "ar", "pes": "fa", "ukr": "uk", "fra": "fr", "deu": "de", "spa": "es",
        "ita": "it", "por": "pt", "tur": "tr"}  # fmt: skip


def _rows(source: str) -> list[tuple[str, str, str, str, str, str]]:
    git_dir, commit, path = source.split(":")
    command = ["git", "--git-dir", git_dir, "show", f"{commit}:{path}"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rows = []
    for line in text.splitlines():
        english, foreign, attribution = line.split("\t")
        match = ATTRIBUTION.search(attribution)
        assert match, line  # only files whose every row names its sentences and authors
        rows.append((english.strip(), foreign.strip(), *match.groups()))
    return rows


def main() -> None:
    """Write the candidates."""
    out = Path(sys.argv[1])
    lines = ["key\tlang\ttext\tenglish\teng_id\teng_author\ttext_id\ttext_author"]
    english_seen: set[str] = set()
    for source in sys.argv[2:]:
        code = Path(source.split(":")[2]).stem
        for i, (english, foreign, eid, eauthor, fid, fauthor) in enumerate(_rows(source)):
            if not DANGER.search(english):
                continue
            lines.append(f"{code}-{i}\t{LANG[code]}\t{foreign}\t{english}\t{eid}\t{eauthor}"
                         f"\t{fid}\t{fauthor}")  # fmt: skip
            if english not in english_seen:
                english_seen.add(english)
                lines.append(f"eng-{eid}\ten\t{english}\t{english}\t{eid}\t{eauthor}"
                             f"\t{eid}\t{eauthor}")  # fmt: skip
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
