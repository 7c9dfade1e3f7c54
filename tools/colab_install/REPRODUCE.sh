#!/bin/bash
# Reproduce the Colab-install study (issue #27): what our Colab install cell changes in Colab's package set.
# Copy this folder to /tmp/colab and save there the pip freeze of Colab's GPU runtime
# (googlecolab/backend-info, pip-freeze.gpu.txt, commit 03a89033b7dd), then: bash /tmp/colab/REPRODUCE.sh
# Needs PyPI only; ~10 min, ~6 GB disk. torch & co. are placeholders (dist-info only, tools/fake.py).
# pip-freeze.gpu.txt = googlecolab/backend-info pip-freeze.gpu.txt (commit 03a89033b7dd), saved beforehand (15087 chars).
set -e; cd /tmp/colab
export PIP_CONFIG_FILE=/dev/null OMP_NUM_THREADS=1   # ignore this machine's pip.conf (local find-links/indexes, torch cap)
unset PIP_FIND_LINKS
[ -d src ] || git clone -q /work/main src
# 1. Colab model venv: Python 3.12, pip 24.1.2, Colab's exact versions with --no-deps
/root/.pyenv/versions/3.12.1/bin/python -m venv venv && venv/bin/python -m pip install -q pip==24.1.2
python3 tools/pins.py $(cat base-list.txt) > base-pins.txt
venv/bin/python -m pip install -q --no-deps --only-binary :all: -r base-pins.txt
venv/bin/python -m pip install -q --no-deps --only-binary :all: sortedcontainers==2.4.0 astunparse==1.6.3 watchdog==6.0.0 PySocks==1.7.1 absl-py==1.4.0 babel==2.18.0 chardet==5.2.0
SP=venv/lib/python3.12/site-packages; F="python3 tools/fake.py $SP"      # placeholders: dist-info only
$F torch 2.11.0+cu128 filelock 'typing-extensions>=4.10.0' 'setuptools<82' 'sympy>=1.13.3' 'networkx>=2.5.1' jinja2 'fsspec>=0.8.5' \
  'cuda-toolkit==12.8.1; platform_system == "Linux"' 'cuda-bindings<13,>=12.9.4; platform_system == "Linux"' \
  'nvidia-cudnn-cu12==9.19.0.56; platform_system == "Linux"' 'nvidia-cusparselt-cu12==0.7.1; platform_system == "Linux"' \
  'nvidia-nccl-cu12==2.28.9; platform_system == "Linux"' 'nvidia-nvshmem-cu12==3.4.5; platform_system == "Linux"' 'triton==3.6.0; platform_system == "Linux"'
$F torchvision 0.26.0+cu128 numpy 'torch==2.11.0' 'pillow!=8.3.*,>=5.3.0'; $F torchaudio 2.11.0+cu128; $F triton 3.6.0
$F cuda-toolkit 12.8.1; $F cuda-bindings 12.9.7 cuda-pathfinder; $F cuda-pathfinder 1.5.5
for p in $(grep -E '^nvidia-.*-cu12==' pip-freeze.gpu.txt); do n=${p%==*}; v=${p#*==}; case $n in
  nvidia-cufft-cu12|nvidia-cusparse-cu12) $F $n $v nvidia-nvjitlink-cu12;;
  nvidia-cusolver-cu12) $F $n $v nvidia-cublas-cu12 nvidia-nvjitlink-cu12 nvidia-cusparse-cu12;;
  nvidia-cudnn-cu12) $F $n $v nvidia-cublas-cu12;; *) $F $n $v;; esac; done
tools/close.sh /tmp/colab/venv            # adds missing Colab deps (python-fasthtml, starlette, ...) until pip check is clean
venv/bin/python -m pip freeze > baseline-freeze.txt; rm -rf venv-base; cp -a venv venv-base
# 2. dry runs
D="venv/bin/python -m pip install --dry-run --report"
$D dev.json "muwa_nb[dev] @ file:///tmp/colab/src" >/dev/null
$D plain.json "muwa_nb @ file:///tmp/colab/src" >/dev/null
$D plus-trl.json "muwa_nb @ file:///tmp/colab/src" "trl>=1.0" >/dev/null
$D plus-lmeval.json "muwa_nb @ file:///tmp/colab/src" "lm_eval>=0.4.9" >/dev/null
$D plus-trl-kept.json -c keep-hf.txt "muwa_nb @ file:///tmp/colab/src" "trl>=1.0" >/dev/null || echo "expected: ResolutionImpossible (every trl>=1.0 needs datasets>=4.7.0)"
venv/bin/python -m pip freeze | grep -i -E '^(torch|torchvision|torchaudio|huggingface[-_]hub|hf[-_]xet|click|fastcore|fastai|transformers|tokenizers|accelerate|peft|numpy|pandas)==' > keep.txt
$D norepochange-kept.json -c keep.txt "muwa_nb @ file:///tmp/colab/src" "trl>=1.0" "lm_eval>=0.4.9" >/dev/null
$D colab-extra.json "muwa_nb[colab] @ file:///tmp/colab/src" >/dev/null
$D colab-extra-kept.json -c keep.txt "muwa_nb[colab] @ file:///tmp/colab/src" >/dev/null
for j in dev plain plus-trl plus-lmeval norepochange-kept colab-extra colab-extra-kept; do echo "=== $j"; python3 tools/report.py $j.json; done
# 3. real installs, pip check, dependents check, imports
for v in plain dev colab; do rm -rf venv-$v; cp -a venv-base venv-$v; done
venv-plain/bin/python -m pip install -q "muwa_nb @ file:///tmp/colab/src"
venv-dev/bin/python -m pip install -q "muwa_nb[dev] @ file:///tmp/colab/src"
venv-colab/bin/python -m pip install -q -c keep.txt "muwa_nb[colab] @ file:///tmp/colab/src"
for v in base plain dev colab; do echo "=== pip check $v"; venv-$v/bin/python -m pip check || true
  rm -rf chk-$v; cp -a venv-$v chk-$v; tools/fake_dependents.sh /tmp/colab/chk-$v; done   # + 40 sampled Colab packages (meta/dependents)
for v in plain dev colab; do echo "=== imports $v"; tools/imports.sh /tmp/colab/venv-$v; done
# 4. real CPU torch: only cp311 wheels exist here (torch 2.13.0+cpu in /opt/wheels), so mirror on Python 3.11
venv/bin/python -m pip install --dry-run --no-deps /opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl || true  # not supported on 3.12
venv-dev/bin/python -m pip freeze | grep -v -i -E '^(torch|torchvision|torchaudio|triton|nvidia-|cuda-|muwa)' > freeze-dev-nontorch.txt
/root/.pyenv/versions/3.11.7/bin/python -m venv venv311-tvhack && venv311-tvhack/bin/python -m pip install -q pip==24.1.2
unset PIP_CONFIG_FILE   # the local wheels need this machine's pip.conf
venv311-tvhack/bin/python -m pip install -q --no-deps --prefer-binary -r freeze-dev-nontorch.txt \
  /opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl /opt/pypi-more/files/torchvision-0.28.0-cp311-cp311-manylinux_2_28_x86_64.whl /tmp/colab/src
# torchvision 0.28.0 here is a CUDA build: its _C.so cannot load beside CPU torch ("operator torchvision::nms does not exist").
# Test harness only: empty its meta registrations so fastai.vision can import.
echo '# emptied for the test' > venv311-tvhack/lib/python3.11/site-packages/torchvision/_meta_registrations.py
rm -rf venv311-colab; cp -a venv311-tvhack venv311-colab
venv311-colab/bin/python -m pip install -q --no-deps fastcore==1.13.2 click==8.4.1 huggingface_hub==1.17.0 hf-xet==1.5.0 urllib3==2.5.0 jupyter_server==2.14.0 datasets==5.0.1 pyarrow==26.0.1
for v in venv311-colab venv311-tvhack; do (cd /tmp && /tmp/colab/$v/bin/python /tmp/colab/tools/smoke.py 2>&1 | grep -E 'OK|versions'); done
