"""Open rendered pages in headless Chromium: fail if no equation is typeset or a plot did not load; screenshot.

Reads the pages `tools/render_check.py` wrote (MathJax served from the same folder, no CDN), serves them on
localhost, opens each with Debian's Chromium through ChromeDriver (Selenium), waits for MathJax to finish and
checks: at least one equation typeset, no MathJax error, no TeX source left in the visible text, at least one
image and every image decoded (complete, non-zero width). Saves a full-page screenshot next to each page.

Usage: python tools/browser_check.py [--dir _render] [--pages 02_lora_math] [--timeout 90]
"""
import argparse, functools, http.server, sys, tempfile, threading, time
from pathlib import Path

CHROMIUM, CHROMEDRIVER = '/usr/bin/chromium', '/usr/bin/chromedriver'
# The closed network here refuses Chromium's background connections; keep them off (and no sandbox as root).
FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-dev-shm-usage', '--window-size=1280,1600']

STATE_JS = """
const mj = window.MathJax, hub = mj && mj.Hub;
const imgs = Array.from(document.images);
const local = imgs.filter(i => i.src.startsWith('data:') || i.src.startsWith(location.origin));
return {mathjax: !!hub, busy: !hub || hub.queue.pending > 0 || hub.queue.running > 0,
        typeset: document.querySelectorAll('.mjx-chtml, .MathJax_CHTML, .MathJax, .MathJax_Display').length,
        errors: document.querySelectorAll('.MathJax_Error, .mjx-merror, merror').length,
        raw_tex: /\\$\\$|\\\\frac|\\\\mathbb|\\\\text\\{/.test(document.body.innerText),
        images: local.length, external: imgs.length - local.length,
        broken: local.filter(i => !i.complete || i.naturalWidth === 0).length,
        height: document.body.scrollHeight};
"""


def serve(folder:Path):
    "Serve `folder` on a free localhost port, in a thread: (server, base url, list of failed requests)."
    class Quiet(http.server.SimpleHTTPRequestHandler):
        missing = []
        def log_message(self, *a): pass
        def send_error(self, code, *a, **kw):
            Quiet.missing.append(f'{code} {self.path}'); super().send_error(code, *a, **kw)
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f'http://127.0.0.1:{server.server_address[1]}', Quiet.missing


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    for exe in (CHROMIUM, CHROMEDRIVER):
        if not Path(exe).exists():
            sys.exit(f"{exe}: not found; install Debian's packages chromium and chromium-driver")
    opts = webdriver.ChromeOptions(); opts.binary_location = CHROMIUM
    for f in FLAGS: opts.add_argument(f)
    opts.add_argument(f'--user-data-dir={tempfile.mkdtemp(prefix="chromium-")}')
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def check(driver, url:str, shot:Path, timeout:float, missing:list)->list:
    "Problems found on the page at `url` (empty: it passed); saves a screenshot to `shot`."
    driver.get(url)
    deadline, state = time.time() + timeout, {}
    while time.time() < deadline:
        state = driver.execute_script(STATE_JS)
        if state['mathjax'] and not state['busy'] and state['typeset']: break
        time.sleep(0.5)
    driver.set_window_size(1280, min(max(state.get('height', 1600), 800), 16000))
    driver.save_screenshot(str(shot))
    problems = []
    if not state.get('mathjax'): problems.append('MathJax did not load')
    elif state['busy']: problems.append(f'MathJax still busy after {timeout:.0f}s')
    if not state.get('typeset'): problems.append('no equation was typeset')
    if state.get('errors'): problems.append(f"{state['errors']} MathJax error(s)")
    if state.get('raw_tex'): problems.append('TeX source left in the visible text')
    if not state.get('images'): problems.append('no image on the page')
    if state.get('broken'): problems.append(f"{state['broken']} of {state['images']} image(s) did not load")
    # MathJax's stylesheet names TeX web fonts the package does not ship (it typesets with STIX-Web): not a failure
    optional = lambda m: m.endswith('/favicon.ico') or '/mathjax/fonts/HTML-CSS/TeX/' in m
    if lost := sorted({m for m in missing if not optional(m)}):
        problems.append("the page asked for files that are not there: " + ', '.join(lost))
    print(f"  {url.rsplit('/', 1)[-1]:24s} {state.get('typeset', 0):4d} typeset math elements, "
          f"{state.get('images', 0)} page image(s), {state.get('broken', 0)} broken, "
          f"{state.get('external', 0)} external (offline: not loaded, not checked) -> "
          f"{'OK' if not problems else 'BROKEN'}; screenshot {shot}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--dir', default='_render')
    ap.add_argument('--pages', nargs='+', default=['02_lora_math'])
    ap.add_argument('--timeout', type=float, default=90)
    a = ap.parse_args()
    folder = Path(a.dir)
    absent = [p for p in a.pages if not (folder/f'{p}.html').is_file()]
    if absent: sys.exit(f"{folder}: no {', '.join(absent)} page(s); run tools/render_check.py first")
    if not (folder/'mathjax'/'MathJax.js').is_file(): sys.exit(f"{folder}/mathjax/MathJax.js: missing")
    server, base, missing = serve(folder)
    driver = browser()
    bad = {}
    try:
        for p in a.pages:
            missing.clear()
            if pr := check(driver, f'{base}/{p}.html', folder/f'{p}.png', a.timeout, missing): bad[p] = pr
    finally:
        driver.quit(); server.shutdown()
    for p, pr in bad.items(): print(f'BROKEN {p}: ' + '; '.join(pr))
    print(f'browser check: {len(a.pages) - len(bad)} of {len(a.pages)} page(s) passed')
    sys.exit(1 if bad else 0)


if __name__ == '__main__': main()
