"""Read commands start without numpy, the matcher or rapidfuzz (issue 18 item 6): the
tier names and the engine version come from the numpy-free troth.trust.constants, and
the engine, the matcher and the fuzzy name search are imported where they compute.
Speed itself is measured by bench/bench_cli_startup.py."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from module_data import migrated_home
from troth.trust import constants, engine
from troth.trust.activity import RHYTHM_PARAMS, shipped_model

# troth runs in processes of its own (its own SQLite home, TROTH_* stripped, the real
# clock): the PostgreSQL pass would repeat these unchanged (conftest checks they use no
# test database)
pytestmark = pytest.mark.own_process

PROBE = """
import json, sys
sys.argv = ["troth", *json.loads(sys.argv[1])]
from troth.cli import main

try:
    main()
except SystemExit:
    pass
heavy = ("numpy", "troth.trust.engine", "troth.matching.keywords", "rapidfuzz")
print(json.dumps({m: m in sys.modules for m in heavy}), file=sys.stderr)
"""


def probe(home: Path, *args: str) -> tuple[str, dict[str, bool]]:
    env = {**os.environ, "TROTH_HOME": str(home)}
    env.pop("TROTH_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_the_engine_version_is_the_engines_own_formula() -> None:
    # The version cached scores carry: computed without numpy, it must stay the hash
    # the engine always wrote, or every cache would be recomputed for nothing.
    m = shipped_model()
    rhythm = dict(zip(RHYTHM_PARAMS, m.rhythm or (), strict=False))
    numbers = m.coef.tolist() + [v for _k, v in sorted(rhythm.items())]
    numpy_made = (
        f"{constants.FORMULA}:"
        + hashlib.sha1((repr(constants.TrustParams()) + repr(numbers)).encode()).hexdigest()[:12]
    )
    assert numpy_made == constants.ENGINE_VERSION
    assert engine.ENGINE_VERSION is constants.ENGINE_VERSION
    assert engine.TIERS is constants.TIERS and engine.TrustParams is constants.TrustParams


def test_agenda_and_people_load_no_numpy_once_scores_are_current(
    tmp_path: Path, migrated_db: Path
) -> None:
    migrated_home(migrated_db, tmp_path)  # the first command's migration is not the subject
    probe(tmp_path, "add", "Ada Lovelace", "--company", "Analytical Engines")
    probe(tmp_path, "log", "Ada", "meeting", "tea")
    out, _ = probe(tmp_path, "agenda")  # scores the network once (the engine: numpy)
    out, loaded = probe(tmp_path, "agenda")
    assert (
        "troth agenda" in out
        or "worth doing" in out
        or "nothing needs you" in out
        or "knows nobody yet" in out
    )
    assert loaded == dict.fromkeys(loaded, False), loaded
    out, loaded = probe(tmp_path, "people", "--limit", "5")
    assert "Ada Lovelace" in out
    assert loaded == dict.fromkeys(loaded, False), loaded


def test_an_agenda_with_a_need_still_names_who_might_help(
    tmp_path: Path, migrated_db: Path
) -> None:
    migrated_home(migrated_db, tmp_path)  # the first command's migration is not the subject
    probe(tmp_path, "add", "Sam Okafor", "--title", "CPA", "--company", "Bellwether")
    probe(tmp_path, "add", "Rita Moss")
    # known for months: only warm ties are named as helpers (troth.trust.warmth); the
    # date is read by the command itself (a pinned clock does not reach a subprocess)
    probe(tmp_path, "log", "Sam", "meeting", "lunch", "--when", "100 days ago")
    probe(tmp_path, "log", "Rita", "call", "catch-up")
    probe(tmp_path, "need", "Rita", "a CPA for her taxes")
    out, loaded = probe(tmp_path, "agenda", "--all")
    assert "Rita Moss needs" in out
    assert "Sam Okafor might help" in " ".join(out.split())
