#!/usr/bin/env bash
# The workflow test of `make test`: a two-experiment sheet (Pho4-like and Cbf1-like landscapes,
# two replicates, each fraction in two lanes with PCR duplicates across lanes) run by
# `betseq run` and by Snakemake with --cores 2; the outputs must agree: counts.tsv,
# count_summary.tsv, ddg.tsv and summary.json byte for byte, linear models and networks equal but
# for the command line and paths that record how they were made.
# Usage: workflow/test.sh BETSEQ SNAKEMAKE
set -euo pipefail
BETSEQ=$(realpath "$1")
SNAKEMAKE=$(realpath "$2")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT; echo "work: $WORK" >&2
cd "$WORK"
DESIGN=UUUUNNNCACGTGNNNAGAT

# Each experiment simulated whole (two replicates, each fraction in two lanes; a molecule's PCR
# copies span lanes); the two sheets joined into one, paths made relative to it.
for exp in pho4like cbf1like; do
    "$BETSEQ" simulate run --design "$DESIGN" --landscape "$exp" --depth 24000 --duplicates 0.3 \
        --replicates 2 --lanes 2 --protein-name "${exp%like}-like" --out "sim/$exp" 2>/dev/null
done
# The header betseq wrote once, then every row with its path made relative to the joint sheet.
awk -F'\t' -v OFS='\t' 'FNR == 1 { if (NR == 1) print; next } { d = FILENAME; sub(/samples\.tsv$/, "", d); $4 = d $4; print }' \
    sim/pho4like/samples.tsv sim/cbf1like/samples.tsv > sheet.tsv
# One lane as plain FASTQ: sheets may mix compressed and plain files.
gzip -d sim/pho4like/bound_2_L2.fastq.gz && sed -i 's|sim/pho4like/bound_2_L2.fastq.gz|sim/pho4like/bound_2_L2.fastq|' sheet.tsv

"$BETSEQ" run sheet.tsv --out run --epochs 1 2>run.log || { cat run.log; exit 1; }
"$SNAKEMAKE" -s "$ROOT/workflow/Snakefile" --cores 2 --quiet all \
    --config samples=sheet.tsv out=smk betseq="$BETSEQ" epochs=1 >smk.log 2>&1 || { tail -40 smk.log; exit 1; }

status=0
# The Slurm profile plans the same jobs (a dry run needs no cluster).
"$SNAKEMAKE" -s "$ROOT/workflow/Snakefile" --profile "$ROOT/workflow/profiles/slurm" --dry-run \
    --config samples=sheet.tsv out=slurm betseq="$BETSEQ" >slurm.log 2>&1 || { echo "workflow test: Slurm dry run failed"; tail -20 slurm.log; status=1; }
grep -q "count_file *16" slurm.log || { echo "workflow test: the Slurm dry run does not plan 16 count jobs"; status=1; }
for exp in pho4like cbf1like; do
    for f in counts.tsv count_summary.tsv ddg.tsv; do
        cmp -s "run/$exp/$f" "smk/$exp/$f" || { echo "workflow test: $exp/$f differs"; status=1; }
    done
done
cmp -s run/summary.json smk/summary.json || { echo "workflow test: summary.json differs"; diff run/summary.json smk/summary.json | head; status=1; }
python3 - <<'PY' || status=1
import json, sys
def strip(node):
    # What records how a file was made (command line, output folder, seconds taken) is not what it holds.
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in ("command", "input", "seconds")}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node
bad = 0
for exp in ("pho4like", "cbf1like"):
    for name in ("mono.json", "nn.json", "di.json", "network.model"):
        a = json.load(open(f"run/{exp}/{name}")); b = json.load(open(f"smk/{exp}/{name}"))
        if strip(a) != strip(b):
            print(f"workflow test: {exp}/{name} differs", file=sys.stderr); bad = 1
summary = json.load(open("run/summary.json"))
for exp in ("pho4like", "cbf1like"):
    e = summary["experiments"][exp]
    print(f"  {exp}: replicate r² {e['replicate_r2']:.3f}; explained mono {e['explained']['mono']:.3f}, nn {e['explained']['nn']:.3f}, di {e['explained']['di']:.3f}")
sys.exit(bad)
PY
[ $status -eq 0 ] && echo "workflow test: betseq run and Snakemake (--cores 2) agree on 2 experiments, 16 lane files"

# Contact training data: five structures prepared in three chunk jobs into a cache, then a tiny
# training on it; the cache must hold the same entries, byte for byte, as one `contacts prepare`.
ls "$ROOT"/fixtures/structures/*.pdb "$ROOT"/fixtures/structures/*.cif > structures.txt
"$SNAKEMAKE" -s "$ROOT/workflow/contacts.smk" --cores 2 --quiet all \
    --config structures=structures.txt cache=smk-cache out=contacts chunks=3 valid=structures.txt betseq="$BETSEQ" \
    train_args="--max-epochs 1 --layers 1 --heads 1 --hidden 4 --chain-layers 1 --threads 1" >contacts.log 2>&1 \
    || { echo "workflow test: contacts workflow failed"; tail -30 contacts.log; status=1; }
"$BETSEQ" contacts prepare structures.txt --cache one-cache --threads 2 2>/dev/null
rows=$(($(wc -l < contacts/prepared.tsv) - 1))
[ "$rows" -eq "$(wc -l < structures.txt)" ] || { echo "workflow test: prepared.tsv lists $rows structures"; status=1; }
diff -r one-cache smk-cache >/dev/null || { echo "workflow test: the chunked cache differs from one prepare"; status=1; }
[ -s contacts/model.json ] || { echo "workflow test: no model trained from the cache"; status=1; }
"$SNAKEMAKE" -s "$ROOT/workflow/contacts.smk" --profile "$ROOT/workflow/profiles/slurm" --dry-run \
    --config structures=structures.txt cache=slurm-cache out=slurm-contacts chunks=4 betseq="$BETSEQ" >contacts-slurm.log 2>&1 \
    || { echo "workflow test: contacts Slurm dry run failed"; tail -20 contacts-slurm.log; status=1; }
grep -q "prepare_chunk *4" contacts-slurm.log || { echo "workflow test: the Slurm dry run does not plan 4 prepare jobs"; status=1; }
[ $status -eq 0 ] && echo "workflow test: contacts prepared in 3 chunk jobs equal one prepare; trained from the cache"
exit $status
