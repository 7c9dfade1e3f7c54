"""How long one LoRA training step takes on this machine: the measurement behind the `cpu-demo` preset's sizes.

Usage: python bench/step_time.py [--model smollm2-135m] [--shapes 4x256,4x384,8x256] [--json]
Times forward + backward + AdamW step of a rank-8 q/v LoRA (peft) in fp32, averaged over 3 steps after one
warm-up, and a no-grad forward for comparison, all in one run.
"""
import argparse, json, time
import torch
from peft import LoraConfig, get_peft_model
from muwa_nb.quantized_load import load_pretrained
from muwa_nb.config import machine_info

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model', default='smollm2-135m')
    p.add_argument('--shapes', default='4x256,4x384,8x256')
    p.add_argument('--json', action='store_true')
    a = p.parse_args()
    torch.manual_seed(0)
    model, tok = load_pretrained(a.model)
    model = get_peft_model(model, LoraConfig(r=8, lora_alpha=32, lora_dropout=0.05, target_modules=['q_proj','v_proj'], task_type='CAUSAL_LM'))
    opt = torch.optim.AdamW([q for q in model.parameters() if q.requires_grad], lr=2e-4)
    res = dict(model=a.model, threads=torch.get_num_threads(), shapes={})
    for shape in a.shapes.split(','):
        b, L = map(int, shape.split('x'))
        x = torch.randint(0, model.config.vocab_size, (b, L))
        times = []
        for _ in range(4):
            t = time.perf_counter(); model(input_ids=x, labels=x).loss.backward(); opt.step(); opt.zero_grad(); times.append(time.perf_counter()-t)
        with torch.no_grad():
            t = time.perf_counter(); model(input_ids=x); fwd = time.perf_counter()-t
        res['shapes'][shape] = dict(train_step_s=round(sum(times[1:])/3, 2), forward_s=round(fwd, 2),
                                    train_tokens_per_s=round(b*L/(sum(times[1:])/3), 1))
    if a.json: print(json.dumps({**res, 'machine': machine_info()}, indent=1))
    else:
        for s, r in res['shapes'].items(): print(f"{a.model} {s}: train step {r['train_step_s']:.2f}s ({r['train_tokens_per_s']:.0f} tok/s), forward {r['forward_s']:.2f}s")

if __name__=='__main__': main()
