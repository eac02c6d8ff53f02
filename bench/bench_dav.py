"""Benchmark the CardDAV address book on the 30,000-person network: what a client's
first sync costs the server, and what it costs afterwards.

    python bench/bench_dav.py [--people 30000] [--interactions 1000000]

Reuses bench_web.py's network (built once under /tmp, seed 7), copied into a
home of this run's own (serving it migrates the copy, never bench_web's). Starts
`troth serve` on a free loopback port, makes a token with `troth tokens add`,
then, as a client on 127.0.0.1 (http.client, the bodies DAVx5 sends):

- baseline: one card's GET (the same run, the same server: a machine under load
  shows it here too)
- PROPFIND depth 0 on the book (ctag, sync-token: what a client asks each sync)
- PROPFIND depth 1 (every card's ETag: vdirsyncer's listing)
- addressbook-multiget of every card (the first sync's download), in vCard 4.0 and
  then 3.0 (what an older iPhone asks for)
- sync-collection with the token from before (nothing changed: a later sync)

Each: seconds, megabytes received; and the server's memory (VmRSS before,
VmHWM after, from /proc). Figures go to bench/RESULTS.md with the machine line.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_web import ensure_home, serve  # noqa: E402
from machine import Machine, record  # noqa: E402

PROPFIND_0 = b"""<?xml version="1.0" encoding="utf-8"?>
<propfind xmlns="DAV:" xmlns:CS="http://calendarserver.org/ns/">
 <prop><CS:getctag/><sync-token/></prop></propfind>"""
PROPFIND_1 = b"""<?xml version="1.0" encoding="utf-8"?>
<propfind xmlns="DAV:"><prop><resourcetype/><getetag/></prop></propfind>"""


def multiget(hrefs: list[str], version: str | None = None) -> bytes:
    """`version` "3.0": what an older iPhone asks for."""
    inner = "".join(f"<href>{h}</href>" for h in hrefs)
    data = f'<CARD:address-data version="{version}"/>' if version else "<CARD:address-data/>"
    return (
        '<?xml version="1.0" encoding="utf-8"?><CARD:addressbook-multiget xmlns="DAV:"'
        f' xmlns:CARD="urn:ietf:params:xml:ns:carddav"><prop><getetag/>{data}'
        f"</prop>{inner}</CARD:addressbook-multiget>"
    ).encode()


def sync(token: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><sync-collection xmlns="DAV:">'
        f"<sync-token>{token}</sync-token><sync-level>1</sync-level>"
        "<prop><getetag/></prop></sync-collection>"
    ).encode()


def ask(base: str, auth: str, method: str, path: str, body: bytes | None = None, depth: str = "0"):
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    headers = {"Authorization": auth, "Depth": depth}
    if body is not None:
        headers["Content-Type"] = "application/xml; charset=utf-8"
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    reply = conn.getresponse()
    data = reply.read()
    seconds = time.perf_counter() - start
    conn.close()
    assert reply.status in (200, 207), (method, path, reply.status, data[:300])
    return seconds, data


def memory(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    args = parser.parse_args()
    machine = Machine.read()
    print(machine.line())
    source = ensure_home(args.people, args.interactions)
    home = Path(tempfile.mkdtemp(prefix="troth-bench-dav-"))
    try:
        shutil.copy(source / "troth.sqlite3", home / "troth.sqlite3")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TROTH_", "DJANGO_"))}
        env["TROTH_HOME"] = str(home)
        made = subprocess.run(
            [sys.executable, "-m", "troth", "tokens", "add", "bench", "--read-only"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        raw = re.search(r"troth_\S+", made.stdout).group(0)  # type: ignore[union-attr]
        auth = "Basic " + base64.b64encode(f"local:{raw}".encode()).decode()
        with open(home / "serve.log", "w") as log:
            proc, base = serve(home, 1, 2, log)  # one process, two threads, as before
            try:
                figures = measure(base, auth, proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    record("bench_dav", machine, figures, note=f"{args.people} people")


def measure(base: str, auth: str, pid: int) -> dict[str, object]:
    book = "/dav/local/contacts/"
    figures: dict[str, object] = {}
    ask(base, auth, "PROPFIND", book, PROPFIND_0)  # warm up: imports, first queries
    rss = memory(pid, "VmRSS")
    t, data = ask(base, auth, "PROPFIND", book, PROPFIND_1, depth="1")
    hrefs = re.findall(rb"<d:href>([^<]+\.vcf)</d:href>", data)
    first = hrefs[0].decode()
    t_card, _ = ask(base, auth, "GET", first)
    figures["baseline one card GET s"] = round(t_card, 3)
    t0, data0 = ask(base, auth, "PROPFIND", book, PROPFIND_0)
    token = re.search(rb"<d:sync-token>([^<]+)</d:sync-token>", data0).group(1).decode()  # type: ignore[union-attr]
    figures["PROPFIND depth 0 s"] = round(t0, 2)
    figures["PROPFIND depth 1 s"] = round(t, 2)
    figures["PROPFIND depth 1 MB"] = round(len(data) / 1e6, 1)
    figures["cards"] = len(hrefs)
    t, data = ask(base, auth, "REPORT", book, multiget([h.decode() for h in hrefs]), depth="1")
    assert data.count(b"BEGIN:VCARD") == len(hrefs), "a card is missing from the multiget"
    figures["multiget all s"] = round(t, 2)
    figures["multiget MB"] = round(len(data) / 1e6, 1)
    # the same cards as vCard 3.0 (older iPhones), beside the 4.0 download just above
    t, data = ask(
        base, auth, "REPORT", book, multiget([h.decode() for h in hrefs], "3.0"), depth="1"
    )
    assert data.count(b"VERSION:3.0") == len(hrefs), "a 3.0 card is missing from the multiget"
    figures["multiget all vCard 3.0 s"] = round(t, 2)
    t, data = ask(base, auth, "REPORT", book, sync(token), depth="0")
    assert b".vcf" not in data, "nothing changed, yet sync-collection listed cards"
    figures["sync-collection unchanged s"] = round(t, 2)
    figures["server RSS before MB"] = round(rss)
    figures["server peak RSS MB"] = round(memory(pid, "VmHWM"))
    for name, value in figures.items():
        print(f"  {name}: {value}")
    return figures


if __name__ == "__main__":
    main()
