#!/usr/bin/env python3
"""Neural ΔΔG network: betseq against the PyTorch peer (../shared/peers/nn/mlp_ddg.py).

speed   Same data (a `betseq ddg` table), same architecture and recipe (SGD lr 1e-3, weight decay
        0.01, target noise 0.5, dropout 0.25, unweighted), 80/10/10 split, 2 threads; per batch
        size, EPOCHS epochs each, run one after the other (peer, betseq); reports the median
        training seconds per epoch and the validation RMSE after the last epoch.
counts  Ratio training vs count-likelihood (binomial) training on make_dataset cbf1like libraries
        at 5, 10, 20 and 50 mean reads per sequence; Pearson r² of the network (whole library)
        and of the raw measured ΔΔG against the truth. Adam, batch 1024, MAX epochs.

Usage: python3 bench/nn_bench.py speed DDG_TSV [--epochs 2]
       python3 bench/nn_bench.py counts WORKDIR [--max-epochs 6]
Needs the peers' venvs: PEERS_NN_VENV=/tmp/peers-nn-venv bash ../shared/peers/nn/setup.sh and
PEERS_VENV=/tmp/peers-venv bash ../shared/peers/setup.sh.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers"))
BETSEQ = os.environ.get("BETSEQ", os.path.join(ROOT, ".build", "release", "betseq"))


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r.stdout + r.stderr


def speed(args):
    print("| batch | PyTorch s/epoch | betseq s/epoch | ratio betseq/PyTorch | PyTorch val RMSE | betseq val RMSE | RMSE difference |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for bs in [int(b) for b in args.batch_sizes.split(",")]:
        peer = run([args.nn_python, os.path.join(PEERS, "nn", "mlp_ddg.py"), "--data", args.table,
                    "--batch-sizes", str(bs), "--max-epochs", str(args.epochs), "--threads", "2",
                    "--omp-wait-policy", "passive"])
        p_times = [float(t) for t in re.findall(r"epoch +\d+ +train +([0-9.]+)s", peer)]
        p_rmse = [float(v) for v in re.findall(r"val_rmse ([0-9.]+)", peer)]
        ours = run([BETSEQ, "fit", "nn", args.table, "--unweighted", "--batch-size", str(bs),
                    "--max-epochs", str(args.epochs), "--threads", "2", "--out", "/tmp/betseq-nnbench.model"])
        o_times = [float(t) for t in re.findall(r"epoch +\d+ +train +([0-9.]+) s", ours)]
        o_rmse = [float(v) for v in re.findall(r"val RMSE ([0-9.]+)", ours)]
        pt, ot = statistics.median(p_times), statistics.median(o_times)
        print(f"| {bs} | {pt:.1f} | {ot:.1f} | {ot / pt:.2f} | {p_rmse[-1]:.4f} | {o_rmse[-1]:.4f} | "
              f"{100 * (o_rmse[-1] - p_rmse[-1]) / p_rmse[-1]:+.1f} % |")


def counts(args):
    w = args.workdir
    os.makedirs(w, exist_ok=True)
    print("| mean reads/seq | raw measured ΔΔG r² (observed) | ratio-trained network r² (library) | count-trained network r² (library) |")
    print("|---:|---:|---:|---:|")
    for m in (5, 10, 20, 50):
        d = os.path.join(w, f"m{m}")
        depth = 2 * m * 4 ** 10
        if not os.path.exists(os.path.join(d, "counts.tsv")):
            run([args.python, os.path.join(PEERS, "make_dataset.py"), "--seed", "1", "--model", "cbf1like",
                 "--depth", str(depth), "--out", d])
        run([BETSEQ, "ddg", f"{d}/counts.tsv", "--bound", "bound_count", "--reference", "input_count", "--out", f"{d}/ddg.tsv"])
        common = ["--optimizer", "adam", "--batch-size", "1024", "--max-epochs", str(args.max_epochs),
                  "--truth", f"{d}/truth.tsv", "--threads", "2"]
        ratio = run([BETSEQ, "fit", "nn", f"{d}/ddg.tsv", "--out", f"{d}/ratio.model"] + common)
        count = run([BETSEQ, "fit", "nn", f"{d}/counts.tsv", "--likelihood", "binomial", "--bound", "bound_count",
                     "--reference", "input_count", "--out", f"{d}/count.model"] + common)
        r_lib = float(re.search(r"\(library\) ([0-9.]+)", ratio).group(1))
        c_lib = float(re.search(r"\(library\) ([0-9.]+)", count).group(1))
        raw = run(["sh", "-c", "awk -F'\\t' 'FNR == 1 { next } NR == FNR { t[$1] = $2; next } "
                   "{ x = t[$1]; y = $2; n++; sx += x; sy += y; sxx += x*x; syy += y*y; sxy += x*y } "
                   "END { c = sxy - sx*sy/n; printf \"%.4f\", c*c/((sxx - sx*sx/n)*(syy - sy*sy/n)) }' "
                   f"{d}/truth.tsv {d}/ddg.tsv"])
        print(f"| {m} | {raw.strip()} | {r_lib:.4f} | {c_lib:.4f} |", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["speed", "counts"])
    ap.add_argument("path")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--max-epochs", type=int, default=6)
    ap.add_argument("--batch-sizes", default="256,1024")
    ap.add_argument("--nn-python", default="/tmp/peers-nn-venv/bin/python")
    ap.add_argument("--python", default="/tmp/peers-venv/bin/python")
    args = ap.parse_args()
    if args.mode == "speed":
        args.table = args.path
        speed(args)
    else:
        args.workdir = args.path
        counts(args)


if __name__ == "__main__":
    main()
