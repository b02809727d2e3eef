#!/usr/bin/env bash
# Pins the dependencies declared in pyproject.toml, with hashes: requirements.txt (what running needs) and
# requirements-dev.txt (the test, browser and lint groups, at the same versions of what they share with it).
# Run it after changing a dependency in pyproject.toml; versions already pinned stay unless they must move.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
.venv/bin/python - <<'PY'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))
with open("var/requirements.in", "w") as f:
    f.write("\n".join(project["project"]["dependencies"]) + "\n")
with open("var/requirements-dev.in", "w") as f:
    f.write("-c ../requirements.txt\n")
    for group in project["dependency-groups"].values():
        f.write("\n".join(group) + "\n")
PY
compile() { .venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-header --annotation-style=line "$@"; }
compile -o requirements.txt var/requirements.in
compile -o requirements-dev.txt var/requirements-dev.in
