"""Process the notebooks as nbdev does for the docs (`proc_nbs`, no quarto), render each page to HTML \
with nbconvert,
and fail on a broken page: a rendering error, an error output, a missing title, or an image that is not
a valid PNG.

Equations are typeset by MathJax served from the rendered folder (copied from the `jupyter-server-mathjax`
package), not from a CDN: the pages work offline; `tools/browser_check.py` opens them in headless Chromium.

Usage: python tools/render_check.py [--out _render]
"""
import argparse, base64, shutil, sys, warnings
from pathlib import Path
import nbformat
from nbconvert import HTMLExporter
from nbdev.config import get_config
from nbdev.serve import proc_nbs
from nbformat.validator import MissingIDFieldWarning
# nbdev_clean strips cell ids on purpose (clean_ids)
warnings.filterwarnings('ignore', category=MissingIDFieldWarning)

MATHJAX_URL = 'mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe'   # relative to the page
# The package carries only the STIX-Web web fonts: ask for those (MathJax's default, TeX, would 404).
MATHJAX_FONTS = ('<script type="text/x-mathjax-config">MathJax.Hub.Config({"HTML-CSS": '
                 '{availableFonts: [], imageFont: null, preferredFont: null, font: "STIX-Web", webFont: "STIX-Web"}});'
                 '</script>\n')

def copy_mathjax(out_dir:Path):
    "MathJax 2.7, from the `jupyter-server-mathjax` package, into `out_dir/mathjax`."
    import jupyter_server_mathjax
    src = Path(jupyter_server_mathjax.__file__).parent/'static'
    shutil.copytree(src, out_dir/'mathjax', dirs_exist_ok=True)

def check_page(nb_path:Path, out_dir:Path)->list:
    problems = []
    nb = nbformat.read(nb_path, as_version=4)
    md = [c.source for c in nb.cells if c.cell_type=='markdown']
    if (not any(l.startswith('# ') for s in md for l in s.splitlines())
            and 'title' not in nb.metadata.get('quarto', {})):
        # nbdev moves the `# Title` into front matter (a raw cell) during processing
        raw = ''.join(c.source for c in nb.cells if c.cell_type=='raw')
        if 'title:' not in raw: problems.append('no title')
    n_img = 0
    for i,c in enumerate(nb.cells):
        for o in c.get('outputs', []):
            if o.get('output_type')=='error':
                problems.append(f'cell {i}: error output {o.get("ename")}: {o.get("evalue")}')
            png = o.get('data', {}).get('image/png')
            if png:
                n_img += 1
                if not base64.b64decode(png).startswith(b'\x89PNG'): problems.append(f'cell {i}: invalid PNG')
    try:
        html, _ = HTMLExporter(mathjax_url=MATHJAX_URL).from_notebook_node(nb)
        loader = f'<script src="{MATHJAX_URL}">'
        html = html.replace(loader, MATHJAX_FONTS + loader, 1)
    except Exception as e:
        return problems + [f'nbconvert failed: {e!r}']
    if '<h1' not in html and 'title:' not in html: problems.append('no <h1> in HTML')
    (out_dir/(nb_path.stem+'.html')).write_text(html, encoding='utf-8')
    print(f'  {nb_path.name:28s} -> {len(html)/1024:7.0f} KiB HTML, {n_img} plot(s), '
          f'{"OK" if not problems else "BROKEN"}')
    return problems

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default='_render')
    a = p.parse_args()
    cfg = get_config()
    cache = proc_nbs(cfg.nbs_path, force=True, n_workers=0)
    out = cfg.config_path/a.out; out.mkdir(exist_ok=True)
    copy_mathjax(out)
    pages = sorted(Path(cache).glob('*.ipynb'))
    if not pages: sys.exit('no processed notebooks found')
    bad = {p.name: probs for p in pages if (probs := check_page(p, out))}
    for name, probs in bad.items(): print(f'BROKEN {name}: ' + '; '.join(probs))
    print(f'rendered {len(pages)} pages to {out}: {len(pages)-len(bad)} passed, {len(bad)} failed')
    sys.exit(1 if bad else 0)

if __name__=='__main__': main()
