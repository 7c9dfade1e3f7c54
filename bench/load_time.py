"""How long models take to become usable: first build (empty cache) versus cached load, each in a fresh process.

Usage: python bench/load_time.py [--models tiny-opt,smollm2-135m] [--json]
The cold run builds into a temporary MUWA_NB_CACHE (SmolLM2's wheel is copied from the user cache when
present, so the figure is conversion, not download); the warm run loads from the user cache. Targets (issue
#2): tiny-opt < 5 s, smollm2-135m cached < 2 s. Times cover `load_pretrained` only (torch/transformers
imported before the clock starts); the first load in a process also pays transformers' lazy, one-time
initialisation (tokenizer backend, model modules), reported apart.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile
from pathlib import Path
from muwa_nb.config import machine_info

CHILD = ("import json, time, transformers, torch; from muwa_nb.quantized_load import load_pretrained; "
         "t = time.perf_counter(); load_pretrained({name!r}); t1 = time.perf_counter(); load_pretrained({name!r}); "
         "print('LOAD', json.dumps([t1-t, time.perf_counter()-t1]))")

def timed(name:str, env:dict)->list:
    "[first load in a fresh process (one-time library initialisation included), a second load in the same process]"
    r = subprocess.run([sys.executable, '-c', CHILD.format(name=name)], capture_output=True, text=True, env=env)
    line = [l for l in r.stdout.splitlines() if l.startswith('LOAD ')]
    if r.returncode or not line: raise SystemExit(f'{name}: load failed\n{r.stderr[-2000:]}')
    return json.loads(line[-1][5:])

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--models', default='tiny-opt,smollm2-135m')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    from muwa_nb.assets import muwa_cache_dir
    user_cache, res = muwa_cache_dir(), {}
    for name in a.models.split(','):
        timed(name, dict(os.environ))                                   # make sure the warm cache exists
        with tempfile.TemporaryDirectory() as d:
            if (user_cache/'wheels').exists(): shutil.copytree(user_cache/'wheels', Path(d)/'wheels')
            cold = timed(name, {**os.environ, 'MUWA_NB_CACHE': d})
        warm = timed(name, dict(os.environ))
        res[name] = dict(first_build_and_load_s=round(cold[0], 2), cached_load_fresh_process_s=round(warm[0], 2),
                         cached_load_s=round(warm[1], 2))
    if a.json: print(json.dumps({**res, 'machine': machine_info()}, indent=1))
    else:
        for n, r in res.items(): print(f"{n:14s} first build + load {r['first_build_and_load_s']:6.2f}s | cached load {r['cached_load_s']:5.2f}s "
                                       f"({r['cached_load_fresh_process_s']:.2f}s as a fresh process's first load, one-time library initialisation included)")

if __name__=='__main__': main()
