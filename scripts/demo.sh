#!/usr/bin/env bash
# The main job end to end on the default example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/toolchain.sh all
bash scripts/deps.sh
echo "demo: the end-to-end chain is being assembled; see README"
