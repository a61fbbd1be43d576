"""`python -m nlu.prepare OUT`: write the normalised training data (for the NLU image build)."""

from __future__ import annotations

import sys
from pathlib import Path

from nlu.training import prepare_data

if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m nlu.prepare OUT_DIR")
    prepare_data(Path(sys.argv[1]))
