"""pgbench's per-transaction logs (-l), read once for every benchmark script."""
import glob
import os


def transactions(work):
    """(tx, failed): tx sorted (end time, latency in s) of every logged transaction, failed their end times.

    A log line is: client txno latency_us|failed|skipped script epoch us [lag].
    """
    tx, failed = [], []
    for f in glob.glob(os.path.join(work, "pgbench", "w*")):
        with open(f) as fh:
            for line in fh:
                p = line.split()
                if len(p) < 6:
                    continue
                try:
                    end = int(p[4]) + int(p[5]) / 1e6
                except ValueError:
                    continue
                if p[2].isdigit():
                    tx.append((end, int(p[2]) / 1e6))
                elif p[2] != "skipped":
                    failed.append(end)
    tx.sort()
    return tx, failed
