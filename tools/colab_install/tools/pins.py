"""Print NAME==COLAB_VERSION for each NAME given (from /tmp/colab/pip-freeze.gpu.txt); warn on names not in the freeze."""
import re, sys
norm = lambda n: re.sub(r'[-_.]+', '-', n).lower()
fr = {}
for l in open('/tmp/colab/pip-freeze.gpu.txt'):
    l = l.strip()
    if '==' in l and not l.startswith('#'): n, v = l.split('=='); fr[norm(n)] = (n, v)
for a in sys.argv[1:]:
    if norm(a) in fr: print(f'{fr[norm(a)][0]}=={fr[norm(a)][1]}')
    else: print(f'NOT IN FREEZE: {a}', file=sys.stderr)
