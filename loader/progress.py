"""Progress of long work (a load, an export), as a bar on a terminal and nothing anywhere else.

    with progress(len(files), "loading") as advance:
        for file in files:
            ...
            advance(1)

The bar goes to stderr, and only when stderr is a terminal, so output piped or captured (a test,
a log, a cron job) holds no progress lines. rich is imported only when a bar is drawn.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress(total: int | None, description: str) -> Iterator[Callable[[int], None]]:
    """A context whose value, `advance(n=1)`, moves the bar by n of `total` steps (None: unknown,
    the bar then only counts); the bar is gone when the context ends."""
    if not sys.stderr.isatty():
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def _nothing(n: int = 1) -> None:
    pass
