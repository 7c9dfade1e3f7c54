#!/usr/bin/env bash
# Create .venv and install muwa_nb with its dev extras, CPU-only torch first (so no multi-GB CUDA build is pulled).
# Usage: bash tools/setup_venv.sh            (idempotent: re-running only installs what is missing)
# Env:   MUWA_TORCH_SPEC   torch requirement to install first (default: torch==2.13.0, the CPU wheel CI uses)
#        MUWA_VENV         venv folder (default: .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${MUWA_VENV:-.venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" install "${MUWA_TORCH_SPEC:-torch==2.13.0}"
"${pip[@]}" install -c .ci/constraints.txt -e ".[dev]"
"$venv/bin/python" -c "import torch, transformers, peft, bitsandbytes, nbdev; print('muwa_nb env ready:', 'torch', torch.__version__, '| transformers', transformers.__version__, '| peft', peft.__version__, '| bitsandbytes', bitsandbytes.__version__, '| nbdev', nbdev.__version__)"
