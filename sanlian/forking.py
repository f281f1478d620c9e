"""A second process on the second core, for the long jobs that can split in two (a large
import's checks, a city's visit ledger): whether one should be forked, and what the forked
child does first. Linux only (``fork``); elsewhere everything runs in one process."""

from __future__ import annotations

import os
import sys
import time


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """``fork`` is there and a second core to run the child on."""
    return sys.platform.startswith("linux") and cores() >= 2


def running() -> int:
    """Processes running or ready to run at this instant, this one included (the fewest of
    three looks, a few milliseconds apart); 1 where the system does not say."""
    fewest = None
    for attempt in range(3):
        if attempt:
            time.sleep(0.002)
        try:
            with open("/proc/loadavg", encoding="ascii") as fh:
                count = int(fh.read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return 1
        fewest = count if fewest is None else min(fewest, count)
    return fewest or 1


def quiet_child() -> None:
    """The forked child: Ctrl-C is the parent's to handle, and nothing is printed."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
