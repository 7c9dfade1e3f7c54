"""Execute every notebook top to bottom the way Jupyter's "Run All" does: a real kernel, every cell, \
no nbdev flags.

Usage: python tools/run_as_jupyter.py [--quick] [--timeout 900] [nbs/00_data.ipynb ...]

`#| eval: false` cells run too (the Colab install cell must do nothing off Colab); `#| cuda` cells must skip
themselves with one line when there is no GPU; `#| slow` cells run, at a reduced size with `--quick`
(sets MUWA_NB_QUICK=1). The notebooks in nbs/ are not changed. Fails on the first error, and on
an output that shows a machine path or a Python warning (the pages a reader sees hold neither).
"""
import argparse, os, re, sys, time, warnings
from pathlib import Path
import nbformat
from nbconvert.preprocessors import ExecutePreprocessor, CellExecutionError
from nbformat.validator import MissingIDFieldWarning
warnings.filterwarnings('ignore', category=MissingIDFieldWarning)   # nbdev_clean strips cell ids on purpose

ROOT = Path(__file__).resolve().parents[1]
NOISE = re.compile(r'(Warning:|warnings\.warn\()')

def leaks(nb, root:Path)->list:
    "Outputs that show a path of this machine or a Python warning."
    found, home = [], str(Path.home())
    for i, c in enumerate(nb.cells):
        for o in c.get('outputs', []):
            text = o.get('text', '') or ''.join(o.get('data', {}).get('text/plain', ''))
            if str(root) in text or home in text: found.append(f'cell {i}: a machine path in the output')
            if NOISE.search(text):
                found.append(f'cell {i}: a warning in the output: {NOISE.search(text).group(0)}')
    return found

def run(path:Path, timeout:int)->float:
    nb = nbformat.read(path, as_version=4)
    t = time.time()
    ExecutePreprocessor(timeout=timeout, kernel_name='python3').preprocess(
        nb, {'metadata': {'path': str(path.parent)}})
    if (problems := leaks(nb, ROOT)): raise SystemExit(f'{path.name}: ' + '; '.join(problems))
    return time.time() - t

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--quick', action='store_true',
                   help='set MUWA_NB_QUICK=1: slow cells run at a reduced size')
    p.add_argument('--timeout', type=int, default=900, help='seconds allowed per cell')
    p.add_argument('nbs', nargs='*', help='notebooks (default: every notebook of the series)')
    a = p.parse_args()
    if a.quick: os.environ['MUWA_NB_QUICK'] = '1'
    paths = [Path(n) for n in a.nbs] or sorted((ROOT/'nbs').glob('*.ipynb'))
    for path in paths:
        try: took = run(path, a.timeout)
        except CellExecutionError as e:
            sys.exit(f'{path.name}: a cell failed as Jupyter runs it:\n{str(e)[-3000:]}')
        print(f'  {path.name:28s} ran top to bottom in {took:5.0f} s')
    print(f'{len(paths)} notebooks run as Jupyter does: {len(paths)} passed, 0 failed')

if __name__ == '__main__': main()
