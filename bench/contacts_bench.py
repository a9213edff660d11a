#!/usr/bin/env python3
"""Contact-map network speed: betseq against the PyTorch peer (gat_contacts.py), side by side.

Both train the same atom-level part (element embedding 32 -> 5 x [GAT 4 heads x 32 -> batch norm ->
leaky ReLU] -> residue sum -> batch norm -> pair MLP 128-64-8), Adam, 2 threads, on the same
structure files, for a fixed number of epochs without evaluation in between. betseq adds its chain
convolutions and separation offsets and runs twice: as shipped (sampled pairs, 4 structures per step)
and with every pair, one structure per step (the peer's regime). Reported: median seconds per epoch (training only) from each tool's own per-epoch log,
interleaved runs, and the ratio betseq / PyTorch.

    PEERS_NN_VENV=/tmp/peers-nn-venv bash ../shared/peers/nn/setup.sh
    swift build -c release
    python3 bench/contacts_bench.py --epochs 300 --repeats 2                     # crambin (1EJG), as the peer's overfit run
    python3 bench/contacts_bench.py --list LIST --epochs 5 --repeats 2           # a set of structures, one step each
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def run_peer(python, files, epochs, threads):
    peer = os.path.join(SHARED, "peers", "nn", "gat_contacts.py")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    if len(files) == 1:
        args = ["--mode", "overfit", "--pdb", files[0]]
    else:
        args = ["--mode", "holdout", "--train", *files, "--test", files[0]]
    cmd = [python, peer, *args, "--epochs", str(epochs), "--eval-every", str(10 ** 9), "--threads", str(threads),
           "--omp-wait-policy", "passive", "--json-out", out]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as fh:
        result = json.load(fh)
    os.unlink(out)
    training = result["training"]
    return training["epoch_s_median"], result


def run_betseq(betseq, files, epochs, threads, extra):
    with tempfile.TemporaryDirectory() as d:
        listing = os.path.join(d, "list.txt")
        with open(listing, "w") as fh:
            fh.write("\n".join(files) + "\n")
        model = os.path.join(d, "m.model")
        cmd = [betseq, "contacts", "train", "--train", listing, "--out", model, "--max-epochs", str(epochs),
               "--eval-every", str(10 ** 9), "--patience", str(10 ** 9), "--threads", str(threads), "--no-cache", *extra]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(model) as fh:
            meta = json.load(fh)["metadata"]
    seconds = [e["seconds"] for e in meta["history"]]
    return statistics.median(seconds)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", help="file with one structure path per line (default: crambin 1EJG)")
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--python", default=os.environ.get("PEERS_NN_PYTHON", "/tmp/peers-nn-venv/bin/python"))
    ap.add_argument("--betseq", default=os.environ.get("BETSEQ", os.path.join(ROOT, ".build", "release", "betseq")))
    args = ap.parse_args()
    if args.list:
        with open(args.list) as fh:
            files = [l.strip() for l in fh if l.strip() and not l.startswith("#")]
    else:
        files = [os.path.join(SHARED, "data", "structures", "1EJG.pdb")]
    # betseq as shipped (chain context, offsets, sampled pairs, 4 structures per step) and with every
    # pair of every structure in its own step, as the peer trains.
    configs = {"shipped": [], "all pairs, 1 per step": ["--negative-fraction", "1", "--batch", "1"]}
    peer_times, ours = [], {k: [] for k in configs}
    info = None
    for r in range(args.repeats):
        t, info = run_peer(args.python, files, args.epochs, args.threads)
        peer_times.append(t)
        line = f"repeat {r + 1}: PyTorch {t * 1000:.1f} ms/epoch"
        for name, extra in configs.items():
            ours[name].append(run_betseq(args.betseq, files, args.epochs, args.threads, extra))
            line += f", betseq {name} {ours[name][-1] * 1000:.1f} ms/epoch"
        print(line, flush=True)
    p = statistics.median(peer_times)
    structures = info.get("train_structures") or [info.get("structure")]
    atoms = sum(s["n_atoms"] for s in structures)
    pairs = sum(s["n_pairs"] for s in structures)
    print(f"{len(files)} structures ({atoms} heavy atoms, {pairs} residue pairs in the peer's graphs), {args.epochs} epochs, "
          f"{args.threads} threads")
    for name in configs:
        b = statistics.median(ours[name])
        print(f"median s/epoch: PyTorch {p:.4f}, betseq ({name}) {b:.4f}, ratio betseq/PyTorch {b / p:.2f}")


if __name__ == "__main__":
    sys.exit(main())
