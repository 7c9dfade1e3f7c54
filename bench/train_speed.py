"""Training throughput on SmolLM2-135M: 03_train's alpaca pipeline against a Muwa-faithful baseline.

Usage: python bench/train_speed.py [--steps 8] [--warmup 2] [--repeats 2] [--loss-steps 20] [--json]

Each arm trains in a fresh process (so its peak memory is its own) for `--warmup` steps, then `--steps` timed
steps; arms are interleaved and repeated `--repeats` times; min and median are reported. fp32, and bf16 autocast
where the CPU has bf16 instructions.
- ours: `train_sft` with the cpu-demo preset (prompt + response, response-only loss, length-grouped batches of
  4 rows of up to 256 tokens, no gradient checkpointing);
- muwa-faithful baseline: the Trainer with the language-modelling collator, the model's own loss (logits at
  every position), random order, gradient checkpointing and PyTorch's dropout, on the same prompt + response text
  (both see the same tokens), same batch, length cap and LoRA;
- ours with glibc's default malloc (`CPU_KEEP_FREED_MEMORY = False`): what keeping freed memory is worth.

Real tokens are the non-padding tokens; learned tokens those with a label (the loss's tokens). Model FLOPs of
LoRA on a frozen base, counting only useful work:
  4 (N - H) real + 4 H learned + 12 L s d real
(forward 2 and the backward's input gradients 2 per weight: the N - H weights of the layers' matrix multiplies
act on every real token, the H of the LM head only where a token is learned; plus attention scores and weighted
sums, forward and backward, at the batch's padded length s, L layers of width d), divided by the machine's
measured matmul peak (2048^3, best of 5) in the same precision. Where the CPU has bf16 instructions,
`--loss-steps` steps of ours in fp32 and in bf16 (same seed) compare validation losses.
"""
import argparse, json, statistics, subprocess, sys, time
from muwa_nb.config import machine_info

CHILD = r'''
import json, sys, tempfile, time
import torch
from transformers import TrainerCallback
from muwa_nb.config import get_preset
from muwa_nb.train import cpu_peak_rss
a = json.loads(sys.argv[1])
clock = {}
class Clock(TrainerCallback):
    def on_step_end(self, args, state, control, **kw): clock[state.global_step] = time.perf_counter()
steps = a['warmup'] + a['steps']
preset = get_preset('cpu-demo', precision=a['precision'], max_steps=steps, logging_steps=1, eval_steps=None,
                    save_steps=None, val_rows=a['val_rows'])
if a['arm'] == 'ours':
    import muwa_nb.train as T
    T.CPU_KEEP_FREED_MEMORY = a['keep_freed_memory']
    m = T.train_sft(preset, tempfile.mkdtemp(), device='cpu', callbacks=[Clock()])
    log, eval_loss = m['log_history'], m['final_eval_loss']
else:   # Muwa's way: LM collator (labels = ids, padding masked), random order, gradient checkpointing
    from transformers import DataCollatorForLanguageModeling, Trainer
    from muwa_nb.train import MuwaTrainer, sft_datasets, sft_model, training_arguments
    class Faithful(MuwaTrainer):        # token counts and logs of ours; the model's own loss over every position
        compute_loss = Trainer.compute_loss
    preset = preset.replace(gradient_checkpointing=True, recipe='muwa')
    model, tok = sft_model(preset, 'cpu')
    data = sft_datasets(preset.replace(recipe='alpaca'), tok)          # prompt + response text, as ours
    train = data['train'].select_columns(['input_ids'])
    trainer = Faithful(model=model, args=training_arguments(preset, tempfile.mkdtemp(), 'cpu'), train_dataset=train,
                       data_collator=DataCollatorForLanguageModeling(tok, mlm=False), callbacks=[Clock()])
    trainer.compute_loss_func = None
    trainer.train(); log, eval_loss = trainer.state.log_history, None
by_step = {r['step']: r for r in log if 'real_tokens' in r}
w, e = a['warmup'], steps
real = by_step[e]['real_tokens'] - by_step[w]['real_tokens']
learned = by_step[e]['learned_tokens'] - by_step[w]['learned_tokens']
padded = by_step[e]['padded_tokens'] - by_step[w]['padded_tokens']
s_weighted = sum((by_step[k]['real_tokens'] - by_step[k-1]['real_tokens']) *
                 (by_step[k]['padded_tokens'] - by_step[k-1]['padded_tokens']) / 4 for k in range(w + 1, e + 1))
print('BENCH', json.dumps(dict(seconds=clock[e] - clock[w], real_tokens=real, padded_tokens=padded,
                               learned_tokens=learned, real_tokens_times_len=s_weighted, eval_loss=eval_loss,
                               peak_rss=cpu_peak_rss())))
'''

def child(arm:str, precision:str, steps:int, warmup:int, val_rows:int=8, keep_freed_memory:bool=True)->dict:
    a = dict(arm=arm, precision=precision, steps=steps, warmup=warmup, val_rows=val_rows,
             keep_freed_memory=keep_freed_memory)
    r = subprocess.run([sys.executable, '-c', CHILD, json.dumps(a)], capture_output=True, text=True)
    line = [l for l in r.stdout.splitlines() if l.startswith('BENCH ')]
    if r.returncode or not line: raise SystemExit(f'{arm}/{precision} failed:\n{r.stderr[-3000:]}')
    return json.loads(line[-1][6:])

def matmul_peak(dtype, n:int=2048, repeats:int=5)->float:
    "Best GFLOP/s of an n^3 matrix multiply in `dtype` on this machine (all threads torch uses)."
    import torch
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2*n**3/best/1e9

def _timed(f)->float:
    t = time.perf_counter(); f(); return time.perf_counter() - t

def model_shape()->dict:
    "N (weights in matrix multiplies, LM head included), H (the LM head's), layers and width of SmolLM2-135M."
    import torch.nn as nn
    from muwa_nb.quantized_load import meta_model, model_config
    cfg = model_config('smollm2-135m'); m = meta_model(cfg)
    n = sum(mod.weight.numel() for mod in m.modules() if isinstance(mod, nn.Linear))
    return dict(N=n, H=cfg.vocab_size*cfg.hidden_size, L=cfg.num_hidden_layers, d=cfg.hidden_size)

def summarise(runs:list, shape:dict, peak:float)->dict:
    tps = [r['real_tokens']/r['seconds'] for r in runs]
    N, H = shape['N'], shape['H']
    attention = 12*shape['L']*shape['d']
    flops = [(4*(N - H)*r['real_tokens'] + 4*H*r['learned_tokens'] + attention*r['real_tokens_times_len'])
             / r['seconds'] for r in runs]
    return dict(real_tokens_per_s=dict(min=round(min(tps), 1), median=round(statistics.median(tps), 1)),
                padding_fraction=round(1 - runs[0]['real_tokens']/runs[0]['padded_tokens'], 4),
                learned_share_of_real=round(runs[0]['learned_tokens']/runs[0]['real_tokens'], 3),
                peak_rss_MiB=round(max(r['peak_rss'] for r in runs)/2**20),
                model_gflops=round(statistics.median(flops)/1e9, 1),
                share_of_matmul_peak=round(statistics.median(flops)/1e9/peak, 3))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=8); ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--repeats', type=int, default=2); ap.add_argument('--loss-steps', type=int, default=20)
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    import torch
    from muwa_nb.train import cpu_supports_bf16
    precisions = ['fp32'] + (['bf16'] if cpu_supports_bf16() else [])
    peaks = {p: matmul_peak(torch.float32 if p == 'fp32' else torch.bfloat16) for p in precisions}
    shape, runs = model_shape(), {}
    for _ in range(a.repeats):
        for p in precisions:
            for arm in ('ours', 'muwa'): runs.setdefault(f'{arm}-{p}', []).append(child(arm, p, a.steps, a.warmup))
            runs.setdefault(f'ours-{p}-glibc', []).append(
                child('ours', p, a.steps, a.warmup, keep_freed_memory=False))
    res = dict(threads=torch.get_num_threads(), cpu_bf16=cpu_supports_bf16(), steps=a.steps, warmup=a.warmup,
               repeats=a.repeats, matmul_peak_gflops={p: round(v, 1) for p, v in peaks.items()}, model=shape,
               arms={k: summarise(v, shape, peaks[k.split('-')[1]]) for k, v in runs.items()})
    med = lambda k: res['arms'][k]['real_tokens_per_s']['median']
    res['speedup'] = {f'ours vs muwa, {p}': round(med(f'ours-{p}')/med(f'muwa-{p}'), 2) for p in precisions}
    if 'bf16' in precisions:
        res['speedup']['ours bf16 vs muwa fp32'] = round(med('ours-bf16')/med('muwa-fp32'), 2)
        res['speedup']['ours bf16 vs ours fp32'] = round(med('ours-bf16')/med('ours-fp32'), 2)
    for p in precisions:
        res['speedup'][f'ours {p}: freed memory kept vs glibc default'] = round(
            med(f'ours-{p}')/med(f'ours-{p}-glibc'), 2)
    losses = {p: child('ours', p, a.loss_steps - 1, 1, val_rows=48)['eval_loss'] for p in precisions}
    res['validation_loss_after_loss_steps'] = {p: round(v, 4) for p, v in losses.items()}
    res['loss_steps'] = a.loss_steps
    if a.json: print(json.dumps({**res, 'machine': machine_info()}, indent=1)); return
    print(f"{res['threads']} threads, CPU bf16: {res['cpu_bf16']}, matmul peak (GFLOP/s): {res['matmul_peak_gflops']}")
    for k, v in res['arms'].items():
        tps = v['real_tokens_per_s']
        print(f"  {k:15s} real tokens/s min {tps['min']:7.1f} median {tps['median']:7.1f}"
              f" | padding {v['padding_fraction']:.1%} | peak RSS {v['peak_rss_MiB']} MiB | {v['model_gflops']} GFLOP/s "
              f"= {v['share_of_matmul_peak']:.0%} of peak")
    print('speed-ups (medians):', res['speedup'])
    if 'validation_loss_after_loss_steps' in res: print('validation loss:', res['validation_loss_after_loss_steps'])

if __name__ == '__main__': main()
