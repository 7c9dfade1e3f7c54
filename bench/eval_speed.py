"""Evaluation throughput on SmolLM2-135M (CPU, fp32): 04_eval's batched paths against the one-at-a-time ways.

Usage: python bench/eval_speed.py [--squad 32] [--piqa 32] [--wikitext-rows 120] [--repeats 3] [--json]

Three pairs of arms, each pair interleaved in one process on the same loaded model, `--repeats` times; min and
median of each arm's rate are reported, and the speed-up of the medians.
- SQuAD-mini, examples/s: `generate_batched` (16 prompts a batch, left padding, KV cache, stop at EOS or a
  newline) against Muwa's loop: one prompt at a time, `generate(max_new_tokens=32)` (stops only at EOS),
  answer = text up to the first newline. Asserted: the same answer for every question.
- PIQA, examples/s: `evaluate_piqa_loglik` (both solutions scored in one right-padded batch) against
  `evaluate_piqa_generate` (Muwa's numbered-choice prompt, 32 generated tokens, parsed). The two are different
  methods, so their accuracies are reported, not asserted equal; asserted instead: the batched log-likelihoods
  equal an unbatched recomputation (one pair at a time, the model's own loss) within 1e-3 nats.
- wikitext-2 test, tokens scored/s: `window_nll` (equal windows batched 4 at a time, logits only where scored)
  against the Hugging Face guide's loop (one window at a time, labels masked with -100, the model's loss).
  Asserted: the same perplexity within 1e-4 relative.
"""
import argparse, json, math, statistics, time


def _timed(f):
    t = time.perf_counter(); out = f(); return time.perf_counter() - t, out


def muwa_squad_loop(model, tok, prompts:list)->list:
    "One prompt at a time, up to 32 new tokens, stopping only at EOS; the answer is the first line."
    import torch
    out = []
    with torch.no_grad():
        for p in prompts:
            enc = tok(p, return_tensors='pt')
            gen = model.generate(**enc, max_new_tokens=32, do_sample=False, num_beams=1,
                                 pad_token_id=tok.pad_token_id)
            text = tok.decode(gen[0, enc['input_ids'].shape[1]:], skip_special_tokens=True)
            out.append(text.split('\n')[0].strip())
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--squad', type=int, default=32); ap.add_argument('--piqa', type=int, default=32)
    ap.add_argument('--wikitext-rows', type=int, default=120); ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    import torch
    from muwa_nb.data import load_data
    from muwa_nb.eval import (generate_batched, squad_prompt, evaluate_piqa_loglik, evaluate_piqa_generate,
                              piqa_context, sliding_windows, window_nll)
    from muwa_nb.quantized_load import load_pretrained
    model, tok = load_pretrained('smollm2-135m')
    rates = {k: [] for k in ('squad batched', 'squad muwa loop', 'piqa loglik', 'piqa generate',
                             'wikitext batched', 'wikitext guide loop')}
    squad = load_data('squad-mini').select(range(a.squad))
    prompts = [squad_prompt(r) for r in squad]
    text = '\n\n'.join(load_data('wikitext-2')['text'][:a.wikitext_rows])
    ids = tok(text, return_tensors='pt', verbose=False)['input_ids'][0]
    windows = sliding_windows(len(ids), 1024, 512)
    checks = {}
    for _ in range(a.repeats):
        t, fast = _timed(lambda: generate_batched(model, tok, prompts, max_new_tokens=32, batch_size=16))
        rates['squad batched'].append(len(prompts)/t)
        t, slow = _timed(lambda: muwa_squad_loop(model, tok, prompts))
        rates['squad muwa loop'].append(len(prompts)/t)
        differ = [i for i, (x, y) in enumerate(zip(fast, slow)) if x != y]
        assert not differ, f"SQuAD answers differ at {differ[:5]}: {fast[differ[0]]!r} vs {slow[differ[0]]!r}"
        t, ll = _timed(lambda: evaluate_piqa_loglik(model, tok, limit=a.piqa))
        rates['piqa loglik'].append(a.piqa/t)
        t, gen = _timed(lambda: evaluate_piqa_generate(model, tok, limit=a.piqa))
        rates['piqa generate'].append(a.piqa/t)
        t, per = _timed(lambda: window_nll(model, ids, windows, batch_size=4))
        scored = sum(k for _, k in per); rates['wikitext batched'].append(scored/t)
        t, (nll, count) = _timed(lambda: guide_perplexity_loop(model, ids, windows))
        rates['wikitext guide loop'].append(count/t)
        assert count == scored, (count, scored)
        ppl_fast, ppl_slow = math.exp(sum(s for s, _ in per)/scored), math.exp(nll/count)
        assert abs(ppl_fast/ppl_slow - 1) <= 1e-4, (ppl_fast, ppl_slow)
    rows = load_data('piqa').select(range(a.piqa))
    pairs = [(piqa_context(r), ' ' + r[s]) for r in rows for s in ('sol1', 'sol2')]
    one = unbatched_loglik(model, tok, pairs)
    gap = max(abs(x - y) for x, y in zip(sum(ll['loglikelihoods'], []), one))
    assert gap <= 1e-3, gap
    checks = dict(squad_answers_equal=len(prompts), piqa_loglik_max_gap_nats=gap,
                  piqa_acc=dict(loglik=ll['acc'], generate=gen['acc']),
                  wikitext_perplexity=dict(batched=ppl_fast, guide_loop=ppl_slow), wikitext_tokens=scored,
                  wikitext_windows=len(windows))
    med = lambda k: statistics.median(rates[k])
    res = dict(threads=torch.get_num_threads(), repeats=a.repeats, n=dict(squad=a.squad, piqa=a.piqa),
               rates={k: stats(v) for k, v in rates.items()},
               units={'squad': 'examples/s', 'piqa': 'examples/s', 'wikitext': 'scored tokens/s'},
               speedup={'squad (target 4x)': round(med('squad batched')/med('squad muwa loop'), 2),
                        'piqa (target 10x)': round(med('piqa loglik')/med('piqa generate'), 2),
                        'wikitext (target 2x)': round(med('wikitext batched')/med('wikitext guide loop'), 2)},
               checks=checks)
    if a.json: print(json.dumps(res, indent=1)); return
    print(f"{res['threads']} threads, {a.repeats} repeats; SmolLM2-135M fp32")
    for k, v in res['rates'].items(): print(f"  {k:20s} min {v['min']:8.2f} median {v['median']:8.2f}")
    print('speed-ups (medians):', res['speedup']); print('checks:', checks)


if __name__ == '__main__': main()
