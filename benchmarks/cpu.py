"""Where the machine's CPU went during a measuring window.

On two cores the load generator, the server, PostgreSQL and anything else running compete;
these shares say how much each took, as a fraction of all cores over the window.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

import psutil

GROUPS = ("server", "postgres", "locust")


def _cpu_by_pid(processes: Iterable[psutil.Process]) -> dict[int, float]:
    seconds = {}
    for proc in processes:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        seconds[proc.pid] = float(times.user + times.system)
    return seconds


def _tree(pid: int) -> list[psutil.Process]:
    """A process and its children (gunicorn's master and workers)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _database_backends(database: str) -> list[psutil.Process]:
    """The PostgreSQL backends serving ``database`` (their process title names it)."""
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        title = " ".join(proc.info["cmdline"] or [])
        if proc.info["name"] == "postgres" and f" {database} " in f" {title} ":
            found.append(proc)
    return found


def snapshot(*, server_pid: int, locust_pid: int, database: str) -> dict[str, Any]:
    machine = psutil.cpu_times()
    return {
        "wall": time.monotonic(),
        "busy": float(machine.user + machine.system + machine.nice + machine.irq + machine.softirq),
        "server": _cpu_by_pid(_tree(server_pid)),
        "postgres": _cpu_by_pid(_database_backends(database)),
        "locust": _cpu_by_pid(_tree(locust_pid)),
    }


def _used(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    """CPU seconds the processes used in between, counting those alive at the end.

    A process that ended in between (a PostgreSQL backend whose connection closed) is left out:
    its last seconds cannot be read, and it lands under "anything else".
    """
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def shares(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, float]:
    """Each group's CPU as a share of all cores over the interval; the rest is "other"."""
    wall = after["wall"] - before["wall"]
    capacity = wall * (psutil.cpu_count() or 1)
    used = {group: _used(before[group], after[group]) for group in GROUPS}
    busy = after["busy"] - before["busy"]
    other = busy - sum(used.values())
    return {
        "seconds": wall,
        "busy": busy / capacity,
        **{group: seconds / capacity for group, seconds in used.items()},
        "other": max(0.0, other) / capacity,
    }
