"""A loopback stand-in for the Hugging Face Hub's HTTP protocol (stdlib only): tests run the Hub path on it.

    stub = HubStub({("model", "facebook/opt-1.3b", "main"): {"config.json": "/path/config.json"}})
    url = stub.start()          # -> "http://127.0.0.1:PORT", use as HF_ENDPOINT
    ...; stub.take_log()        # [(method, raw_path, status[, "Host=.."][, "Range=.."]), ...]
    stub.stop()

Values of the file dict are local paths or bytes.  Each (type, repo, revision) gets a fixed commit sha
(sha1 of the key and its file oids, or `shas[key]`).  Files with an LFS extension (or >= 10 MiB) are served
like Git LFS files: `resolve` answers 302 with X-Linked-Etag/X-Linked-Size and a Location on another host name
(http://localhost:PORT/__lfs__/<sha256>) that plays the CDN, so clients treat it exactly like cdn-lfs.
"""
import base64, hashlib, json, os, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

LFS_EXT = (".safetensors", ".bin", ".parquet", ".gz", ".arrow", ".h5", ".msgpack", ".pt", ".pth", ".ckpt",
           ".zip", ".tar", ".zst", ".xz", ".npy", ".npz", ".onnx", ".pkl", ".tflite", ".model")
DATE = "2024-01-01T00:00:00.000Z"
GITATTRIBUTES = "".join(f"*{e} filter=lfs diff=lfs merge=lfs -text\n" for e in LFS_EXT).encode()


class _File:
    def __init__(self, src):
        self.src = src
        data = src if isinstance(src, bytes) else open(src, "rb").read()
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.lfs = None
        body = data
        if self.size >= 10 * 2**20 or (not isinstance(src, bytes) and src.endswith(LFS_EXT)):
            body = (f"version https://git-lfs.github.com/spec/v1\noid sha256:{self.sha256}\n"
                    f"size {self.size}\n").encode()
            self.lfs = {"oid": self.sha256, "size": self.size, "pointerSize": len(body)}
        self.oid = hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()  # git blob id

    def read(self):
        return self.src if isinstance(self.src, bytes) else open(self.src, "rb").read()


class _Rev:
    def __init__(self, key, files):
        files = dict(files)
        files.setdefault(".gitattributes", GITATTRIBUTES)
        self.files = {p: _File(s) for p, s in sorted(files.items())}
        self.dirs = sorted({p.rsplit("/", i)[0] for p in self.files for i in range(1, p.count("/") + 1)})
        h = hashlib.sha1(repr(key).encode())
        for p, f in self.files.items():
            h.update(f"{p}:{f.oid}".encode())
        self.sha = h.hexdigest()

    def entry(self, path, expand=False):
        f = self.files.get(path)
        tree_oid = hashlib.sha1(f"tree:{self.sha}:{path}".encode()).hexdigest()
        e = ({"type": "file", "oid": f.oid, "size": f.size, "path": path} if f else
             {"type": "directory", "oid": tree_oid, "size": 0, "path": path})
        if f and f.lfs:
            e["lfs"] = dict(f.lfs)
        if expand:
            e["lastCommit"] = {"id": self.sha, "title": "Upload", "date": DATE}
            if f:
                e["securityFileStatus"] = {"status": "safe", "avScan": {"virusFound": False},
                                           "pickleImportScan": None}
        return e


class HubStub:
    def __init__(self, repos, page_size=1000, shas=None):
        self.page_size, self.log, self._lock = page_size, [], threading.Lock()
        self.repos = {}  # (type, repo_id) -> {revision_name: _Rev}
        for (rtype, rid, rev), files in repos.items():
            r = self.repos.setdefault((rtype, rid), {})[rev] = _Rev((rtype, rid, rev), files)
            r.sha = (shas or {}).get((rtype, rid, rev), r.sha)  # optional explicit 40-hex commit sha
        self.blobs = {f.sha256: f for revs in self.repos.values() for r in revs.values()
                      for f in r.files.values()}
        self.httpd = self.url = None

    def start(self, port=0):
        stub = self

        class Handler(_Handler):
            hub = stub
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"
        return self.url

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def take_log(self):
        with self._lock:
            out, self.log[:] = list(self.log), []
        return out

    def find_rev(self, revs, rev):
        rev = unquote(rev)
        rev = rev[len("refs/heads/"):] if rev.startswith("refs/heads/") else rev
        return revs.get(rev) or next((r for r in revs.values() if r.sha == rev), None)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub: HubStub

    def log_message(self, *args):  # silence stderr; requests go to HubStub.log
        pass

    def send(self, status, body=b"", headers=None, ctype="application/json"):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        self.send_response(status)
        hdrs = {"Content-Type": ctype, "Content-Length": str(len(body)), "X-Request-Id": os.urandom(8).hex()}
        hdrs.update(headers or {})
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        with self.hub._lock:
            extra = tuple(f"{k}={self.headers[k]}" for k in ("Host", "Range") if self.headers[k] and
                          (k == "Range" or not self.headers[k].startswith("127.0.0.1")))
            self.hub.log.append((self.command, self.path, status) + extra)

    def error(self, code, msg, extra=None):
        # The Hub answers 401 (not 404) for unknown repos when no token is sent.
        status = 401 if code == "RepoNotFound" and "authorization" not in self.headers else 404
        self.send(status, {"error": msg}, {"X-Error-Code": code, "X-Error-Message": msg, **(extra or {})})

    def do_GET(self):
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            pass
    do_HEAD = do_POST = do_GET  # HEAD: same headers, no body (see send)

    def split_repo(self, rtype, segs):
        """Return (repo_id, revisions, remaining segments); repo ids have one or two segments."""
        for n in (2, 1):
            if len(segs) > n and (rtype, "/".join(segs[:n])) in self.hub.repos:
                return "/".join(segs[:n]), self.hub.repos[(rtype, "/".join(segs[:n]))], segs[n:]
        return None, None, None

    def take_rev(self, revs, segs):
        """Revision is one (URL-encoded) segment; also accept an unencoded one containing slashes."""
        for n in range(1, len(segs) + 1):
            rev = self.hub.find_rev(revs, "/".join(segs[:n]))
            if rev:
                return rev, segs[n:]
        return None, segs[1:]

    def route(self):
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        segs = [s for s in url.path.split("/") if s]
        if segs[:1] == ["__lfs__"] and len(segs) == 2 and segs[1] in self.hub.blobs:
            f = self.hub.blobs[segs[1]]
            return self.serve_bytes(f.read(), {"ETag": f'"{f.sha256}"'})
        if segs[:1] == ["api"] and len(segs) >= 3 and segs[1] in ("models", "datasets"):
            return self.api(segs[1][:-1], segs[2:], query)
        rtype = "dataset" if segs[:1] == ["datasets"] else "model"
        segs = segs[1:] if rtype == "dataset" else segs
        rid, revs, rest = self.split_repo(rtype, segs)
        if rest and rest[0] == "resolve":
            rev, path = self.take_rev(revs, rest[1:])
            if rev is None:
                wanted = unquote(rest[1]) if len(rest) > 1 else ''
                return self.error("RevisionNotFound", f"Invalid rev id: {wanted}")
            return self.resolve(rev, unquote("/".join(path)))
        if len(segs) >= 3 and "resolve" in segs[1:3]:
            return self.error("RepoNotFound", "Repository not found")
        self.send(404, b"Not Found", ctype="text/plain")

    def resolve(self, rev, path):
        f = rev.files.get(path)
        hdrs = {"X-Repo-Commit": rev.sha, "Accept-Ranges": "bytes"}
        if f is None:
            return self.error("EntryNotFound", "Entry not found", hdrs)
        if f.lfs:
            loc = f"http://localhost:{self.hub.port}/__lfs__/{f.sha256}"
            hdrs.update({"ETag": f'"{f.sha256}"', "X-Linked-Etag": f'"{f.sha256}"',
                         "X-Linked-Size": str(f.size), "Location": loc})
            return self.send(302, f"Found. Redirecting to {loc}".encode(), hdrs, "text/plain; charset=utf-8")
        self.serve_bytes(f.read(), {**hdrs, "ETag": f'"{f.oid}"'})

    def serve_bytes(self, data, hdrs):
        rng, ctype = self.headers.get("Range"), "application/octet-stream"
        if rng and rng.startswith("bytes="):
            a, _, b = rng[6:].split(",")[0].strip().partition("-")
            last = len(data) - 1
            start, end = ((max(len(data) - int(b), 0), last) if a == ""
                          else (int(a), min(int(b or last), last)))
            if start >= len(data):
                return self.send(416, b"", {**hdrs, "Content-Range": f"bytes */{len(data)}"}, ctype)
            return self.send(206, data[start:end + 1],
                             {**hdrs, "Content-Range": f"bytes {start}-{end}/{len(data)}"}, ctype)
        self.send(200, data, hdrs, ctype)

    def api(self, rtype, segs, query):
        rid, revs, rest = self.split_repo(rtype, segs + [""])
        if rid is None:
            return self.error("RepoNotFound", "Repository not found")
        rest = [s for s in rest if s]
        if not rest or rest[0] in ("revision", "tree", "paths-info"):
            kind = rest[0] if rest else "revision"
            wanted = (rest[1:] or ["main"])[0]
            rev, rest = self.take_rev(revs, rest[1:] or ["main"])
            if rev is None:
                return self.error("RevisionNotFound", f"Invalid rev id: {unquote(wanted)}")
            if kind == "revision":
                return self.info(rtype, rid, rev, query)
            if kind == "tree":
                return self.tree(rev, unquote("/".join(rest)).strip("/"), query)
            return self.paths_info(rev)
        if rest == ["refs"]:
            refs = {"branches": [], "converts": [], "tags": []}
            for name, r in revs.items():
                group = "converts" if name.startswith("refs/convert/") else "branches"
                ref = name if "/" in name else f"refs/heads/{name}"
                refs[group].append({"name": name.rsplit("/", 1)[-1], "ref": ref, "targetCommit": r.sha})
            return self.send(200, refs)
        self.send(404, {"error": "Not Found"})

    def info(self, rtype, rid, rev, query):
        blobs = query.get("blobs", "").lower() == "true"
        sib = []
        for p, f in rev.files.items():
            s = {"rfilename": p}
            if blobs:
                s.update(size=f.size, blobId=f.oid)
                if f.lfs:
                    s["lfs"] = {"sha256": f.sha256, "size": f.size, "pointerSize": f.lfs["pointerSize"]}
            sib.append(s)
        author = rid.split("/")[0] if "/" in rid else None
        data = {"_id": rev.sha[:24], "id": rid, "author": author, "sha": rev.sha,
                "lastModified": DATE, "createdAt": DATE, "private": False, "gated": False, "disabled": False,
                "downloads": 0, "likes": 0, "tags": [], "cardData": {}, "siblings": sib,
                "usedStorage": sum(f.size for f in rev.files.values())}
        if rtype == "model":
            data.update(modelId=rid, library_name="transformers", pipeline_tag=None)
        self.send(200, data)

    def tree(self, rev, path, query):
        if path and path not in rev.dirs:
            return self.error("EntryNotFound", "Entry not found")
        recursive = query.get("recursive", "").lower() == "true"
        expand = query.get("expand", "").lower() == "true"
        prefix = path + "/" if path else ""
        items = [p for p in rev.dirs + list(rev.files)
                 if p.startswith(prefix) and (recursive or "/" not in p[len(prefix):])]
        items.sort(key=lambda p: (p not in rev.dirs, p))  # the Hub lists folders first
        start = int(base64.urlsafe_b64decode(query["cursor"]).decode()) if "cursor" in query else 0
        size = min(self.hub.page_size, 50) if expand else self.hub.page_size
        hdrs = {}
        if start + size < len(items):
            q = f"recursive={str(recursive).lower()}&expand={str(expand).lower()}&limit={size}"
            cursor = base64.urlsafe_b64encode(str(start + size).encode()).decode()
            here = f"{self.hub.url}{urlsplit(self.path).path}"
            hdrs["Link"] = f'<{here}?{q}&cursor={quote(cursor)}>; rel="next"'
        self.send(200, [rev.entry(p, expand) for p in items[start:start + size]], hdrs)

    def paths_info(self, rev):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            body = json.loads(raw or "{}")
            paths, expand = body.get("paths", []), bool(body.get("expand"))
        else:
            form = parse_qs(raw)
            paths, expand = form.get("paths", []), form.get("expand", ["False"])[-1].lower() == "true"
        paths = [p.strip("/") for p in ([paths] if isinstance(paths, str) else paths)]
        self.send(200, [rev.entry(p, expand) for p in paths if p in rev.files or p in rev.dirs])
