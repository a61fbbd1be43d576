#!/usr/bin/env bash
# Create the Rasa virtualenv (Python 3.10) at $1. About 2 GB and a few minutes the first time.
set -euo pipefail
venv=${1:-.venv-nlu}
python=$(scripts/find-python310.sh)
echo "Creating the NLU environment in $venv with $python (Rasa 3.6, a few minutes)..."
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip wheel 'setuptools==70.3.0'
# Pinned to the set known to work together; pip prints each package as it comes.
"$venv/bin/pip" install --progress-bar off -c nlu/constraints.txt -r nlu/requirements.txt \
  | grep -E '^(Collecting|Successfully)' || true
"$venv/bin/rasa" --version >/dev/null
echo "NLU environment ready."
