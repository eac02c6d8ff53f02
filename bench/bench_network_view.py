"""Benchmark the Insights network view in a real browser: is it usable at thousands of nodes?

    python bench/bench_network_view.py [--home DIR] [--sizes 300 1000 3000 5000]

Serves a troth home with `troth serve` on a free loopback port and opens Insights in
Debian's Chromium (Playwright, headless, software rendering: no GPU) at 1280x800
with the network set to each size in turn (the strongest N ties and the "knows"
links among them). Printed per size: seconds until the graph's canvas is there,
and frames painted per second over the 3 s after (the layout is still settling,
the busiest moment). 300 nodes, the page's default, is the baseline of the same
run. The home defaults to bench/bench_web.py's 30,000-person network (run that
first to build it).

Measured 2026-11-30, 2 CPUs, quiet machine, the 30,000-person network (23,666 ties):

    nodes  links   canvas after  fps while settling
      300    388      0.7 s           61
    1,000  2,485      0.4 s           60
    3,000  7,672      0.4 s           38
    5,000 10,376      0.6 s           26

Above 1,000 nodes the view draws smaller dots and hairline links, turns dragging
off and settles sooner (troth/web/static/web/insights.js), so it stays usable.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_HOME = "/tmp/troth-bench-web-30000p-1000000i-s7"
FPS = """() => new Promise(done => {
  let frames = 0; const start = performance.now();
  function tick() { frames++; if (performance.now() - start < 3000) requestAnimationFrame(tick);
                    else done(frames / 3); }
  requestAnimationFrame(tick); })"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=DEFAULT_HOME)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000, 3000, 5000])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not (Path(args.home) / "troth.sqlite3").exists():
        sys.exit(f"{args.home}: no troth database there (run bench/bench_web.py first)")
    from playwright.sync_api import sync_playwright

    port = free_port()
    troth = Path(sys.executable).with_name("troth")
    server = subprocess.Popen(
        [str(troth), "serve", "--port", str(port), "--no-open", "--threads", "2"],
        env=dict(os.environ, TROTH_HOME=args.home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        print(server.stdout.readline().strip())
        print(f"{'nodes':>6} {'links':>7} {'canvas after':>13} {'fps settling':>13}")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            for n in args.sizes:
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/insights/?n={n}")
                page.wait_for_selector("#network canvas", timeout=60_000)
                drawn = time.perf_counter() - start
                fps = page.evaluate(FPS)
                data = page.evaluate(f"fetch('/insights/network.json?n={n}').then(r => r.json())")
                print(
                    f"{len(data['nodes']):>6,} {len(data['links']):>7,} {drawn:>12.1f}s {fps:>13.0f}",
                    flush=True,
                )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
