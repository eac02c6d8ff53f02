"""The network simulator: `generate_network` (pure numpy) and `load_network` (Django).

This package is also a Django app (for `SimTruth`), so Django imports it at
start-up; the re-exports are resolved lazily so every `troth` command does not
pay for importing numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from troth.sim.generate import Network, SimSettings, generate_network
    from troth.sim.load import load_network

__all__ = ["Network", "SimSettings", "generate_network", "load_network"]


def __getattr__(name: str) -> Any:
    if name in ("Network", "SimSettings", "generate_network"):
        from troth.sim import generate

        return getattr(generate, name)
    if name == "load_network":
        from troth.sim import load

        return load.load_network
    raise AttributeError(f"module 'troth.sim' has no attribute {name!r}")
