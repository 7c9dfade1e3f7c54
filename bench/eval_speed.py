"""Evaluation speed on SmolLM2-135M (CPU, fp32; wikitext in bf16 too): 04_eval's paths against Muwa's.

Usage: python bench/eval_speed.py [--squad 128] [--batch-size 64] [--piqa 32] [--wikitext-rows 120]
                                  [--repeats 3] [--no-bf16] [--json]

Arms run interleaved in one process on the same loaded model, `--repeats` times; min and median of each arm's
rate are reported, and the speed-up of the medians.
- SQuAD-mini, examples/s, on the first `--squad` questions (128: two full batches, like a full-set run's,
  not one batch's tail): `generate_batched` (`--batch-size` prompts a batch, sorted by length, the cache
  within half the free memory; the prefix the batch shares read once, then the rests four a pass, into a
  static KV cache; then decoded together, each group of 8 rows attending only over its own span of the
  cache; stop at EOS or a newline) against Muwa's
  loop: one prompt at a time, greedy, all 32 new tokens (Muwa's generation config carried no EOS id), the
  answer read up to the first EOS and newline. Asserted: the same answer for every question.
- PIQA, examples/s: `evaluate_piqa_loglik` (each item a prefix tree in which the context and the solutions'
  common beginning are read once, trees packed into rows of 256 tokens; LM head only where scored) against
  Muwa's generate-and-parse loop (one prompt at a time, its numbered-choice prompt, repetition penalty 1.2,
  all 32 tokens, parsed as 04_eval does); our batched `evaluate_piqa_generate` is a third arm, for reference.
  The methods differ, so accuracies are reported, not asserted equal; asserted instead: the batched
  log-likelihoods equal an unbatched recomputation (one pair at a time, the model's own loss) within 1e-3
  nats.
- wikitext-2 test, tokens scored/s: `window_nll` as `evaluate_model` runs it on a CPU (one window a pass: on
  this CPU batching 4 windows ran 0.86x the guide loop, one 1.04x; logits only where scored)
  against the Hugging Face guide's loop (one window at a time, labels masked with -100, the model's loss).
  Asserted: the same perplexity within 1e-4 relative. The guide loop's model GFLOP/s (2 per weight per token
  read, plus attention) is reported against the machine's fp32 matmul peak: how much room batching could have.
- wikitext in bf16 (only where the CPU computes bf16 natively, AVX512-BF16 or AMX; `--no-bf16` skips it): both
  arms again on the model loaded in bf16 as `muwa_eval --precision bf16` loads it (`load_for_eval(...,
  quant='bf16')`: weights in bf16, the rotary frequencies kept in fp32, which `.to(torch.bfloat16)` would
  round). Reported: ours in bf16 against the fp32 guide loop (the speed a user gets by asking for bf16)
  and against the guide loop in bf16 (same precision), and the perplexity's relative change from fp32.
  Asserted: both bf16 arms score the same tokens, their perplexities within 1e-3 relative of each other, and
  bf16 within 1% of fp32.
Ceilings:
- SQuAD: every prompt token must be read once; `prefilled_cache` alone, over the same batches (the prefix a
  batch shares once, then the rests four a pass, one position's logits), is timed, and `Muwa loop seconds /
  those seconds` is the speed-up of our way of reading the prompts if generating the answers cost nothing.
- wikitext (what no implementation giving the same answers in fp32 could beat on this machine):
  each window's tokens must pass every layer; with the LM head only where scored, the model FLOPs
  at the measured fp32 matmul peak give the shortest possible time; `guide loop seconds / that`: the ceiling.
  The guide loop's model GFLOP/s (all its work: every token through the LM head) over that peak is its share.
- wikitext in bf16: the same against the measured bf16 matmul peak (the guide loop in bf16 / least FLOPs at
  it; the bf16 guide loop's share of it).
Before the timed rounds, a short untimed pass of each kind on each model (the first is slower: warm-up).
"""
import argparse, json, math, statistics, time
from muwa_nb.config import machine_info


def _timed(f):
    t = time.perf_counter(); out = f(); return time.perf_counter() - t, out


def muwa_generate(model, tok, prompt:str, repetition_penalty:float=1.0)->list:
    "Muwa's generation: one prompt, greedy, all 32 new tokens (no EOS stop); the new token ids."
    import torch
    enc = tok(prompt, return_tensors='pt')
    with torch.no_grad():
        gen = model.generate(**enc, max_new_tokens=32, do_sample=False, num_beams=1, eos_token_id=None,
                             repetition_penalty=repetition_penalty, pad_token_id=tok.pad_token_id)
    return gen[0, enc['input_ids'].shape[1]:].tolist()


def muwa_squad_loop(model, tok, prompts:list)->list:
    "Muwa's SQuAD loop; the answer is read up to the first EOS, then up to the first newline."
    out = []
    for p in prompts:
        new = muwa_generate(model, tok, p)
        new = new[:new.index(tok.eos_token_id)] if tok.eos_token_id in new else new
        out.append(tok.decode(new, skip_special_tokens=True).split('\n')[0].strip())
    return out


def muwa_piqa_loop(model, tok, rows)->list:
    "Muwa's PIQA: numbered-choice prompt, one at a time, 32 tokens, repetition penalty 1.2, parsed; 1/0 each."
    from muwa_nb.data import ALPACA_PREAMBLE
    from muwa_nb.eval import MUWA_PIQA_INSTRUCTION, parse_piqa_answer
    out = []
    for r in rows:
        prompt = f"{ALPACA_PREAMBLE}### Instruction:\n{MUWA_PIQA_INSTRUCTION.format(**r)}\n\n### Response:\n"
        text = tok.decode(muwa_generate(model, tok, prompt, 1.2), skip_special_tokens=True).strip()
        out.append(float(parse_piqa_answer(text, r['sol1'], r['sol2']) == r['label']))
    return out


def guide_perplexity_loop(model, ids, windows:list)->tuple:
    "The HF perplexity guide's loop: `(summed NLL, tokens scored)`, one window at a time."
    import torch
    nll, count = 0.0, 0
    with torch.no_grad():
        for b, e, scored in windows:
            x = ids[None, b:e]; y = x.clone(); y[:, :-scored] = -100
            k = int((y[:, 1:] != -100).sum())
            nll += model(input_ids=x, labels=y).loss.item()*k; count += k
    return nll, count


def unbatched_loglik(model, tok, pairs:list)->list:
    "Summed log-probability of each continuation, one pair at a time, from the model's own loss."
    import torch
    from muwa_nb.eval import encode_pair
    out = []
    with torch.no_grad():
        for c, s in pairs:
            ctx, cont = encode_pair(tok, c, s)
            x = torch.tensor([ctx + cont]); y = x.clone(); y[:, :len(ctx)] = -100
            out.append(-model(input_ids=x, labels=y).loss.item()*len(cont))
    return out


def stats(xs:list)->dict: return dict(min=round(min(xs), 2), median=round(statistics.median(xs), 2))


def matmul_peak(n:int=2048, repeats:int=5, dtype=None)->float:
    "Best GFLOP/s of an n^3 matrix multiply in `dtype` (default fp32) here (all the threads torch uses)."
    import torch
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype); a @ b
    return 2*n**3/min(_timed(lambda: a @ b)[0] for _ in range(repeats))/1e9


def window_flops(model, windows:list, head_everywhere:bool)->float:
    "Model FLOPs of the windows: 2 per weight per token (LM head everywhere or where scored) + attention."
    import torch.nn as nn
    head = model.get_output_embeddings().weight.numel()
    body = sum(m.weight.numel() for m in model.modules() if isinstance(m, nn.Linear)) - head
    attention = 4*model.config.num_hidden_layers*model.config.hidden_size
    return sum(2*body*(e - b) + 2*head*((e - b) if head_everywhere else s) + attention*(e - b)**2
               for b, e, s in windows)


def prefill_seconds(model, tok, prompts:list, batch_size:int)->float:
    "Seconds `generate_batched` would spend reading the prompts: `prefilled_cache` over the same batches."
    from muwa_nb.eval import generation_batches, prefilled_cache
    ids = tok(prompts, verbose=False)['input_ids']
    batches = generation_batches(model, ids, 32, batch_size)
    t = time.perf_counter()
    for rows in batches: prefilled_cache(model, [ids[i] for i in rows], 32)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--squad', type=int, default=128); ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--piqa', type=int, default=32)
    ap.add_argument('--wikitext-rows', type=int, default=120)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--no-bf16', action='store_true', help='skip the bf16 wikitext arms')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    import torch
    from muwa_nb.train import cpu_supports_bf16
    from muwa_nb.data import load_data
    from muwa_nb.eval import (generate_batched, squad_prompt, evaluate_piqa_loglik, evaluate_piqa_generate,
                              load_for_eval, piqa_context, sliding_windows, window_nll)
    from muwa_nb.quantized_load import load_pretrained
    model, tok = load_pretrained('smollm2-135m')
    arms = ('squad batched', 'squad muwa loop', 'piqa loglik', 'piqa muwa loop', 'piqa batched generate',
            'wikitext ours', 'wikitext guide loop')
    bf16 = cpu_supports_bf16() and not a.no_bf16
    if bf16: arms += ('wikitext ours bf16', 'wikitext guide loop bf16')
    model16 = load_for_eval('smollm2-135m', quant='bf16')[0] if bf16 else None
    rates, seconds = {k: [] for k in arms}, {k: [] for k in arms}
    squad = load_data('squad-mini').select(range(a.squad))
    prompts = [squad_prompt(r) for r in squad]
    rows = load_data('piqa').select(range(a.piqa))
    text = '\n\n'.join(load_data('wikitext-2')['text'][:a.wikitext_rows])
    ids = tok(text, return_tensors='pt', verbose=False)['input_ids'][0]
    windows = sliding_windows(len(ids), 1024, 512)
    generate_batched(model, tok, prompts[:2], 32, 2); muwa_squad_loop(model, tok, prompts[:1])   # warm-up
    evaluate_piqa_loglik(model, tok, limit=2); muwa_piqa_loop(model, tok, rows.select(range(1)))
    for m in (model, model16) if bf16 else (model,):
        window_nll(m, ids, windows[:1], batch_size=1); guide_perplexity_loop(m, ids, windows[:1])
    def arm(name, f, n):
        t, out = _timed(f); rates[name].append(n/t); seconds[name].append(t); return out
    for _ in range(a.repeats):
        n = len(prompts)
        fast = arm('squad batched', lambda: generate_batched(model, tok, prompts, 32, a.batch_size), n)
        slow = arm('squad muwa loop', lambda: muwa_squad_loop(model, tok, prompts), len(prompts))
        differ = [i for i, (x, y) in enumerate(zip(fast, slow)) if x != y]
        assert not differ, f"SQuAD answers differ at {differ[:5]}: {fast[differ[0]]!r} vs {slow[differ[0]]!r}"
        ll = arm('piqa loglik', lambda: evaluate_piqa_loglik(model, tok, limit=a.piqa), a.piqa)
        muwa_acc = arm('piqa muwa loop', lambda: muwa_piqa_loop(model, tok, rows), a.piqa)
        gen = arm('piqa batched generate', lambda: evaluate_piqa_generate(model, tok, limit=a.piqa), a.piqa)
        per = arm('wikitext ours', lambda: window_nll(model, ids, windows, batch_size=1), 1)
        nll, count = arm('wikitext guide loop', lambda: guide_perplexity_loop(model, ids, windows), 1)
        scored = sum(k for _, k in per)
        assert count == scored, (count, scored)
        for k in ('wikitext ours', 'wikitext guide loop'): rates[k][-1] *= scored
        ppl_fast, ppl_slow = math.exp(sum(s for s, _ in per)/scored), math.exp(nll/count)
        assert abs(ppl_fast/ppl_slow - 1) <= 1e-4, (ppl_fast, ppl_slow)
        if not bf16: continue
        per16 = arm('wikitext ours bf16', lambda: window_nll(model16, ids, windows, batch_size=1), scored)
        nll16, count16 = arm('wikitext guide loop bf16', lambda: guide_perplexity_loop(model16, ids, windows),
                             scored)
        assert count16 == sum(k for _, k in per16) == scored, (count16, scored)
        ppl16_fast, ppl16_slow = math.exp(sum(s for s, _ in per16)/scored), math.exp(nll16/scored)
        assert abs(ppl16_fast/ppl16_slow - 1) <= 1e-3, (ppl16_fast, ppl16_slow)
        assert abs(ppl16_fast/ppl_fast - 1) <= 1e-2, (ppl16_fast, ppl_fast)
    pairs = [(piqa_context(r), ' ' + r[s]) for r in rows for s in ('sol1', 'sol2')]
    one = unbatched_loglik(model, tok, pairs)
    gap = max(abs(x - y) for x, y in zip(sum(ll['loglikelihoods'], []), one))
    assert gap <= 1e-3, gap
    peak = matmul_peak()
    prefill = min(prefill_seconds(model, tok, prompts, a.batch_size) for _ in range(a.repeats))
    least = window_flops(model, windows, head_everywhere=False)/(peak*1e9)
    guide_seconds = statistics.median(seconds['wikitext guide loop'])
    guide_flops = window_flops(model, windows, head_everywhere=True)     # all the guide loop's work
    guide_gflops = guide_flops/guide_seconds/1e9
    checks = dict(squad_answers_equal=len(prompts), piqa_loglik_max_gap_nats=gap,
                  piqa_acc={'loglik': ll['acc'], 'muwa loop': sum(muwa_acc)/len(muwa_acc),
                            'batched generate': gen['acc']},
                  wikitext_perplexity=dict(ours=ppl_fast, guide_loop=ppl_slow), wikitext_tokens=scored,
                  wikitext_windows=len(windows))
    med = lambda k: statistics.median(rates[k])
    if bf16:
        checks['wikitext_perplexity'].update(ours_bf16=ppl16_fast, guide_loop_bf16=ppl16_slow,
                                             bf16_vs_fp32_relative=ppl16_fast/ppl_fast - 1)
        peak16 = matmul_peak(dtype=torch.bfloat16)
        least16 = window_flops(model, windows, head_everywhere=False)/(peak16*1e9)
    res = dict(threads=torch.get_num_threads(), repeats=a.repeats,
               n=dict(squad=a.squad, squad_batch_size=a.batch_size, piqa=a.piqa),
               rates={k: stats(v) for k, v in rates.items()},
               units={'squad': 'examples/s', 'piqa': 'examples/s', 'wikitext': 'scored tokens/s'},
               speedup={'squad (target 4x)': round(med('squad batched')/med('squad muwa loop'), 2),
                        'piqa (target 10x)': round(med('piqa loglik')/med('piqa muwa loop'), 2),
                        'piqa, vs our batched generate':
                            round(med('piqa loglik')/med('piqa batched generate'), 2),
                        'wikitext (target 2x)': round(med('wikitext ours')/med('wikitext guide loop'), 2)},
               ceilings={'squad: Muwa loop / prompts read as ours reads them':
                             round(statistics.median(seconds['squad muwa loop'])/prefill, 2),
                         'wikitext: guide loop / least FLOPs at peak':
                             round(statistics.median(seconds['wikitext guide loop'])/least, 2)},
               wikitext_guide_loop=dict(model_gflops=round(guide_gflops, 1),
                                        fp32_matmul_peak_gflops=round(peak, 1),
                                        share_of_peak=round(guide_gflops/peak, 3)),
               checks=checks)
    if bf16:
        res['speedup'].update({'wikitext bf16 vs guide loop fp32': round(med('wikitext ours bf16')/
                                                                         med('wikitext guide loop'), 2),
                               'wikitext bf16 vs guide loop bf16': round(med('wikitext ours bf16')/
                                                                         med('wikitext guide loop bf16'), 2)})
        res['ceilings']['wikitext bf16: guide loop bf16 / least FLOPs at bf16 peak'] = \
            round(statistics.median(seconds['wikitext guide loop bf16'])/least16, 2)
        gflops16 = guide_flops/statistics.median(seconds['wikitext guide loop bf16'])/1e9
        res['wikitext_guide_loop'].update(bf16_model_gflops=round(gflops16, 1),
                                          bf16_matmul_peak_gflops=round(peak16, 1),
                                          bf16_share_of_peak=round(gflops16/peak16, 3))
    if a.json: print(json.dumps({**res, 'machine': machine_info()}, indent=1)); return
    print(f"{res['threads']} threads, {a.repeats} repeats; SmolLM2-135M, fp32 unless an arm says bf16")
    for k, v in res['rates'].items(): print(f"  {k:24s} min {v['min']:8.2f} median {v['median']:8.2f}")
    print('speed-ups (medians):', res['speedup']); print('ceilings:', res['ceilings'])
    print('guide loop:', res['wikitext_guide_loop'])
    print('checks:', checks)


if __name__ == '__main__': main()
