"""Classify a `pip install --dry-run --report` JSON against Colab's freeze.
report.py REPORT.json [--gaps]   --gaps: print only NAME==COLAB_VERSION for packages pip would install that are in
the freeze (i.e. Colab has them; install them into the model venv first)."""
import json, re, sys
from packaging.version import Version
norm = lambda n: re.sub(r'[-_.]+', '-', n).lower()
fr = {}
for l in open('/tmp/colab/pip-freeze.gpu.txt'):
    l = l.strip()
    if l.startswith('#') or not l: continue
    if '==' in l: n, v = l.split('=='); fr[norm(n)] = (n, v)
    elif ' @ ' in l: fr[norm(l.split(' @ ')[0])] = (l.split(' @ ')[0], 'URL')
inst = json.load(open(sys.argv[1]))['install']
rows = []
for it in inst:
    n, v = it['metadata']['name'], it['metadata']['version']
    if norm(n) == 'muwa-nb': continue
    if norm(n) in fr:
        cv = fr[norm(n)][1]
        kind = 'same?' if cv == v else ('UPGRADE' if cv == 'URL' or Version(v) > Version(cv) else 'DOWNGRADE')
        rows.append((kind, n, cv, v))
    else: rows.append(('new', n, '-', v))
if '--gaps' in sys.argv:  # third arg: the model venv's `pip freeze`; print freeze entries it lacks
    have = {norm(l.split('==')[0]) for l in open(sys.argv[3]) if '==' in l}
    for k, n, cv, v in rows:
        if k != 'new' and norm(n) not in have: print(f'{fr[norm(n)][0]}=={cv}')
    sys.exit()
order = {'DOWNGRADE': 0, 'UPGRADE': 1, 'same?': 2, 'new': 3}
for k, n, cv, v in sorted(rows, key=lambda r: (order[r[0]], r[1].lower())):
    print(f'{k:9} {n:28} {cv:>14} -> {v}')
c = {k: sum(r[0] == k for r in rows) for k in order}
print('summary:', c)
