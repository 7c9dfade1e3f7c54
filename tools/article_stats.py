"""How a notebook reads as an article: the figures issue #26 asks for, per notebook.

    python tools/article_stats.py nbs/03_train.ipynb nbs/04_eval.ipynb [--study 03_train=7a1d0005 ...]

- prose: words per markdown cell (median, max) and how many cells pass 400 words;
- exports: lines per `#| export` cell (median, max) and how many pass 40;
- where the study's result sits: the position of a cell (by id, `--study NOTEBOOK=ID`), as a share of the cells
  and of the prose words before it;
- machine-dependent figures in the prose: numbers with a unit of time, memory or speed, per 1,000 words
  (a heuristic: it counts "3.2 s", "10 GiB", "300 tokens/s", "4x", and so on).
"""
import argparse, json, re, statistics
from pathlib import Path

UNIT = re.compile(r'\b\d[\d,.]*\s*(?:ms|s|min|h|GiB|MiB|GB|MB|tokens/s|it/s|samples/s|×|x faster)(?![\w/])')
DEFAULT_STUDY = {'03_train': '7a1d0005', '04_eval': '5a0d0001'}

def stats(path:Path, study_id:str|None=None)->dict:
    "The figures of one notebook."
    cells = json.loads(path.read_text())['cells']
    text = lambda c: ''.join(c['source'])
    words = [len(text(c).split()) for c in cells if c['cell_type'] == 'markdown']
    exports = [len(text(c).splitlines()) for c in cells
               if c['cell_type'] == 'code' and text(c).startswith('#| export')]
    figures = sum(len(UNIT.findall(text(c))) for c in cells if c['cell_type'] == 'markdown')
    out = dict(cells=len(cells), prose_words=sum(words), md_words_median=statistics.median(words),
               md_words_max=max(words), md_cells_over_400=sum(w > 400 for w in words),
               export_lines_median=statistics.median(exports) if exports else 0,
               export_lines_max=max(exports, default=0), export_cells=len(exports),
               export_cells_over_40=sum(e > 40 for e in exports),
               unit_figures_per_1000_words=round(1000*figures/max(sum(words), 1), 1))
    ids = [c.get('id') for c in cells]
    if study_id in ids:
        at = ids.index(study_id)
        before = sum(len(text(c).split()) for c in cells[:at] if c['cell_type'] == 'markdown')
        out.update(study_cell=at, study_cell_share=round(at/len(cells), 2),
                   study_prose_share=round(before/max(sum(words), 1), 2))
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('notebooks', nargs='+')
    p.add_argument('--study', nargs='*', default=[], help='NOTEBOOK=CELL_ID: the cell where the study result starts')
    a = p.parse_args()
    study = dict(DEFAULT_STUDY, **dict(s.split('=', 1) for s in a.study))
    for nb in map(Path, a.notebooks):
        print(json.dumps({nb.stem: stats(nb, study.get(nb.stem))}))

if __name__ == '__main__': main()
