"""Write the README's ablation plot, nbs/results/study/ablations.png, from the study's result files, or check it.

The PNG carries the rows it plots in its metadata (`muwa_nb.eval.save_ablation_plot`), so `--check` (and a test in
04_eval) can tell whether it still shows what the files in nbs/results/study/ say, without comparing pixels.
Usage: python tools/study_plot.py [--check]
"""
import argparse, sys
from pathlib import Path
import matplotlib
matplotlib.use('Agg')
from muwa_nb.eval import ablation_rows, plot_records, png_records, save_ablation_plot

STUDY = Path(__file__).resolve().parent.parent/'nbs/results/study'

if __name__=='__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help='fail if the PNG does not show the current result files')
    a = p.parse_args()
    png = STUDY/'ablations.png'
    if a.check:
        if not png.is_file() or png_records(png) != plot_records(ablation_rows(STUDY)):
            sys.exit(f'{png.relative_to(STUDY.parent.parent.parent)} is out of date: run python tools/study_plot.py')
        print('ablations.png matches the result files')
    else: print('wrote', png.relative_to(STUDY.parent.parent.parent), f'({len(save_ablation_plot(STUDY, png))} rows)')
