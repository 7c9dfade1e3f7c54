"""Every benchmark in one run: one table of each target against its baseline, plus JSON.

Usage: python bench/run.py [--quick] [--only data_prep,...,eval_speed,dpo_speed] [--json] [--save DIR]
       python bench/run.py --from DIR      (the table from JSON files saved earlier, nothing re-run)

Runs each benchmark script as its own process with `--json` (in this order: data_prep, load_time, step_time,
train_speed, eval_speed, dpo_speed), then prints one row per target: what is measured, the baseline, the ratio
(min and median of the repeated runs where the benchmark repeats), the target, and whether it was met. `--quick`
passes small sizes (a smoke run: ratios at those sizes are not the reported figures). `--save DIR` keeps each
benchmark's JSON (`DIR/<name>.json`) and the summary (`DIR/summary.json`). The machine should be otherwise idle: the ratios compare
arms of the same run, but absolute rates and FLOP/s shares move with load.
"""
import argparse, json, subprocess, sys, time
from muwa_nb.config import machine_name
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK = {'data_prep': ['--rows', '3000', '--repeats', '2'], 'load_time': ['--models', 'tiny-opt'],
         'step_time': ['--shapes', '4x256'], 'train_speed': ['--steps', '3', '--warmup', '1', '--repeats', '1',
                                                             '--loss-steps', '4'],
         'eval_speed': ['--squad', '8', '--piqa', '8', '--wikitext-rows', '40', '--repeats', '1'],
         'dpo_speed': ['--pairs', '4', '--steps', '1', '--repeats', '1']}
ORDER = ['data_prep', 'load_time', 'step_time', 'train_speed', 'eval_speed', 'dpo_speed']


def run(name:str, quick:bool)->dict:
    "One benchmark's JSON, from a fresh process."
    cmd = [sys.executable, str(HERE/f'{name}.py'), '--json'] + (QUICK[name] if quick else [])
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode: raise SystemExit(f"bench/{name}.py failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
    out = json.loads(r.stdout[r.stdout.index('{'):])
    out['_seconds'] = round(time.perf_counter() - t, 1)
    return out


def rows(name:str, r:dict)->list:
    "`(measure, baseline, ratio min, ratio median, target, met)` rows of one benchmark's JSON."
    if name == 'data_prep':
        return [('Dolly-sized data preparation, wall time', 'a plain one-row loop', r['speedup_min'],
                 r['speedup_median'], f"<= {r['target_seconds']} s ({r['batched']['median_s']} s)",
                 r['meets_target'])]
    if name == 'load_time':
        out = []
        for model, t in r.items():
            if model.startswith('_') or model == 'machine': continue
            ratio = round(t['first_build_and_load_s']/t['cached_load_s'], 1)
            target = {'tiny-opt': ('first build < 5 s', t['first_build_and_load_s'] < 5),
                      'smollm2-135m': ('cached load < 2 s', t['cached_load_s'] < 2)}.get(model, ('-', None))
            out.append((f'{model}: cached load vs first build', 'the first build', None, ratio,
                        f"{target[0]} ({t['first_build_and_load_s']} s / {t['cached_load_s']} s)", target[1]))
        return out
    if name == 'step_time':
        return [(f"one LoRA step {s} ({t['train_tokens_per_s']} tok/s)", '-', None, None, 'measured, no target', None)
                for s, t in r['shapes'].items()]
    if name == 'train_speed':
        sp, out = r['speedup'], []
        for k, v in sp.items():
            target = {'ours vs muwa, fp32': 2, 'ours vs muwa, bf16': 2, 'ours bf16 vs muwa fp32': 4}.get(k)
            baseline = ('Muwa-faithful Trainer (LM collator, random order)' if 'muwa' in k else
                        "ours with glibc's default malloc" if 'glibc' in k else 'ours in fp32')
            out.append((f'training real tokens/s: {k}', baseline, None, v, f'>= {target}x' if target else '-',
                        (v >= target) if target else None))
        for arm, a in r['arms'].items():
            if arm.startswith('ours') and not arm.endswith('glibc'):      # the pipeline as it runs by default
                precision = arm.split('-')[1]
                out.append((f'model FLOP/s share of matmul peak, {arm}', f"{r['matmul_peak_gflops'][precision]} "
                            'GFLOP/s peak', None, a['share_of_matmul_peak'], '>= 0.40',
                            a['share_of_matmul_peak'] >= 0.4))
        return out
    if name == 'eval_speed':
        out = []
        for k, v in r['speedup'].items():
            target = float(k.split('target ')[1].rstrip('x)')) if 'target' in k else None
            out.append((f'evaluation: {k}', "Muwa's one-at-a-time loop / HF guide loop", None, v,
                        f'>= {target:g}x' if target else '-', (v >= target) if target else None))
        return out
    if name == 'dpo_speed':
        base = {'scoring': 'padded pairs, full logits', 'training loss + backward': 'full logits'}
        return [(f"DPO {k}, pairs/s ({r['precision']})", base[k], None, v, 'measured, no target', None)
                for k, v in r['speedup'].items()]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='small sizes: a smoke run, not the reported figures')
    ap.add_argument('--only', default=','.join(ORDER), help='comma-separated benchmarks to run')
    ap.add_argument('--json', action='store_true'); ap.add_argument('--save', help='folder for the JSON files')
    ap.add_argument('--from', dest='saved', help='summarise the <name>.json files in this folder instead')
    a = ap.parse_args()
    names = [n.strip() for n in a.only.split(',') if n.strip()]
    unknown = [n for n in names if n not in ORDER]
    if unknown: ap.error(f"argument --only: unknown benchmark {unknown[0]!r}; valid: {', '.join(ORDER)}")
    results, table = {}, []
    for n in names:
        if a.saved:
            if not (Path(a.saved)/f'{n}.json').is_file(): continue
            results[n] = json.loads((Path(a.saved)/f'{n}.json').read_text())
        else:
            print(f'[bench] {n} ...', file=sys.stderr, flush=True)
            results[n] = run(n, a.quick)
            if a.save:                                         # kept at once: a later benchmark may fail
                Path(a.save).mkdir(parents=True, exist_ok=True)
                (Path(a.save)/f'{n}.json').write_text(json.dumps(results[n], indent=1))
            print(f"[bench] {n} done in {results[n]['_seconds']:.0f} s", file=sys.stderr, flush=True)
        table += [dict(bench=n, measure=m, baseline=b, ratio_min=lo, ratio_median=med, target=t, met=ok)
                  for m, b, lo, med, t, ok in rows(n, results[n])]
    machines = sorted({machine_name(r['machine']) for r in results.values() if 'machine' in r})
    summary = dict(quick=a.quick, machines=machines, table=table, results=results)
    if a.save:
        d = Path(a.save); d.mkdir(parents=True, exist_ok=True)
        for n, r in results.items(): (d/f'{n}.json').write_text(json.dumps(r, indent=1))
        (d/'summary.json').write_text(json.dumps(summary, indent=1))
    if a.json: return print(json.dumps(summary, indent=1))
    fmt = lambda x: '-' if x is None else (f'{x:g}' if isinstance(x, (int, float)) else str(x))
    print('| bench | measure | baseline | ratio min | ratio median | target | met |\n|---|---|---|---|---|---|---|')
    for t in table:
        met = {True: 'yes', False: 'NO', None: '-'}[t['met']]
        print(f"| {t['bench']} | {t['measure']} | {t['baseline']} | {fmt(t['ratio_min'])} | "
              f"{fmt(t['ratio_median'])} | {t['target']} | {met} |")
    print(f"\nmachine: {'; '.join(machines) or 'not recorded'}")
    if a.quick: print('\n(--quick: small sizes, a smoke run; not the reported figures)')


if __name__ == '__main__': main()
