#!/usr/bin/env python3
"""Side-by-side benchmark of `betseq simulate` against the NumPy peers.

Two workloads on the full 4^10 library, run interleaved (peer, betseq, peer, ...) and reported
as medians of wall and CPU seconds and peak RSS from /usr/bin/time:

  full   one simulation at 10^8 reads per fraction, truth and counts written:
         make_dataset.py --model normal --depth 2e8  vs  betseq simulate --dilute --depth 2e8
         (same settings: iid Normal ddG with range 3, exponential binding, 10 % PCR duplicates),
         plus betseq with the exact equilibrium (its default) for reference;
  sweep  8 depths x 10 replicates: simulate_depth.py --ddg-ranges 3 --mean-reads M --reps 10
         vs betseq simulate sweep --dilute --depths D --replicates 10 with D = 2·M·4^10.

Usage: python3 bench/simulate_bench.py [--repeats 3] [--python /tmp/peers-venv/bin/python]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.join(ROOT, "..", "shared", "peers")
BETSEQ = os.path.join(ROOT, ".build", "release", "betseq")
MEAN_READS = [1, 2, 5, 10, 20, 50, 100, 500]


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (wall s, cpu s, peak MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name] + cmd
        r = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr}")
        wall, user, sys_, rss = t.read().split()
        return float(wall), float(user) + float(sys_), int(rss) / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--python", default="/tmp/peers-venv/bin/python")
    ap.add_argument("--work", default="/tmp/betseq-simbench")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    w = args.work
    depths = ",".join(str(2 * round(m * 4 ** 10)) for m in MEAN_READS)
    workloads = {
        "full": [
            ("make_dataset.py (NumPy)", [args.python, os.path.join(PEERS, "make_dataset.py"), "--seed", "7",
                                         "--model", "normal", "--depth", "2e8", "--out", f"{w}/peer_full"]),
            ("betseq simulate --dilute", [BETSEQ, "simulate", "--landscape", "normal:3", "--dilute",
                                          "--duplicates", "0.1", "--depth", "2e8", "--seed", "7",
                                          "--out", f"{w}/betseq_full"]),
            ("betseq simulate (equilibrium)", [BETSEQ, "simulate", "--landscape", "normal:3",
                                               "--duplicates", "0.1", "--depth", "2e8", "--seed", "7",
                                               "--out", f"{w}/betseq_eq"]),
        ],
        "sweep": [
            ("simulate_depth.py (NumPy)", [args.python, os.path.join(PEERS, "simulate_depth.py"), "--seed", "7",
                                           "--ddg-ranges", "3", "--mean-reads", ",".join(map(str, MEAN_READS)),
                                           "--reps", "10"]),
            ("betseq simulate sweep", [BETSEQ, "simulate", "sweep", "--landscape", "normal:3", "--dilute",
                                       "--depths", depths, "--replicates", "10", "--seed", "7",
                                       "--out", f"{w}/sweep.tsv"]),
        ],
    }
    print(f"load average before: {os.getloadavg()[0]:.2f}; {args.repeats} interleaved repeats, medians\n")
    for name, cmds in workloads.items():
        runs = {label: [] for label, _ in cmds}
        for _ in range(args.repeats):
            for label, cmd in cmds:
                runs[label].append(timed(cmd))
        print(f"### {name}\n")
        print("| command | wall s | CPU s | peak MB | speed-up vs peer |")
        print("|---|---:|---:|---:|---:|")
        peer = statistics.median(r[0] for r in runs[cmds[0][0]])
        for label, _ in cmds:
            wall = statistics.median(r[0] for r in runs[label])
            cpu = statistics.median(r[1] for r in runs[label])
            rss = statistics.median(r[2] for r in runs[label])
            print(f"| {label} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {peer / wall:.1f}x |")
        print()


if __name__ == "__main__":
    main()
