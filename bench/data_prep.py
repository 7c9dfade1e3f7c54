"""Prepare a Dolly-sized dataset end to end (load, validate, format, tokenise, mask): batched `Dataset.map` vs a naive loop.

Usage: python bench/data_prep.py [--rows 15011] [--model smollm2-135m] [--json]
The bundled 2,995 Dolly rows are repeated to `--rows` and written as .jsonl.gz; both pipelines read that file and
produce the same input_ids/labels (checked), in the same run. Target: the batched pipeline prepares 15k rows in <= 10 s
on 2 CPU cores.
"""
import argparse, gzip, json, tempfile, time
from pathlib import Path
import datasets
from muwa_nb.data import (load_bundled, load_records, tokenize_records, format_alpaca, check_record, _fit,
                          _special_prefix, resolve_model)

def naive(path:Path, tok, max_length=1024, min_response=16)->list:
    "One row at a time: parse, check, format, tokenise each piece, truncate, mask."
    rows, prefix, eos = [], _special_prefix(tok), tok.eos_token_id
    names = ('pre', 'instruction', 'mid', 'context', 'post', 'completion')
    with gzip.open(path, 'rt', encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            p = format_alpaca(check_record(json.loads(line), f'{path}, line {i}'))
            pieces = {n: tok(getattr(p, n), add_special_tokens=False).input_ids for n in names}
            pieces['completion'] = pieces['completion'] + [eos]
            pieces, _ = _fit(pieces, max_length-len(prefix), min_response)
            prompt = prefix + sum((pieces[n] for n in names[:-1]), [])
            rows.append(dict(input_ids=prompt+pieces['completion'], labels=[-100]*len(prompt)+pieces['completion']))
    return rows

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rows', type=int, default=15011)
    ap.add_argument('--model', default='smollm2-135m')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(resolve_model(a.model))
    base = load_bundled('dolly').to_list()
    rows = (base * (a.rows//len(base) + 1))[:a.rows]
    datasets.disable_progress_bars()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d)/'dolly15k.jsonl.gz'
        with gzip.open(path, 'wt', encoding='utf-8') as f: f.writelines(json.dumps(r)+'\n' for r in rows)
        t = time.perf_counter(); ds, _ = load_records(path); t_load = time.perf_counter()-t
        t = time.perf_counter(); tokd = tokenize_records(ds, tok, 'alpaca', 1024); t_tok = time.perf_counter()-t
        fast = t_load + t_tok
        t = time.perf_counter(); slow_rows = naive(path, tok); slow = time.perf_counter()-t
    same = all(s['input_ids']==f and s['labels']==l for s, f, l in zip(slow_rows, tokd['input_ids'], tokd['labels']))
    res = dict(rows=a.rows, tokenizer=type(tok).__name__, batched_seconds=round(fast, 2), batched_load_validate_seconds=round(t_load, 2),
               batched_tokenize_mask_seconds=round(t_tok, 2), batched_rows_per_s=round(a.rows/fast),
               naive_seconds=round(slow, 2), naive_rows_per_s=round(a.rows/slow), speedup=round(slow/fast, 2),
               identical_output=same, target_seconds=10, meets_target=fast<=10)
    if a.json: print(json.dumps(res, indent=1))
    else:
        print(f"{a.rows:,} rows, {res['tokenizer']}: batched {fast:.2f}s ({res['batched_rows_per_s']:,} rows/s; load+validate {t_load:.2f}s, "
              f"tokenise+mask {t_tok:.2f}s) vs naive loop {slow:.2f}s ({res['naive_rows_per_s']:,} rows/s): {res['speedup']}x; "
              f"identical output: {same}; target <= 10 s: {'met' if res['meets_target'] else 'MISSED'}")
    if not same: raise SystemExit('batched and naive pipelines disagree')

if __name__=='__main__': main()
