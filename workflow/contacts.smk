# Contact-map training data as cluster jobs: the structures of a list prepared (covalent graphs and
# static-mode maps of `betseq contacts map`) in chunks, one job per chunk, into the example cache that
# `betseq contacts train` and `contacts eval` read; then, if a validation list is given, the training.
# Entries are keyed by file content and rules version, so a rerun (or a grown list) prepares only
# what is new, and chunks never write the same entry.
#
#   snakemake -s workflow/contacts.smk --cores N --config structures=LIST cache=DIR out=DIR \
#       [chunks=N] [valid=LIST] [betseq=PATH] [train_args="--time-budget 3600 --seed 1"]
#
# Outputs: OUT/manifests/chunk-K-of-N.tsv (what each job prepared), OUT/prepared.tsv (all of them),
# and with valid=LIST OUT/model.json.
import shlex

BETSEQ = config.get("betseq", "betseq")
LIST = config["structures"]
CACHE = config["cache"].rstrip("/")
OUT = config["out"].rstrip("/")
CHUNKS = int(config.get("chunks", 8))
VALID = config.get("valid")
TRAIN_ARGS = config.get("train_args", "")


def q(value):
    return shlex.quote(str(value))


# Resources from measurements (release build, 2-core VM): 1,000 PDB entries (mean 302 residues, up to
# 1,295) prepare in 12 s on 2 threads, ~23 ms and < 200 MB per structure; training holds the prepared
# set (~1.6 GB for 850 structures) and bounded per-structure work.
wildcard_constraints:
    k=r"\d+",


rule all:
    input:
        f"{OUT}/prepared.tsv",
        *([f"{OUT}/model.json"] if VALID else []),


rule prepare_chunk:
    input:
        LIST,
    output:
        f"{OUT}/manifests/chunk-{{k}}-of-{CHUNKS}.tsv",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=30,
    shell:
        f"{q(BETSEQ)} contacts prepare {{input}} --cache {q(CACHE)} --shard {{wildcards.k}}/{CHUNKS} "
        "--threads {threads} --manifest {output}"


rule collect_manifests:
    input:
        expand(f"{OUT}/manifests/chunk-{{k}}-of-{CHUNKS}.tsv", k=range(1, CHUNKS + 1)),
    output:
        f"{OUT}/prepared.tsv",
    run:
        with open(output[0], "w") as out:
            for n, path in enumerate(input):
                with open(path) as fh:
                    lines = fh.readlines()
                out.writelines(lines if n == 0 else lines[1:])


rule train:
    input:
        manifest=f"{OUT}/prepared.tsv",
        structures=LIST,
    output:
        f"{OUT}/model.json",
    threads: 2
    resources:
        mem_mb=4000,
        runtime=240,
    shell:
        f"{q(BETSEQ)} contacts train --train {{input.structures}} --valid {q(VALID)} --cache {q(CACHE)} "
        f"--out {{output}} --threads {{threads}} {TRAIN_ARGS}"
