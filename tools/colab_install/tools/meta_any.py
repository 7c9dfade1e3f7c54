"""Requires-Dist of NAME==VERSION from PyPI without downloading the wheel: PEP 658 .metadata, else HTTP range reads
of the wheel's METADATA. Prefers py3-none-any, then cp312 manylinux x86_64 wheels. meta_any.py NAME VERSION"""
import json, re, sys, urllib.request, urllib.error, zipfile
sys.path.insert(0, '/tmp/colab/tools')
name, ver = sys.argv[1:3]
req = urllib.request.Request(f'https://pypi.org/simple/{name}/', headers={'Accept': 'application/vnd.pypi.simple.v1+json'})
try: files = json.load(urllib.request.urlopen(req))['files']
except urllib.error.HTTPError as e: sys.exit(f'# {name}: not on PyPI ({e.code})')
norm = lambda s: re.sub(r'[-_.]+', '_', s).lower()
ws = [f for f in files if f['filename'].endswith('.whl') and norm(f['filename'].split('-')[0]) == norm(name) and f['filename'].split('-')[1] == ver]
rank = lambda f: (0 if 'none-any' in f['filename'] else 1 if ('cp312' in f['filename'] and 'x86_64' in f['filename']) else 2)
ws.sort(key=rank)
if not ws: sys.exit(f'# {name} {ver}: no wheel on PyPI')
md = None
for f in ws:
    if f.get('core-metadata') or f.get('data-dist-info-metadata'):
        try: md = urllib.request.urlopen(f['url'] + '.metadata').read().decode(); break
        except urllib.error.HTTPError: pass
if md is None:
    from remote_meta import RangeFile  # noqa
    f = ws[0]; z = zipfile.ZipFile(RangeFile(f['url']))
    md = z.read([n for n in z.namelist() if n.endswith('.dist-info/METADATA')][0]).decode()
print('#', f['filename'])
for l in md.splitlines():
    if l.startswith('Requires-Dist:') and 'extra ==' not in l: print(l)
