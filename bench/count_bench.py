#!/usr/bin/env python3
"""Side-by-side benchmark of `betseq count` against gzip -dc and the Python peers.

Runs each command REPEATS times, interleaved (so machine load hits all alike), and reports the
median wall time, CPU time and peak RSS from /usr/bin/time, plus the ratios to `gzip -dc`.
Checks that every counter's output equals the generator's expected table.

Usage: bench/count_bench.py FASTQ_GZ EXPECTED_TSV [--repeats 5] [--python PEERS_PY] [--skip-biopython]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(os.path.dirname(ROOT), "shared", "peers")


def timed(cmd):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%e %U %S %M", "sh", "-c", cmd],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, user, sys_, rss = t.read().split()[-4:]
    return float(wall), float(user) + float(sys_), int(rss) / 1024


def table_of(path, column=1):
    rows = {}
    with open(path) as f:
        next(f)
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if int(fields[column]) > 0:
                rows[fields[0]] = int(fields[column])
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fastq")
    ap.add_argument("expected")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--python", default="/tmp/peers-venv/bin/python")
    ap.add_argument("--betseq", default=os.path.join(ROOT, ".build", "release", "betseq"))
    ap.add_argument("--skip-biopython", action="store_true")
    args = ap.parse_args()
    out = tempfile.mkdtemp(prefix="betseq-bench-")
    f = args.fastq
    commands = {
        "gzip -dc": f"gzip -dc {f} > /dev/null",
        "betseq count": f"{args.betseq} count --out {out}/betseq.tsv input={f}",
        "peer numpy (count_reads_fast)": f"{args.python} {PEERS}/count_reads_fast.py {f} --out {out}/fast.tsv",
    }
    if not args.skip_biopython:
        commands["peer Biopython (published)"] = f"{args.python} {PEERS}/count_reads_biopython.py {f} --out {out}/bio.tsv"
    runs = {name: [] for name in commands}
    for r in range(args.repeats):
        for name, cmd in commands.items():
            if name.startswith("peer Biopython") and r > 0:
                continue  # 25 s a run: once is enough for a 10x-scale comparison
            runs[name].append(timed(cmd))
    expected = table_of(args.expected)
    checks = {"betseq count": f"{out}/betseq.tsv", "peer numpy (count_reads_fast)": f"{out}/fast.tsv",
              "peer Biopython (published)": f"{out}/bio.tsv"}
    floor = statistics.median(w for w, _, _ in runs["gzip -dc"])
    ours = statistics.median(w for w, _, _ in runs["betseq count"])
    print(f"file: {f}  repeats: {args.repeats}  load: {os.getloadavg()[0]:.2f}")
    print(f"{'command':32} {'median wall s':>13} {'cpu s':>7} {'peak MB':>8} {'/ gzip -dc':>10} {'/ betseq':>9}  output")
    for name, rs in runs.items():
        wall = statistics.median(w for w, _, _ in rs)
        cpu = statistics.median(c for _, c, _ in rs)
        rss = max(m for _, _, m in rs)
        check = ""
        if name in checks and os.path.exists(checks[name]):
            check = "= expected" if table_of(checks[name]) == expected else "DIFFERS from expected"
        print(f"{name:32} {wall:13.2f} {cpu:7.2f} {rss:8.0f} {wall / floor:10.2f} {wall / ours:9.2f}  {check}")


if __name__ == "__main__":
    sys.exit(main())
