"""FSDP2 (`fully_shard`) on a CPU: 2 ranks (gloo, `torchrun`) against 1 process, same global batch (issue #30).

Usage: python bench/fsdp2_cpu.py [--model tiny-opt] [--optimizer adamw|sgd] [--steps 4] [--json]

A first proof of the sharded path, not yet `train_sft`: accelerate 1.15 turns FSDP on only for accelerator
devices (`AcceleratorState` keeps a CPU run MULTI_CPU, i.e. DDP, even under ACCELERATE_USE_FSDP=true), so the
sharding is applied here by hand, the way accelerate applies it on GPUs: `fully_shard` on every decoder layer, then
on the whole model. Both arms train the same LoRA (random non-zero init, no dropout) on the same 4 hand-made rows of
unequal length for `--steps` optimiser steps; each rank takes every second row, and the loss is the sum over learned
tokens divided by the learned tokens of the whole global batch (times the world size, as FSDP averages gradients),
so the arms compute the same gradient. A third arm, 2 ranks under DDP, reduces gradients across ranks as FSDP2
does, which separates what sharding changes from what any 2-rank run changes. Reported: the largest differences
between the adapters, and the bytes of parameters each rank holds (the frozen base included) against one process's.
"""
import argparse, json, os, subprocess, sys, tempfile
from datetime import timedelta
from pathlib import Path
import torch

def local_bytes(model)->int:
    "Bytes of the parameters this process holds (a sharded parameter counts its local shard)."
    return sum((p.to_local() if hasattr(p, 'to_local') else p).numel()*p.element_size() for p in model.parameters())

def worker(model_name:str, optimizer:str, steps:int, out:str, wrap:str):
    import torch.distributed as dist
    from torch.distributed.fsdp import fully_shard
    from peft import LoraConfig, get_peft_model
    from muwa_nb.quantized_load import load_quantized
    world, rank = int(os.environ.get('WORLD_SIZE', 1)), int(os.environ.get('RANK', 0))
    if world > 1: dist.init_process_group('gloo', timeout=timedelta(seconds=120))   # a dead rank: no hang
    torch.manual_seed(0)
    model, _ = load_quantized(model_name, None, 'cpu')
    lora = LoraConfig(r=8, lora_alpha=32, lora_dropout=0.0, target_modules=['q_proj', 'v_proj'],
                      init_lora_weights=False)
    model = get_peft_model(model, lora)
    whole, vocab = local_bytes(model), model.config.vocab_size
    if world > 1 and wrap == 'ddp': model = torch.nn.parallel.DistributedDataParallel(model)
    elif world > 1:
        inner = model.base_model.model.model
        for layer in (inner.decoder.layers if hasattr(inner, 'decoder') else inner.layers): fully_shard(layer)
        fully_shard(model)
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, vocab, (4, 32), generator=g)
    mask = (torch.arange(32)[None] < torch.tensor([32, 20, 27, 11])[:, None]).long()
    labels = ids.masked_fill(mask == 0, -100)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=0.1) if optimizer == 'sgd' else torch.optim.AdamW(params, lr=1e-3)
    rows, learned = slice(rank, None, world), (labels[:, 1:] != -100).sum()
    for _ in range(steps):
        logits = model(input_ids=ids[rows], attention_mask=mask[rows]).logits[:, :-1].float()
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)),
                                                 labels[rows][:, 1:].reshape(-1), reduction='sum')
        (loss/learned*world).backward(); opt.step(); opt.zero_grad()
    state = {n: (p.full_tensor() if hasattr(p, 'full_tensor') else p).detach().clone()
             for n, p in model.named_parameters() if p.requires_grad}
    state = {n.removeprefix('module.'): t for n, t in state.items()}         # DDP's wrapper prefix
    if rank == 0:
        arm = 'one' if world == 1 else wrap
        torch.save(state, Path(out)/f'adapter-{arm}.pt')
        (Path(out)/f'bytes-{arm}.json').write_text(json.dumps(dict(whole=whole, this_rank=local_bytes(model))))
    if world > 1: dist.destroy_process_group()

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model', default='tiny-opt'); p.add_argument('--optimizer', default='adamw',
                                                                   choices=['adamw', 'sgd'])
    p.add_argument('--steps', type=int, default=4); p.add_argument('--json', action='store_true')
    p.add_argument('--worker', help=argparse.SUPPRESS); p.add_argument('--wrap', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.worker: return worker(a.model, a.optimizer, a.steps, a.worker, a.wrap)
    from muwa_nb.config import machine_info
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    with tempfile.TemporaryDirectory() as d:
        args = [__file__, '--model', a.model, '--optimizer', a.optimizer, '--steps', str(a.steps), '--worker', d]
        two = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2']
        for cmd in ([sys.executable, *args, '--wrap', 'none'], [*two, *args, '--wrap', 'fsdp2'],
                    [*two, *args, '--wrap', 'ddp']):
            run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
            if run.returncode: sys.exit(f"{' '.join(cmd[:4])}…: exit {run.returncode}: {run.stderr[-1500:]}")
        got = {arm: torch.load(Path(d)/f'adapter-{arm}.pt') for arm in ('one', 'fsdp2', 'ddp')}
        held = {arm: json.loads((Path(d)/f'bytes-{arm}.json').read_text())['this_rank'] for arm in got}
    differ = lambda x, y: max((got[x][k] - got[y][k]).abs().max().item() for k in got['one'])
    result = dict(model=a.model, optimizer=a.optimizer, steps=a.steps, tensors=len(got['one']),
                  fsdp2_vs_one=differ('fsdp2', 'one'), fsdp2_vs_ddp=differ('fsdp2', 'ddp'),
                  ddp_vs_one=differ('ddp', 'one'), param_bytes_one_process=held['one'],
                  param_bytes_per_rank_fsdp2=held['fsdp2'], param_bytes_per_rank_ddp=held['ddp'],
                  machine=machine_info(), torch=torch.__version__)
    print(json.dumps(result, indent=1) if a.json else
          f"{a.model}, {a.optimizer}, {a.steps} steps: largest difference FSDP2 vs 1 process "
          f"{result['fsdp2_vs_one']:.1e}, FSDP2 vs DDP {result['fsdp2_vs_ddp']:.1e}, DDP vs 1 process "
          f"{result['ddp_vs_one']:.1e}; parameters per rank {held['fsdp2']/2**20:.1f} MiB (FSDP2), "
          f"{held['ddp']/2**20:.1f} MiB (DDP), {held['one']/2**20:.1f} MiB in one process")

if __name__ == '__main__': main()
