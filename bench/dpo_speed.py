"""DPO on SmolLM2-135M (CPU): 05's scoring and loss against the plain way of computing the same numbers.

Usage: python bench/dpo_speed.py [--pairs 64] [--steps 4] [--repeats 3] [--precision fp32|bf16] [--json]

Arms run interleaved in one process on the same model, `--repeats` times; min and median of each arm's rate,
and the speed-up of the medians. The pairs are HH-RLHF harmless (the held-out end of the bundled set), in the
alpaca format, at most 256 tokens a sequence, as `train_dpo` and the study tokenise them.
- Scoring, pairs/s (the reference before training, the held-out accuracy after it): `pair_logps` (each pair
  one prefix tree, its prompt read once, trees packed into rows; the LM head only where an answer token is
  predicted) against the plain way: 8 pairs a batch, chosen and rejected padded to the batch's longest, full
  logits, `sequence_logps`. Asserted: the same log-probabilities within 1e-3 nats.
- Training, pairs/s of `PairTrainer.compute_loss` + backward on the LoRA policy (`--steps` batches of 2 pairs,
  cpu-demo's batch): the LM head fed only the states that predict an answer token (`head_reads_only`,
  `learned_logps`) against full logits and `sequence_logps`. Asserted, in fp32: the same losses within 1e-4
  (relative) and gradients within 1e-3 (relative to the largest gradient). In bf16 (autocast), where the two
  round differently: each arm's error against the plain way in fp32 is measured, and ours must be no larger
  than 1.5 times the plain way's (no less accurate).
"""
import argparse, json, statistics, time
from muwa_nb.config import machine_info


def plain_pair_logps(model, rows, pad_id:int, batch_size:int=8)->tuple:
    "The plain way: padded batches of pairs, full logits, `sequence_logps`; `(chosen, rejected)` lists."
    import torch
    from muwa_nb.dpo import DPOCollator, sequence_logps
    collate, out = DPOCollator(pad_id), ([], [])
    with torch.no_grad():
        for i in range(0, len(rows), batch_size):
            b = collate([rows[j] for j in range(i, min(i + batch_size, len(rows)))])
            lp = sequence_logps(model(input_ids=b['input_ids'], attention_mask=b['attention_mask']).logits,
                                b['labels'])
            c, r = lp.chunk(2); out[0].extend(c.tolist()); out[1].extend(r.tolist())
    return out


def plain_loss(model, batch:dict, beta:float):
    "DPO's loss from full logits: what `PairTrainer.compute_loss` computed before it fed the head less."
    from muwa_nb.dpo import dpo_loss, sequence_logps
    logits = model(input_ids=batch['input_ids'], attention_mask=batch['attention_mask']).logits
    pc, pr = sequence_logps(logits, batch['labels']).chunk(2)
    return dpo_loss(pc, pr, batch['ref_chosen_logps'], batch['ref_rejected_logps'], beta)[0].mean()


def stats(xs:list)->dict: return dict(min=round(min(xs), 3), median=round(statistics.median(xs), 3))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--pairs', type=int, default=64); ap.add_argument('--steps', type=int, default=4)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--precision', choices=['fp32', 'bf16'], default='fp32')
    ap.add_argument('--json', action='store_true')
    a = ap.parse_args()
    import tempfile, torch
    from transformers import TrainingArguments
    from muwa_nb.config import get_preset
    from muwa_nb.dpo import DPOCollator, PairTrainer, load_preferences, pair_logps, tokenize_preferences
    from muwa_nb.train import sft_model
    preset = get_preset('cpu-demo', lora_dropout=0.0)
    policy, tok = sft_model(preset, 'cpu')
    for n, p in policy.named_parameters():          # a policy that has moved from the reference
        if 'lora_B' in n: torch.nn.init.normal_(p, std=0.02, generator=torch.Generator().manual_seed(0))
    pairs, _ = load_preferences('hh-rlhf-harmless')
    need = max(a.pairs, 2*a.steps)
    rows = tokenize_preferences(pairs.select(range(len(pairs) - need, len(pairs))), tok, preset.max_length)
    score_rows = rows.select(range(a.pairs))
    ref_c, ref_r = plain_pair_logps(policy, rows, tok.pad_token_id)
    rows = rows.add_column('ref_chosen_logps', [x - 1 for x in ref_c]).add_column('ref_rejected_logps', ref_r)
    collate = DPOCollator(tok.pad_token_id)
    batches = [collate([rows[2*i], rows[2*i + 1]]) for i in range(a.steps)]
    trainer = PairTrainer(model=policy, args=TrainingArguments(tempfile.mkdtemp(), report_to=[], use_cpu=True),
                         beta=preset.dpo_beta)
    dtype = torch.bfloat16 if a.precision == 'bf16' else torch.float32
    params = [p for p in policy.parameters() if p.requires_grad]

    def train_pass(loss_of, autocast:bool=a.precision == 'bf16'):
        losses, grads = [], []
        for b in batches:
            policy.zero_grad()
            with torch.autocast('cpu', dtype=dtype, enabled=autocast): loss = loss_of(b)
            loss.backward(); losses.append(loss.item())
            grads.append(torch.cat([p.grad.flatten() for p in params]))
        return losses, grads

    arms = ('scoring: pair_logps', 'scoring: plain padded batches', 'training: head where learned',
            'training: full logits')
    rates = {k: [] for k in arms}
    def timed(name, f, n):
        t = time.perf_counter(); out = f(); rates[name].append(n/(time.perf_counter() - t)); return out
    def gaps(arm:tuple, ref:tuple)->tuple:
        "Largest relative error of the losses, and of the gradients (relative to the largest gradient)."
        return (max(abs(x/y - 1) for x, y in zip(arm[0], ref[0])),
                max(float((g - h).abs().max()/h.abs().max()) for g, h in zip(arm[1], ref[1])))
    policy.train()
    fp32 = train_pass(lambda b: plain_loss(policy, b, preset.dpo_beta), autocast=False)
    policy.eval()
    for _ in range(a.repeats):
        ours = timed(arms[0], lambda: pair_logps(policy, score_rows, tok.pad_token_id), a.pairs)
        plain = timed(arms[1], lambda: plain_pair_logps(policy, score_rows, tok.pad_token_id), a.pairs)
        gap = max(abs(x - y) for o, p in zip(ours, plain) for x, y in zip(o, p))
        assert gap <= 1e-3, f"scoring: log-probabilities differ by {gap:.2e} nats"
        policy.train()
        fast = timed(arms[2], lambda: train_pass(lambda b: trainer.compute_loss(policy, b)), 2*a.steps)
        slow = timed(arms[3], lambda: train_pass(lambda b: plain_loss(policy, b, preset.dpo_beta)), 2*a.steps)
        policy.eval()
        loss_gap, grad_gap = gaps(fast, slow)
        if a.precision == 'fp32': assert loss_gap <= 1e-4 and grad_gap <= 1e-3, (loss_gap, grad_gap)
        else:
            errors = dict(ours=gaps(fast, fp32), plain=gaps(slow, fp32))
            assert all(o <= 1.5*p for o, p in zip(errors['ours'], errors['plain'])), errors
    med = lambda k: statistics.median(rates[k])
    lens = [len(r[f'{k}_input_ids']) for r in score_rows for k in ('chosen', 'rejected')]
    answers = [sum(x != -100 for x in r[f'{k}_labels']) for r in score_rows for k in ('chosen', 'rejected')]
    res = dict(threads=torch.get_num_threads(), repeats=a.repeats, precision=a.precision,
               n=dict(scored_pairs=a.pairs, training_batches=a.steps, pairs_per_batch=2),
               tokens=dict(sequence_mean=round(statistics.mean(lens), 1),
                           answer_mean=round(statistics.mean(answers), 1)),
               rates_pairs_per_s={k: stats(v) for k, v in rates.items()},
               speedup={'scoring': round(med(arms[0])/med(arms[1]), 2),
                        'training loss + backward': round(med(arms[2])/med(arms[3]), 2)},
               checks=dict(scoring_max_gap_nats=gap, training_loss_max_rel_gap=loss_gap,
                           training_grad_max_rel_gap=grad_gap))
    if a.precision == 'bf16':
        res['checks']['bf16_error_vs_fp32_plain'] = {k: dict(loss=v[0], grad=v[1]) for k, v in errors.items()}
    if a.json: print(json.dumps({**res, 'machine': machine_info()}, indent=1)); return
    print(f"{res['threads']} threads, {a.repeats} repeats; SmolLM2-135M, {a.precision}")
    for k, v in res['rates_pairs_per_s'].items():
        print(f"  {k:32s} min {v['min']:8.3f} median {v['median']:8.3f} pairs/s")
    print('speed-ups (medians):', res['speedup']); print('checks:', res['checks'])


if __name__ == '__main__': main()
