"""corroborator: what is established across outlets, by whom, and how independently.

Python API::

    import corroborator
    report = corroborator.analyze(["examples/corpus"])
    data = corroborator.to_contract(report)   # the corroborator.report/1 JSON shape
"""

from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .model import Report
    from .settings import Settings


def analyze(
    paths: Iterable[str | Path],
    *,
    settings: Settings | None = None,
    db: str | Path | None = None,
    allow_private_urls: bool = False,
    resume: bool = False,
) -> Report:
    """Ingest, analyse and cross-check the articles at ``paths``; store them in ``db`` if given.

    ``resume`` (needs ``db``): the stored stories stay as they are and this run's articles join
    them or open new ones; the report holds the stories the run touched."""
    from .pipeline import run
    from .settings import DEFAULT_SETTINGS

    if resume and db is None:
        raise ValueError("resume=True needs a store: pass db=")

    return run(paths, settings=settings or DEFAULT_SETTINGS, db=db,
               allow_private_urls=allow_private_urls, include_stored=resume)


def to_contract(report: Report) -> dict:
    """The report as ``corroborator.report/1`` JSON-ready data."""
    from .report.contract import to_contract as _to_contract

    return _to_contract(report)


__all__ = ["__version__", "analyze", "to_contract"]
