"""Read a wheel's METADATA from PyPI with HTTP range requests (reads a few KB, never the whole wheel).
remote_meta.py NAME VERSION FILENAME-SUBSTRING"""
import io, json, re, sys, urllib.request, zipfile
class RangeFile:
    def __init__(s, url):
        s.url, s.pos = url, 0
        s.size = int(urllib.request.urlopen(urllib.request.Request(url, method='HEAD')).headers['Content-Length'])
    def seekable(s): return True
    def readable(s): return True
    def tell(s): return s.pos
    def seek(s, off, whence=0):
        s.pos = off if whence == 0 else s.pos + off if whence == 1 else s.size + off
        return s.pos
    def read(s, n=-1):
        if n < 0: n = s.size - s.pos
        if n == 0 or s.pos >= s.size: return b''
        end = min(s.pos + n, s.size) - 1
        r = urllib.request.Request(s.url, headers={'Range': f'bytes={s.pos}-{end}'})
        d = urllib.request.urlopen(r).read(); s.pos += len(d); return d
if __name__ == '__main__':
    name, ver, sub = sys.argv[1:4]    
    req = urllib.request.Request(f'https://pypi.org/simple/{name}/', headers={'Accept': 'application/vnd.pypi.simple.v1+json'})
    files = json.load(urllib.request.urlopen(req))['files']
    f = [f for f in files if f['filename'].endswith('.whl') and f['filename'].split('-')[1] == ver and sub in f['filename']][0]
    z = zipfile.ZipFile(RangeFile(f['url']))
    m = [n for n in z.namelist() if n.endswith('.dist-info/METADATA')][0]
    print('#', f['filename'], f"({f['size']} bytes; read METADATA only)")
    for l in z.read(m).decode().splitlines():
        if l.startswith(('Requires-Dist:', 'Requires-Python:')): print(l)
