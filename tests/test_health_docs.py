"""Issue 19: DEVELOPERS.md's code map names every app and top-level module of troth, so
that it cannot fall behind the code again unnoticed."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "troth"


def test_the_code_map_names_every_app_and_module() -> None:
    text = (ROOT / "DEVELOPERS.md").read_text(encoding="utf-8")
    code_map = text[text.index("## Code map") : text.index("## How work gets done")]
    missing = [
        p.name
        for p in sorted(PACKAGE.iterdir())
        if (
            p.is_dir() and (p / "__init__.py").exists() and f"`src/troth/{p.name}/`" not in code_map
        )
        or (p.suffix == ".py" and not p.name.startswith("__") and f"{p.name}`" not in code_map)
    ]
    assert missing == [], f"DEVELOPERS.md's code map lacks {missing}"
