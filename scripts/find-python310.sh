#!/usr/bin/env bash
# Print the path of a working Python 3.10 (Rasa 3.6 supports nothing newer), or explain.
set -u
candidates=()
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*; do
  [ -x "$dir/bin/python3.10" ] && candidates+=("$dir/bin/python3.10")
done
for python in "${candidates[@]}"; do
  if "$python" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    echo "$python"
    exit 0
  fi
done
# Builtins only below: this must work with a bare PATH.
printf '%s\n' >&2 \
  "error: the NLU needs Python 3.10 (Rasa 3.6 does not run on 3.11), and none was found." \
  "Looked for \`python3.10\` on PATH and for ~/.pyenv/versions/3.10*/bin/python3.10." \
  "Install one, e.g. \`pyenv install 3.10.13\`, or \`apt-get install python3.10 python3.10-venv\`."
exit 1
