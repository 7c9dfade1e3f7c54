"""Build the data bundle shipped inside the package from `../shared/data` (run once by a maintainer, \
not at run time).

Usage: python tools/bundle_data.py [--shared ../shared/data]

Each dataset goes to `muwa_nb/assets/data/<name>/` as gzip-compressed JSON lines plus the upstream SOURCE.md
and a BUNDLE.md saying exactly how the bundled file was derived and its checksums. Gzip is written with
mtime=0 so the output is byte-for-byte reproducible.
"""
import argparse, gzip, hashlib, io, json, shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT/'muwa_nb'/'assets'/'data'

def sha256(b:bytes)->str: return hashlib.sha256(b).hexdigest()

def write_jsonl_gz(path:Path, rows:list)->dict:
    raw = ''.join(json.dumps(r, ensure_ascii=False)+'\n' for r in rows).encode('utf-8')
    buf = io.BytesIO()
    with gzip.GzipFile(filename='', mode='wb', fileobj=buf, mtime=0, compresslevel=9) as f: f.write(raw)
    path.write_bytes(buf.getvalue())
    return dict(file=path.name, rows=len(rows), bytes=len(buf.getvalue()), sha256=sha256(buf.getvalue()),
                jsonl_sha256=sha256(raw))

def read_jsonl(b:bytes)->list: return [json.loads(l) for l in b.decode('utf-8').splitlines() if l.strip()]

def squad_mini(src:Path)->list:
    """Flatten SQuAD v1.1 dev (article -> paragraph -> qa, file order = HF `squad` validation order),
    keep every 10th."""
    d = json.loads((src/'dev-v1.1.json').read_bytes())
    flat = [dict(id=qa['id'], title=art['title'], context=p['context'], question=qa['question'],
                 answers=dict(text=[a['text'] for a in qa['answers']],
                              answer_start=[a['answer_start'] for a in qa['answers']]))
            for art in d['data'] for p in art['paragraphs'] for qa in p['qas']]
    assert len(flat)==10570, len(flat)
    return flat[::10]

def piqa(src:Path)->list:
    goals = read_jsonl((src/'valid.jsonl').read_bytes())
    labels = [int(l) for l in (src/'valid-labels.lst').read_text().split()]
    assert len(goals)==len(labels)==1838
    return [dict(goal=g['goal'], sol1=g['sol1'], sol2=g['sol2'], label=l) for g,l in zip(goals, labels)]

DERIVATIONS = {
  'dolly': ('databricks-dolly-15k', 'dolly_alpagasus3k_subset.jsonl.gz',
            lambda s: read_jsonl(gzip.decompress((s/'dolly_alpagasus3k_subset.jsonl.gz').read_bytes())),
            'the rows of `dolly_alpagasus3k_subset.jsonl.gz`, unchanged '
            '(fields instruction, context, response, category).'),
  'squad-mini': ('squad_v1.1', 'dev-v1.1.json', squad_mini,
            'SQuAD v1.1 dev flattened article -> paragraph -> question in file order '
            '(the HF `squad` validation order), '
            'then every 10th question starting at index 0 (1,057 questions); fields as in HF `squad`: '
            'id, title, context, question, answers{text, answer_start}.'),
  'piqa': ('piqa', 'valid.jsonl + valid-labels.lst', piqa,
            'line i of `valid.jsonl` (goal, sol1, sol2) joined with line i of `valid-labels.lst` as `label` '
            '(0 = sol1, 1 = sol2).'),
  'wikitext-2': ('wikitext-2-raw-v1', 'test.jsonl', lambda s: read_jsonl((s/'test.jsonl').read_bytes()),
            'the rows of `test.jsonl` ({"text": row}), unchanged and in order, blank rows included.'),
  'hh-rlhf-harmless': ('hh-rlhf-harmless-base', 'test.jsonl.gz',
            lambda s: read_jsonl(gzip.decompress((s/'test.jsonl.gz').read_bytes())),
            'the {"chosen", "rejected"} pairs of `test.jsonl.gz`, unchanged and in order.'),
}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--shared', default=str(ROOT.parent/'shared'/'data'))
    a = p.parse_args()
    shared = Path(a.shared)
    for name,(folder,upstream,derive,how) in DERIVATIONS.items():
        src, dst = shared/folder, OUT/name
        if dst.exists(): shutil.rmtree(dst)
        dst.mkdir(parents=True)
        shutil.copy(src/'SOURCE.md', dst/'SOURCE.md')
        info = write_jsonl_gz(dst/'data.jsonl.gz', derive(src))
        (dst/'BUNDLE.md').write_text(
            f"# Bundled copy: {name}\n\n`data.jsonl.gz` holds {how}\n\n"
            f"Derived from `{upstream}` described in SOURCE.md "
            "(same folder; its licence and attribution apply to this file too).\n\n"
            "| file | rows | bytes | sha256 |\n|---|---|---|---|\n"
            f"| {info['file']} | {info['rows']:,} | {info['bytes']:,} | {info['sha256']} |\n\n"
            f"Uncompressed JSON lines sha256: {info['jsonl_sha256']}. Built by `tools/bundle_data.py`.\n")
        print(json.dumps(dict(name=name, **info)))

if __name__=='__main__': main()
