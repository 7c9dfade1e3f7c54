#!/bin/bash
# Try the imports the brief asks for, one process each, in venv $1; print OK or the last error line.
V=$1
for m in ${MODS:-fastcore fastcore.all fastai fastai.vision.all fastprogress fastdownload fasttransform plum spacy transformers peft datasets accelerate evaluate trl lm_eval nbdev execnb muwa_nb muwa_nb.train muwa_nb.eval}; do
  out=$(cd /tmp && OMP_NUM_THREADS=1 timeout 600 nice $V/bin/python -c "import $m; print(getattr($m,'__version__',''))" 2>&1)
  if [ $? = 0 ]; then echo "OK   $m $(echo "$out"|tail -1)"; else echo "FAIL $m: $(echo "$out" | grep -E 'Error|error' | tail -1)"; fi
done
