#!/bin/bash
# Into venv $1, add placeholder dists (real Requires-Dist from meta/dependents/*.txt) for the sampled Colab packages
# that the venv does not really have; then show only version conflicts from pip check (not "not installed" lines).
V=$1; SP=$(echo $V/lib/python3.12/site-packages); cd /tmp/colab
for f in meta/dependents/*.txt; do
  n=$(basename $f .txt); v=$(python3 tools/pins.py $n 2>/dev/null | cut -d= -f3)
  [ -z "$v" ] && continue; grep -q '^# .*\(not on\|no wheel\)' $f && continue
  $V/bin/python -m pip show $n >/dev/null 2>&1 && continue
  mapfile -t R < <(sed -n 's/^Requires-Dist: *//p' $f)
  python3 tools/fake.py $SP $n $v "${R[@]}" >/dev/null && echo -n "$n "
done; echo
$V/bin/python -m pip check 2>&1 | grep -v 'which is not installed' || true
