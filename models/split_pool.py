#!/usr/bin/env python3
"""Split the PDB pool into training, validation and test lists by sequence cluster.

Entries that share a sequence cluster (through any of their chains) form one group, so no
cluster is on both sides of a split. A group's side is fixed by a hash of its smallest cluster
id and the seed: test if the hash's fraction is below --test, validation below --test + --valid.

    python3 models/split_pool.py ../shared/data/structures/pdb_pool --out models
"""
import argparse
import csv
import hashlib
import os


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pool", help="folder with pool.tsv and the structure files")
    ap.add_argument("--out", required=True, help="folder for pool-train.txt, pool-valid.txt, pool-test.txt")
    ap.add_argument("--test", type=float, default=0.15)
    ap.add_argument("--valid", type=float, default=0.08)
    ap.add_argument("--seed", default="betseq-contacts-1")
    a = ap.parse_args()
    with open(os.path.join(a.pool, "pool.tsv")) as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rows:
        clusters = r["sequence_clusters"].split(",")
        for c in clusters[1:]:
            parent[find(c)] = find(clusters[0])
    groups = {}
    for r in rows:
        root = find(r["sequence_clusters"].split(",")[0])
        groups.setdefault(root, []).append(r)
    sides = {"train": [], "valid": [], "test": []}
    for root, members in groups.items():
        key = min(c for m in members for c in m["sequence_clusters"].split(","))
        h = int(hashlib.sha256(f"{a.seed}:{key}".encode()).hexdigest()[:16], 16) / 2 ** 64
        side = "test" if h < a.test else "valid" if h < a.test + a.valid else "train"
        sides[side] += [m["file"] for m in members]
    rel = os.path.relpath(os.path.abspath(a.pool), os.path.abspath(a.out))
    for side, files in sides.items():
        with open(os.path.join(a.out, f"pool-{side}.txt"), "w") as fh:
            fh.write(f"# {side}: {len(files)} entries of {a.pool}/pool.tsv split by sequence cluster "
                     f"(seed {a.seed}, test {a.test}, valid {a.valid}); paths relative to this list\n")
            for f in sorted(files):
                fh.write(os.path.join(rel, f) + "\n")
        print(side, len(files))


if __name__ == "__main__":
    main()
