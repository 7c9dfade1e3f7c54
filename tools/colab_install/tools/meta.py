"""Print Requires-Dist of a PyPI release from its wheel's PEP 658 metadata: meta.py NAME VERSION [wheel-filename-substring]"""
import json, sys, urllib.request, re
name, ver = sys.argv[1], sys.argv[2]; sub = sys.argv[3] if len(sys.argv) > 3 else ''
req = urllib.request.Request(f'https://pypi.org/simple/{name}/', headers={'Accept': 'application/vnd.pypi.simple.v1+json'})
files = json.load(urllib.request.urlopen(req))['files']
norm = re.sub(r'[-_.]+', '_', name).lower()
cands = [f for f in files if f['filename'].endswith('.whl') and re.sub(r'[-_.]+','_',f['filename'].split('-')[0]).lower()==norm
         and f['filename'].split('-')[1] == ver and sub in f['filename']]
if not cands: sys.exit(f'no wheel for {name} {ver}')
f = cands[0]
import urllib.error
try: md = urllib.request.urlopen(f["url"] + ".metadata").read().decode()
except urllib.error.HTTPError: sys.exit("no PEP 658 metadata for " + f["filename"])
print('#', f['filename'])
for l in md.splitlines():
    if l.startswith(('Requires-Dist:', 'Requires-Python:')): print(l)
