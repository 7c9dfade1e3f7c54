#!/bin/bash
# Complete a venv's Colab closure: install (real, --no-deps, wheels only) each package that `pip check` reports
# missing and that is in Colab's freeze, at Colab's version; repeat until nothing new. Usage: close.sh VENV
V=$1; cd /tmp/colab
for i in 1 2 3 4 5 6 7 8; do
  miss=$($V/bin/pip check 2>&1 | sed -n 's/.* requires \([^,]*\), which is not installed./\1/p' | sort -u)
  pins=$(python3 tools/pins.py $miss 2>>close-notinfreeze.txt)
  [ -z "$pins" ] && break
  echo "round $i: $pins"
  nice -n 19 $V/bin/pip install -q --no-deps --only-binary :all: $pins || exit 1
done
$V/bin/pip check
