"""Run one command and write its wall time, peak memory and exit status: ``/usr/bin/time``'s
job, in the standard library.

    python -S -I bench/peak.py REPORT COMMAND [ARG...]

Forks, executes COMMAND in the child and waits for it with ``os.wait4``; REPORT receives one
line ``SECONDS MAXRSS_KIB STATUS`` (the wall time from the fork to the end of the wait, the
child's ``ru_maxrss``: its own peak resident set and that of every descendant it waited for,
as the import's checking process; and its exit code, or 128 + the signal that ended it). The
exit code of this process is the command's.

Why a launcher and not ``os.wait4`` on a child of ``bench/run.py`` itself: Linux carries the
peak of the memory a process replaces at ``exec`` into its ``ru_maxrss``, so a command started
by the bench (tens or hundreds of MiB after it has built the import rows) would report at least
the bench's own peak. This launcher is small (about 8 MiB, under any figure measured: a bare
``python -c pass`` peaks at about 10 MiB), so the child's figure is its own, the same figure
``/usr/bin/time -f %M`` gives.
"""

import os
import sys
import time


def main() -> int:
    report, cmd = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: becomes the command
        try:
            os.execvp(cmd[0], cmd)
        except OSError as exc:
            os.write(2, f"peak.py: {cmd[0]}: {exc.strerror}\n".encode())
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    code = 128 - code if code < 0 else code
    with open(report, "w") as fh:
        fh.write(f"{seconds:.6f} {usage.ru_maxrss} {code}\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
