#!/usr/bin/env python3
"""Linear ΔΔG fits: betseq against the Python peer (../shared/peers/fit_linear.py), side by side.

1. Agreement: fits mono / nn / di on every observed row of a make_dataset counts.tsv with the
   peer's own code (statsmodels WLS for mono and nn, its weighted normal equations for di; Poisson
   weights 1/(1/B + 1/U); the di fit also with the same normal equations in float64) and
   with `betseq fit linear --split 1,0,0` (weights 1/var, proportional); compares the
   predictions for all 4^10 sequences (`betseq predict --all`) and reports the largest absolute difference.
   betseq fits straight from the count table (`--bound bound_count --reference input_count`),
   so both sides start from the same exact ΔΔG and weights.
2. Speed: the all-dinucleotide fit on the peer's 80 % training rows with scikit-learn's sparse
   LinearRegression (lsqr) and statsmodels WLS (mono/nn only by default: the di fit needs ~17 GB),
   against `betseq fit linear` (fit seconds as it reports them), interleaved, medians.

Usage: python3 bench/linear_bench.py DATASET_DIR [--repeats 3] [--python /tmp/peers-venv/bin/python]
where DATASET_DIR holds counts.tsv and truth.tsv from make_dataset.py.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers"))
BETSEQ = os.path.join(ROOT, ".build", "release", "betseq")

PEER_SCRIPT = r'''
import sys, json, time
sys.path.insert(0, PEERS)
import numpy as np
import fit_linear as fl
mode, counts, model, out = sys.argv[1:5]
df = fl.read_table(counts)
B_all = df["bound_count"].to_numpy(dtype=float); U_all = df["input_count"].to_numpy(dtype=float)
obs = (B_all > 0) & (U_all > 0)
B, U = B_all[obs], U_all[obs]
y = -fl.RT * np.log((B / B_all.sum()) / (U / U_all.sum())); y -= y.mean()
w = 1.0 / (1.0 / B + 1.0 / U)
d = fl.seq_digits(df["sequence"].to_numpy()[obs].tolist())
groups = fl.model_groups(model)
C, levels, offsets = fl.group_codes(d, groups)
p = int(levels.sum()); F = fl.flat_index(C, offsets)
n = len(y)
if mode.startswith("agree"):
    rows = np.arange(n)
else:
    perm = np.random.default_rng(0).permutation(n); rows = perm[:int(round(0.8 * n))]
t0 = time.perf_counter()
if mode == "agree" and model != "all":
    import statsmodels.api as sm
    Xt, cols = fl.treatment_dense(C[rows], groups)
    res = sm.WLS(y[rows], Xt, weights=w[rows]).fit(method="pinv")
    params = np.asarray(res.params); b0 = params[0]; coef = np.zeros(p)
    for c, (g, lev) in enumerate(cols): coef[offsets[g] + lev] = params[1 + c]
    method = "statsmodels WLS"
elif mode == "agree":
    b0, coef = fl.normal_eq(F[rows], p, y[rows], w[rows]); method = "normal_eq_w (float32 ssyrk)"
elif mode == "agree64":
    # The same normal equations accumulated in float64 (scipy sparse), solved by lstsq.
    import scipy.sparse as sp
    X = sp.hstack([sp.csr_matrix(np.ones((len(rows), 1))), fl.csr_onehot(C[rows], offsets, p)]).tocsr()
    XW = X.multiply(w[rows][:, None]).tocsr()
    A = (X.T @ XW).toarray(); b = XW.T @ y[rows]
    sol = np.linalg.lstsq(A, b, rcond=1e-10)[0]; b0, coef = sol[0], sol[1:]
    method = "normal equations in float64 (scipy sparse + lstsq)"
elif mode == "sklearn":
    from sklearn.linear_model import LinearRegression
    X = fl.csr_onehot(C[rows], offsets, p); t0 = time.perf_counter()
    est = LinearRegression().fit(X, y[rows], sample_weight=w[rows]); b0, coef = est.intercept_, est.coef_
    method = "sklearn sparse (sample_weight)"
elif mode == "statsmodels":
    import statsmodels.api as sm
    Xt, cols = fl.treatment_dense(C[rows], groups); t0 = time.perf_counter()
    res = sm.WLS(y[rows], Xt, weights=w[rows]).fit(method="pinv"); b0 = 0; coef = np.zeros(p)
    method = "statsmodels WLS"
fit_s = time.perf_counter() - t0
if out != "-":
    lib = fl.all_library_digits()
    pl = fl.predict(b0, coef, fl.flat_index(fl.group_codes(lib, groups)[0], offsets))
    np.savetxt(out, pl, fmt="%.9f")
print(json.dumps({"fit_s": fit_s, "method": method, "rows": int(len(rows))}))
'''


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return r


def peer(python, mode, counts, model, out="-"):
    r = run([python, "-c", PEER_SCRIPT.replace("PEERS", repr(PEERS)), mode, counts, model, out])
    return json.loads(r.stdout.strip().splitlines()[-1])


def betseq_fit(counts, features, out, extra=()):
    r = run([BETSEQ, "fit", "linear", "--features", features, counts, "--bound", "bound_count",
             "--reference", "input_count", "--out", out, *extra])
    m = re.search(r"fit ([0-9.]+) s", r.stderr)
    return float(m.group(1)), r.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--python", default="/tmp/peers-venv/bin/python")
    ap.add_argument("--work", default="/tmp/betseq-linbench")
    ap.add_argument("--skip-speed", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    w = args.work
    counts = os.path.join(args.dataset, "counts.tsv")

    print("### Agreement with the peer (all observed rows, weighted, predictions for all 4^10 sequences)\n")
    print("| model | peer method | max abs difference (kcal/mol) | peer fit s | betseq fit s |")
    print("|---|---|---:|---:|---:|")
    for ours, theirs, mode in (("mono", "mono", "agree"), ("nn", "nn", "agree"), ("di", "all", "agree"),
                               ("di", "all", "agree64")):
        info = peer(args.python, mode, counts, theirs, f"{w}/peer_{ours}.txt")
        secs, _ = betseq_fit(counts, ours, f"{w}/{ours}.json", ["--split", "1,0,0"])
        run([BETSEQ, "predict", f"{w}/{ours}.json", "--all", "--decimals", "9", "--out", f"{w}/{ours}_pred.tsv"])
        with open(f"{w}/peer_{ours}.txt") as f:
            theirs_pred = [float(x) for x in f]
        with open(f"{w}/{ours}_pred.tsv") as f:
            next(f)
            ours_pred = [float(line.split("\t")[1]) for line in f]
        # The peer centres y over observed rows and betseq ddg does too: intercepts agree.
        diff = max(abs(a - b) for a, b in zip(theirs_pred, ours_pred))
        print(f"| {ours} | {info['method']} | {diff:.2e} | {info['fit_s']:.2f} | {secs:.3f} |")

    if args.skip_speed:
        return
    print("\n### Speed on the 80 % training rows (interleaved, medians)\n")
    print("| model | scikit-learn sparse, weighted | statsmodels WLS | betseq fit linear | sklearn / betseq | statsmodels / betseq |")
    print("|---|---:|---:|---:|---:|---:|")
    for ours, theirs in (("mono", "mono"), ("nn", "nn"), ("di", "all")):
        sk, sm, bs = [], [], []
        for _ in range(args.repeats):
            sk.append(peer(args.python, "sklearn", counts, theirs)["fit_s"])
            if theirs != "all":
                sm.append(peer(args.python, "statsmodels", counts, theirs)["fit_s"])
            bs.append(betseq_fit(counts, ours, f"{w}/{ours}_speed.json")[0])
        skm, bsm = statistics.median(sk), statistics.median(bs)
        smm = statistics.median(sm) if sm else float("nan")
        print(f"| {ours} | {skm:.2f} | {smm:.2f} | {bsm:.3f} | {skm / bsm:.1f}x | {smm / bsm:.0f}x |")


if __name__ == "__main__":
    main()
