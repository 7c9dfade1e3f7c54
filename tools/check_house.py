"""Check the house rules of the package from its source (no imports run): the import graph, and the nevers.

Usage: python tools/check_house.py

- each module imports only the muwa_nb modules upstream of it in the story (ALLOWED below);
- nothing imports `cli` (or `study`, the main job): they sit on top;
- no module imports a private name (`_x`) from another, and `bench/` and `tools/` use only public names;
- library modules do not parse argv (`argparse`) or print (`print(` outside the notebook-display helper);
- lines written from notebook cells are at most 110 characters, and so is every line of every code cell in `nbs/`
  (exported or not: the rendered pages clip longer ones).
Prints one line per violation and exits 1 if there is any.
"""
import ast, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT/'muwa_nb'
TOP = {'cli', 'study'}                                 # may import anything; nothing imports them
ALLOWED = {                                            # module -> the muwa_nb modules it may import
    'config': set(), 'assets': set(), 'cpu_speed': set(),
    'data': {'assets'},
    'quantized_load': {'assets'},
    'lora': {'assets', 'quantized_load'},
    'memory': {'assets', 'quantized_load', 'lora'},
    'train': {'config', 'assets', 'data', 'quantized_load', 'lora', 'memory', 'cpu_speed'},
    'eval': {'config', 'assets', 'data', 'quantized_load', 'lora', 'train'},     # 04 comes after 03
    'dpo': {'config', 'assets', 'data', 'quantized_load', 'lora', 'memory', 'train', 'eval', 'cpu_speed'},
    'squad_metric': {'eval'},                          # an `evaluate` module over eval's scoring
    'use': {'config', 'assets', 'data', 'quantized_load', 'lora', 'eval'},
}
PRINTS_ALLOWED = {('config', 'setup_notebook')}        # notebook UI: reports how long a slow cell took
MAX_LINE = 110

def muwa_imports(tree:ast.AST, module:str|None=None):
    "Yield `(line, imported module, names)` for every import of a muwa_nb module, at any depth."
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ''
            if node.level == 1:                                 # from .x import y / from . import x
                target = mod.split('.')[0] if mod else None
            elif mod == 'muwa_nb' or mod.startswith('muwa_nb.'):
                target = mod.split('.')[1] if '.' in mod else None
            else: continue
            names = [a.name for a in node.names]
            if target is None: yield from ((node.lineno, n, []) for n in names)
            else: yield node.lineno, target, names
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith('muwa_nb.'): yield node.lineno, a.name.split('.')[1], []

def functions_with_calls(tree:ast.AST, name:str):
    "Names of the top-level functions (or `<module>`) that call `name(...)`."
    found = []
    for top in tree.body:
        calls = [n for n in ast.walk(top)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name]
        if calls: found.append(getattr(top, 'name', '<module>'))
    return found

def check_module(path:Path)->list:
    name, problems = path.stem, []
    src = path.read_text(encoding='utf-8')
    tree = ast.parse(src)
    for line, target, names in muwa_imports(tree):
        where = f"muwa_nb/{path.name}:{line}"
        if target in TOP and name not in TOP:
            problems.append(f"{where}: imports {target} (nothing imports cli/study)")
        elif name not in TOP and target != name and target not in ALLOWED.get(name, set()):
            problems.append(f"{where}: {name} imports {target}, which is not upstream of it")
        private = [n for n in names if n.startswith('_')]
        if private and target != name:
            problems.append(f"{where}: imports private name(s) {private} from {target}")
    if name not in TOP:
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) and 'argparse' in
               ([a.name for a in n.names] if isinstance(n, ast.Import) else [n.module])
               for n in ast.walk(tree)):
            problems.append(f"muwa_nb/{path.name}: imports argparse (commands belong in cli)")
        for fn in functions_with_calls(tree, 'print'):
            if (name, fn) not in PRINTS_ALLOWED: problems.append(f"muwa_nb/{path.name}: {fn} prints")
    in_all = False
    for i, line in enumerate(src.split('\n'), 1):
        # nbdev writes __all__ itself
        in_all = line.startswith('__all__') or (in_all and line.startswith(' '))
        if len(line) > MAX_LINE and i > 1 and not in_all:    # line 1: the notebook's summary
            problems.append(f"muwa_nb/{path.name}:{i}: {len(line)} > {MAX_LINE} characters")
    return problems

def check_scripts(folder:Path)->list:
    "Scripts in `folder` may import only public names of muwa_nb."
    problems = []
    for path in sorted(folder.glob('*.py')):
        for line, target, names in muwa_imports(ast.parse(path.read_text(encoding='utf-8'))):
            if target.startswith('_') or any(n.startswith('_') for n in names):
                problems.append(f"{folder.name}/{path.name}:{line}: uses a private name of muwa_nb.{target}")
    return problems

def check_notebooks(folder:Path)->list:
    "Every line of every code cell in the notebooks of `folder` within `MAX_LINE` characters."
    problems = []
    for path in sorted(folder.glob('*.ipynb')):
        for n, cell in enumerate(json.loads(path.read_text(encoding='utf-8'))['cells']):
            if cell['cell_type'] != 'code': continue
            for i, line in enumerate(''.join(cell['source']).split('\n'), 1):
                if len(line) > MAX_LINE:
                    problems.append(f"nbs/{path.name}: cell {n} ({cell.get('id', 'no id')}), line {i}: "
                                    f"{len(line)} > {MAX_LINE} characters")
    return problems

def main():
    modules = sorted(p for p in PKG.glob('*.py') if p.stem not in ('__init__', '_modidx'))
    problems = ([p for m in modules for p in check_module(m)]
                + check_scripts(ROOT/'bench') + check_scripts(ROOT/'tools') + check_notebooks(ROOT/'nbs'))
    for p in problems: print(p)
    print(f"house rules: {len(modules)} modules, {len(list((ROOT/'nbs').glob('*.ipynb')))} notebooks, "
          f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)

if __name__ == '__main__': main()
