"""Prepare a Dolly-sized dataset end to end (load, validate, format, tokenise, mask): batched vs a plain loop.

Usage: python bench/data_prep.py [--rows 15011] [--model smollm2-135m] [--repeats 3] [--json]

The bundled 2,995 Dolly rows are repeated to `--rows` and written as .jsonl.gz. Both arms read that file, in
the same run, `--repeats` times each (interleaved); min and median wall times are reported for both, and the
speed-up of the medians. The baseline is a one-row-at-a-time loop written here, independently of the library
(its own parsing, template and truncation). Correctness is checked three ways: both arms give the same number
of rows and, row by row, the same ids and labels (lengths checked, not zipped away); and every untruncated row
decodes back to exactly the template text, its learned tokens to exactly the response + EOS.
"""
import argparse, gzip, json, statistics, tempfile, time
from pathlib import Path
import datasets
from muwa_nb.assets import load_bundled, resolve_model
from muwa_nb.data import load_records, tokenize_records, ALPACA_PREAMBLE, ALPACA_PREAMBLE_INPUT
from muwa_nb.config import machine_info

def alpaca_pieces(rec:dict)->list:
    "The Alpaca template as (name, text) pieces, written out here."
    if rec.get('context', '').strip():
        return [('pre', ALPACA_PREAMBLE_INPUT + '### Instruction:\n'), ('instruction', rec['instruction']),
                ('mid', '\n\n### Input:\n'), ('context', rec['context']), ('post', '\n\n### Response:\n')]
    return [('pre', ALPACA_PREAMBLE + '### Instruction:\n'), ('instruction', rec['instruction']),
            ('mid', ''), ('context', ''), ('post', '\n\n### Response:\n')]

def cut(ids:dict, budget:int, min_response:int=16)->dict:
    "Drop tokens from the end of the context, then the response (keeping `min_response`), then the instruction."
    for name, keep in (('context', 0), ('response', min_response), ('instruction', 0)):
        while sum(map(len, ids.values())) > budget and len(ids[name]) > min(keep, len(ids[name])):
            ids[name] = ids[name][:-1]
    return ids

def naive(path:Path, tok, max_length:int=1024)->list:
    "One row at a time: parse, check, format, tokenise each piece, truncate, mask."
    rows, prefix = [], tok('').input_ids          # the special tokens the tokenizer puts in front (OPT: </s>)
    with gzip.open(path, 'rt', encoding='utf-8') as f:
        for line in f:
            rec = json.loads(line)
            assert isinstance(rec['instruction'], str) and rec['instruction'].strip() and rec['response'].strip()
            pieces = {n: tok(t, add_special_tokens=False).input_ids for n, t in alpaca_pieces(rec)}
            pieces['response'] = tok(rec['response'], add_special_tokens=False).input_ids + [tok.eos_token_id]
            pieces = cut(pieces, max_length - len(prefix))
            prompt = prefix + [i for n in ('pre', 'instruction', 'mid', 'context', 'post') for i in pieces[n]]
            rows.append(dict(input_ids=prompt + pieces['response'], labels=[-100]*len(prompt) + pieces['response']))
    return rows

def batched(path:Path, tok, max_length:int=1024):
    ds, _ = load_records(path)
    return tokenize_records(ds, tok, 'alpaca', max_length)

def whole_text_ids(rec:dict, tok)->list:
    "The row tokenised as one string (the prompt and the response together), then EOS."
    text = ''.join(t for _, t in alpaca_pieces(rec)) + rec['response']
    return tok(text).input_ids + [tok.eos_token_id]

def check(naive_rows:list, tokd, records:list, tok)->dict:
    """Row counts, per-row equality of the two arms, and text round trips of the untruncated rows.

    The loop tokenises each piece on its own; where a piece ends in whitespace the whole text can merge a token
    across the boundary (a context ending in ' ' before '\\n\\n### Response'). Such a row counts as a
    boundary merge, not a difference, when the batched arm equals the whole text tokenised in one call."""
    if len(naive_rows) != len(tokd): raise SystemExit(f'row counts differ: naive {len(naive_rows)}, batched {len(tokd)}')
    ids, labels, truncated = tokd['input_ids'], tokd['labels'], tokd['truncated']
    diff = [i for i, r in enumerate(naive_rows) if r['input_ids'] != ids[i] or r['labels'] != labels[i]]
    merged = [i for i in diff if whole_text_ids(records[i], tok) == ids[i] and not truncated[i]]
    diff = [i for i in diff if i not in set(merged)]
    bad_text = 0
    for i, rec in enumerate(records):
        if truncated[i]: continue
        learned = [t for t in labels[i] if t != -100]
        text = ''.join(t for _, t in alpaca_pieces(rec)) + rec['response']
        bad_text += (tok.decode(ids[i], skip_special_tokens=True) != text
                     or tok.decode(learned[:-1]) != rec['response'] or learned[-1] != tok.eos_token_id)
    return dict(rows=len(tokd), rows_differing=len(diff), first_differing=diff[:5], truncated=sum(map(bool, truncated)),
                untruncated_text_mismatches=bad_text, boundary_merges=len(merged), first_boundary_merges=merged[:5])

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rows', type=int, default=15011, help='rows to prepare (default: %(default)s, Dolly-15k size)')
    ap.add_argument('--model', default='smollm2-135m', help='whose tokenizer (default: %(default)s)')
    ap.add_argument('--repeats', type=int, default=3, help='timed runs of each arm (default: %(default)s)')
    ap.add_argument('--json', action='store_true', help='print one JSON object')
    a = ap.parse_args()
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(resolve_model(a.model))
    base = load_bundled('dolly').to_list()
    records = (base * (a.rows//len(base) + 1))[:a.rows]
    datasets.disable_progress_bars()
    times = {'batched': [], 'naive': []}
    with tempfile.TemporaryDirectory() as d:
        path = Path(d)/'dolly15k.jsonl.gz'
        with gzip.open(path, 'wt', encoding='utf-8') as f: f.writelines(json.dumps(r)+'\n' for r in records)
        for _ in range(a.repeats):
            t = time.perf_counter(); tokd = batched(path, tok); times['batched'].append(time.perf_counter()-t)
            t = time.perf_counter(); slow_rows = naive(path, tok); times['naive'].append(time.perf_counter()-t)
    stats = {k: dict(min_s=round(min(v), 2), median_s=round(statistics.median(v), 2), runs_s=[round(x, 2) for x in v])
             for k, v in times.items()}
    res = dict(rows=a.rows, tokenizer=a.model, repeats=a.repeats, **stats,
               speedup_median=round(stats['naive']['median_s']/stats['batched']['median_s'], 2),
               speedup_min=round(stats['naive']['min_s']/stats['batched']['min_s'], 2),
               batched_rows_per_s=round(a.rows/stats['batched']['median_s']), target_seconds=10,
               meets_target=stats['batched']['median_s'] <= 10, correctness=check(slow_rows, tokd, records, tok))
    c = res['correctness']
    if a.json: print(json.dumps({**res, 'machine': machine_info()}, indent=1))
    else:
        print(f"{a.rows:,} rows, {a.model} tokenizer, {a.repeats} runs each: batched min {stats['batched']['min_s']}s / "
              f"median {stats['batched']['median_s']}s, naive loop min {stats['naive']['min_s']}s / median "
              f"{stats['naive']['median_s']}s: {res['speedup_median']}x (medians), {res['speedup_min']}x (mins); "
              f"target <= 10 s: {'met' if res['meets_target'] else 'MISSED'}")
        print(f"check: {c['rows']:,} rows in both arms, {c['rows_differing']} differ; {c['truncated']} truncated; "
              f"{c['untruncated_text_mismatches']} untruncated rows fail the text round trip; "
              f"{c['boundary_merges']} equal the whole text tokenised at once where the loop splits a token")
    if c['rows_differing'] or c['untruncated_text_mismatches']: raise SystemExit('the two arms or the round trip disagree')

if __name__=='__main__': main()
