"""Execute notebooks in place so their outputs (tables, plots) are saved for the docs, the way nbdev expects.

Usage: python tools/run_nbs.py [--skip-slow] [--keep TEXT ...] nbs/00_data.ipynb [...]

Cells marked `#| eval: false` (the Colab install cell) never run. `#| cuda` cells run only when CUDA is
available; otherwise their previous outputs are kept. `#| slow` cells run unless --skip-slow (then their
outputs are kept). `--keep TEXT` keeps the outputs of (and does not run) the cells whose source contains
TEXT: for a long measurement whose code did not change.
Stops at the first error, printing the failing cell. Run `nbdev_clean` afterwards.
Saved streams hold what a terminal would finally show: progress bars redrawn with carriage returns keep their
last state (bars that clear themselves vanish). `--tidy` does only that, on notebooks already run.
"""
import argparse, os, re, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

def directives(cell)->dict:
    d = {}
    for line in cell.source.splitlines():
        m = re.match(r'^#\|\s*([\w-]+):?\s*(.*)$', line)
        if m: d[m.group(1)] = m.group(2).strip()
        elif line.strip() and not line.startswith('#'): break
    return d

def should_run(cell, skip_slow:bool, has_cuda:bool, keep=())->bool:
    if any(k in cell.source for k in keep): return False
    d = directives(cell)
    if d.get('eval','').lower()=='false': return False
    if 'cuda' in d and not has_cuda: return False
    if 'slow' in d and skip_slow: return False
    return True

_CURSOR = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
_BAR = re.compile(r'^(.*?)\s*\d{1,3}%\|[^|]*\|\s*\d+/\d+')   # a tqdm line; group 1: its description

def tidy_stream(text:str)->str:
    "`text` as a terminal finally shows it: each line's part after its last carriage return, no cursor codes."
    out = []
    for line in _CURSOR.sub('', text).split('\n'):
        last = line.split('\r')[-1].rstrip()
        if '\r' in line and not last: continue        # a progress bar that cleared itself
        out.append(last)
    final = {}                                         # a bar's states on separate lines: keep its last one
    for i, line in enumerate(out):
        if m := _BAR.match(line): final[m.group(1)] = i
    return '\n'.join(l for i, l in enumerate(out) if not (m := _BAR.match(l)) or final[m.group(1)] == i)

def tidy(nb)->int:
    "Tidy every stream output of `nb` in place (empty ones removed); how many outputs changed."
    changed = 0
    for cell in nb.cells:
        if cell.cell_type != 'code': continue
        outs = []
        for o in cell.get('outputs', []):
            if o.get('output_type') == 'stream':
                text = ''.join(o['text']) if isinstance(o['text'], list) else o['text']
                new = tidy_stream(text)
                if new != text: changed += 1; o['text'] = new
                if not new.strip(): continue
            outs.append(o)
        cell['outputs'] = outs
    return changed

def run(path:Path, skip_slow=False, keep=()):
    import torch
    has_cuda = torch.cuda.is_available()
    nb = read_nb(path)
    os.chdir(path.parent)
    sh = CaptureShell(path=path.parent)
    t0 = time.time()
    for i,cell in enumerate(nb.cells):
        if cell.cell_type!='code' or not should_run(cell, skip_slow, has_cuda, keep): continue
        t = time.time()
        sh.cell(cell)
        if sh.exc:
            print(f'{path.name}: cell {i} failed:\n{cell.source}\n', file=sys.stderr)
            for o in cell.get('outputs', []):
                if o.get('output_type')=='error': print('\n'.join(o.get('traceback', [])), file=sys.stderr)
            sys.exit(1)
        if time.time()-t>20: print(f'  cell {i}: {time.time()-t:.0f}s')
    tidy(nb)
    write_nb(nb, path)
    print(f'{path.name}: ran in {time.time()-t0:.0f}s')

if __name__=='__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--skip-slow', action='store_true')
    p.add_argument('--keep', action='append', default=[],
                   help='keep outputs of cells containing this text (repeatable)')
    p.add_argument('--tidy', action='store_true', help='only tidy the saved streams; run nothing')
    p.add_argument('nbs', nargs='+')
    a = p.parse_args()
    here = Path.cwd()
    for n in a.nbs:
        if a.tidy:
            nb = read_nb(n); print(f'{n}: {tidy(nb)} stream outputs tidied'); write_nb(nb, n); continue
        os.chdir(here); run(Path(n).resolve(), a.skip_slow, a.keep)
