#!/usr/bin/env bash
# Proves that a change keeps betseq's outputs byte-identical: the same fixed list of commands (the
# README's tour at small sizes, `make demo` exactly, `run`, `pipeline` and the contact commands)
# runs with the `betseq` of BASE_REV and with the `betseq` of the working tree, and every file
# they write and every command's stdout must be equal byte for byte (`cmp`), and every command
# must exit with the same status. stderr is not compared (it has timings and progress) but is
# kept in a log for diagnosis.
#
# Usage: bash tests/identical_outputs.sh [BASE_REV]      (BASE_REV default: 623b5f9)
#   BASE_BETSEQ=/path/to/betseq   use this binary as the base instead of building BASE_REV
#   NEW_BETSEQ=/path/to/betseq    use this binary as the new one instead of building the tree
#   KEEP=1                        keep the temporary folder (both runs' files and stderr logs);
#                                 it is also kept, and named, when something differs
#
# CI runs it on a restructuring (a change that must not alter any output), after `make deps`, in
# a checkout with history back to BASE_REV (not a shallow clone): `bash tests/identical_outputs.sh`.
# Exit status 0: every compared output is identical. 1: something differs (one line per file) or
# a command failed with one binary but not the other. 2: a binary could not be built. Outputs a
# change alters on purpose are listed in tests/identical_outputs.exclude (one glob per line, with
# the reason and the issue number) and reported as excluded instead of compared. The two runs take
# about half a minute each on two cores, after two release builds (`--product betseq`).
#
# Both binaries are copied to the same absolute path and run from the same absolute folder with
# the same relative arguments, because model files record the command line and relative paths;
# the base's run folder is then moved aside before the new binary runs.
set -euo pipefail

BASE_REV=${1:-623b5f9}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EXCLUDE_FILE=$ROOT/tests/identical_outputs.exclude
TMP=$(mktemp -d "${TMPDIR:-/tmp}/identical_outputs.XXXXXX")
WORKTREE=$TMP/base-src

cleanup() {
    if [ -d "$WORKTREE" ]; then
        git -C "$ROOT" worktree remove --force "$WORKTREE" 2>/dev/null || true
        git -C "$ROOT" worktree prune 2>/dev/null || true
    fi
    # SwiftPM's lock files for the base's scratch folder, named after its path.
    rm -f "${TMPDIR:-/tmp}/$(echo "$TMP/base-build" | tr / _)"*.lock
    if [ -n "${KEEP:-}" ]; then echo "kept: $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
log() { echo "identical_outputs: $*" >&2; }

# ---- the two binaries ------------------------------------------------------------------------
if [ -n "${BASE_BETSEQ:-}" ]; then
    BASE_BIN=$(realpath "$BASE_BETSEQ")
else
    log "building $BASE_REV (release) in $WORKTREE"
    git -C "$ROOT" worktree add --quiet --detach "$WORKTREE" "$BASE_REV" || { log "cannot check out $BASE_REV"; exit 2; }
    (cd "$WORKTREE" && nice -n 10 swift build -c release --product betseq --scratch-path "$TMP/base-build" \
        >"$TMP/base-build.log" 2>&1) || { tail -30 "$TMP/base-build.log"; log "building $BASE_REV failed"; exit 2; }
    BASE_BIN=$(cd "$WORKTREE" && swift build -c release --scratch-path "$TMP/base-build" --show-bin-path)/betseq
fi
if [ -n "${NEW_BETSEQ:-}" ]; then
    NEW_BIN=$(realpath "$NEW_BETSEQ")
else
    log "building the working tree (release)"
    (cd "$ROOT" && nice -n 10 swift build -c release --product betseq >"$TMP/new-build.log" 2>&1) \
        || { tail -30 "$TMP/new-build.log"; log "building the working tree failed"; exit 2; }
    NEW_BIN=$(cd "$ROOT" && swift build -c release --show-bin-path)/betseq
fi
for b in "$BASE_BIN" "$NEW_BIN"; do [ -x "$b" ] || { log "no executable at $b"; exit 2; }; done

# ---- inputs shared by both runs (read only) --------------------------------------------------
WORK=$TMP/work
mkdir -p "$WORK/bin" "$WORK/inputs"
cp "$ROOT"/fixtures/structures/{1A8O.cif,1A8O.pdb,1EJG.pdb,1FMO.pdb,1YJP.cif} "$WORK/inputs/"
cp "$ROOT"/fixtures/contacts/{5Y0T_h_noANISOU.pdb.gz,5xnd_frame0.pdb} "$WORK/inputs/"
cp "$ROOT/models/contacts-default.json.gz" "$WORK/inputs/"
printf '1YJP.cif\n1A8O.pdb\n' >"$WORK/inputs/eval.txt"        # paths relative to the list
chmod -R a-w "$WORK/inputs"

# Everything the binaries see besides their arguments is the same for both runs.
export LC_ALL=C TZ=UTC
export BETSEQ_CONTACT_MODEL=$ROOT/models/contacts-default.json.gz
export PATH=$WORK/bin:$PATH

# Small designs: 6 and 8 variable bases (4^6 and 4^8 species) around the CACGTG core.
D6=UUUUUUATCNNNCACGTGNNNCTAUUUUUU
DEMO_DESIGN=UUUUUUATCNNNNCACGTGNNNNCTAUUUUUU     # the Makefile's

# ---- the command list ------------------------------------------------------------------------
# step NAME COMMAND...: runs one command in the run folder; its stdout goes to stdout/NAME.txt
# (compared like any output), its stderr to the log, its exit status and seconds to status.tsv.
STEP=0
step() {
    local name id start rc=0
    name=$1; shift
    STEP=$((STEP + 1)); id=$(printf '%02d-%s' "$STEP" "$name")
    start=$EPOCHREALTIME
    "$@" >"stdout/$id.txt" 2>"$LOGDIR/$id.err" || rc=$?
    printf '%s\t%s\t%s\n' "$id" "$rc" "$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $start }")" >>"$LOGDIR/status.tsv"
    [ "$rc" -eq 0 ] || log "  $id exited with $rc (stderr: $LOGDIR/$id.err)"
}

# The demo sheet: the header betseq wrote, then each experiment's rows with their paths made
# relative to the joint sheet (the Makefile's awk; ROOT is the folder holding reads/).
join_sheets() {
    local root=$1; shift
    awk -F'\t' -v OFS='\t' -v root="$root/" 'FNR == 1 { if (NR == 1) print; next }
        { d = substr(FILENAME, length(root) + 1); sub(/samples\.tsv$/, "", d); $4 = d $4; print }' "$@"
}

commands() {
    # 1. Simulated libraries (README step 5): a small design with reads, the default design
    #    (4^10 species) at a modest depth, a motif with an unbound fraction and base-call errors.
    step simulate-normal betseq simulate --landscape normal:3 --design $D6 --depth 2e5 --seed 7 --fastq --out sim
    step simulate-default betseq simulate --landscape normal:3 --depth 4e5 --duplicates 0.1 --seed 7 --fastq --out simdef
    step simulate-motif betseq simulate run --landscape motif:pho4 --design $D6 --depth 6e4 --unbound-reads 3e4 \
        --input-bias 0.3 --errors --duplicates 0.1 --seed 3 --fastq --out simmotif
    step simulate-dilute betseq simulate --landscape cbf1like:2 --design $D6 --dilute --reads --depth 5e4 --seed 4 --out simdilute
    step simulate-replicates betseq simulate run --landscape pho4like --design $D6 --depth 1.5e5 --duplicates 0.2 \
        --replicates 2 --lanes 2 --seed 1 --experiment-name pho4 --protein-name Pho4-like --out pho4

    # 2. Reads → counts (README step 1): several samples from gzip lanes, a summary; read counts;
    #    the default design, also with the published QC offsets; anchors with mismatches on both
    #    strands and relaxed quality filters; stdout.
    step count-sim betseq count --design $D6 --out counts.tsv --summary count_summary.tsv \
        input=sim/input.fastq.gz bound=sim/bound.fastq.gz
    step count-lanes betseq count --design $D6 --out pho4_counts.tsv --summary pho4_count_summary.tsv \
        input_1=pho4/input_1_L1.fastq.gz,pho4/input_1_L2.fastq.gz bound_1=pho4/bound_1_L1.fastq.gz,pho4/bound_1_L2.fastq.gz \
        input_2=pho4/input_2_L1.fastq.gz,pho4/input_2_L2.fastq.gz bound_2=pho4/bound_2_L1.fastq.gz,pho4/bound_2_L2.fastq.gz
    step count-reads betseq count --design $D6 --reads --out pho4_reads.tsv \
        input_1=pho4/input_1_L1.fastq.gz bound_1=pho4/bound_1_L1.fastq.gz
    step count-default betseq count --out simdef_counts.tsv --summary simdef_count_summary.tsv \
        input=simdef/input.fastq.gz bound=simdef/bound.fastq.gz
    step count-published betseq count --qc-offsets published --reads --out simdef_published.tsv \
        input=simdef/input.fastq.gz bound=simdef/bound.fastq.gz
    step count-errors betseq count --design $D6 --max-mismatches 1 --both-strands \
        --min-mean-quality 25 --min-base-quality 20 --out simmotif_counts.tsv --summary simmotif_count_summary.tsv \
        input=simmotif/input.fastq.gz bound=simmotif/bound.fastq.gz unbound=simmotif/unbound.fastq.gz
    step count-stdout betseq count --design $D6 --out - input=pho4/input_2_L2.fastq.gz
    # Counting split by file: one shard per lane, then merged (must equal count-lanes).
    mkdir -p shards
    for f in input_1 bound_1 input_2 bound_2; do
        for l in L1 L2; do
            step "count-shard-${f}_$l" betseq count --design $D6 --shard "shards/${f}_$l.shard" "$f=pho4/${f}_$l.fastq.gz"
        done
    done
    step count-merge betseq count merge --out pho4_merged.tsv --summary pho4_merged_summary.tsv \
        input_1=shards/input_1_L1.shard,shards/input_1_L2.shard bound_1=shards/bound_1_L1.shard,shards/bound_1_L2.shard \
        input_2=shards/input_2_L1.shard,shards/input_2_L2.shard bound_2=shards/bound_2_L1.shard,shards/bound_2_L2.shard

    # 3. Counts → ΔΔG (README step 2): one replicate; two with their own columns; pseudocount and
    #    temperature; the default design.
    step ddg betseq ddg counts.tsv --bound bound --reference input --out ddg.tsv
    step ddg-replicates betseq ddg pho4_counts.tsv --bound bound_1,bound_2 --reference input_1,input_2 \
        --replicate-names 1,2 --out pho4_ddg.tsv
    step ddg-pseudocount betseq ddg pho4_counts.tsv --bound bound_1 --reference input_1 --pseudocount 0.5 \
        --temperature 310 --out pho4_ddg_pc.tsv
    step ddg-unbound betseq ddg simmotif_counts.tsv --bound bound --reference unbound --rt 0.6 --out simmotif_ddg.tsv
    step ddg-default betseq ddg simdef_counts.tsv --bound bound --reference input --out simdef_ddg.tsv

    # 4. Linear models (README step 3) against the truth; from a count table with an energy
    #    matrix and a MEME motif; other codings, folds, ridge; the default design.
    for f in mono nn di; do
        step "fit-$f" betseq fit linear --features $f --design $D6 ddg.tsv --out $f.json --truth sim/truth.tsv
    done
    step fit-counts betseq fit linear --features nn --design $D6 pho4_counts.tsv --bound bound_1 --reference input_1 \
        --out counts_nn.json --energy-matrix counts_mono.tsv --meme counts_mono.meme
    step fit-options betseq fit linear --features di --design $D6 pho4_ddg.tsv --coding sum-to-zero --folds 3 \
        --ridge 0.1 --unweighted --seed 2 --out di_sz.json
    step fit-reference-base betseq fit linear --features mono --design $D6 pho4_ddg.tsv --reference-base G \
        --split 0.6,0.2,0.2 --target ddg_1 --out mono_g.json --energy-matrix mono_g.tsv
    step fit-default-mono betseq fit linear --features mono simdef_ddg.tsv --truth simdef/truth.tsv --out simdef_mono.json
    step fit-default-di betseq fit linear --features di simdef_ddg.tsv --truth simdef/truth.tsv --out simdef_di.json
    step predict-all betseq predict di.json --all --out predicted.tsv
    step predict-table betseq predict di.json pho4_ddg.tsv --decimals 3 --out predicted_table.tsv
    step predict-matrix betseq predict counts_mono.tsv --all --out predicted_matrix.tsv
    step predict-stdout betseq predict mono.json pho4_ddg.tsv --out -
    step predict-default betseq predict simdef_di.json --all --out simdef_di_pred.tsv

    # 5. The network (README step 4), a few small epochs: ratio mode, binomial and Poisson count
    #    modes, then predictions (both precisions where they differ).
    step fit-nn betseq fit nn ddg.tsv --out nn.model --layers 32,16 --max-epochs 2 --truth sim/truth.tsv
    step fit-nn-binomial betseq fit nn pho4_counts.tsv --likelihood binomial --bound bound_1,bound_2 \
        --reference input_1,input_2 --optimizer adam --batch-size 64 --layers 32,16 --max-epochs 2 --seed 1 \
        --out nn_binomial.model
    step fit-nn-poisson betseq fit nn counts.tsv --likelihood poisson --bound bound --reference input \
        --layers 16 --max-epochs 2 --threads 1 --truth sim/truth.tsv --out nn_poisson.model
    step fit-nn-published betseq fit nn ddg.tsv --out nn_published.model --max-epochs 2 --seed 1
    step fit-nn-default betseq fit nn simdef_ddg.tsv --layers 64,32 --max-epochs 2 --optimizer adam --batch-size 1024 \
        --truth simdef/truth.tsv --out simdef_nn.model
    step predict-nn betseq predict nn.model --all --out nn_pred.tsv
    step predict-nn-fp32 betseq predict nn_binomial.model --all --precision fp32 --threads 1 --out nn_binomial_pred.tsv
    step predict-nn-table betseq predict nn_poisson.model pho4_ddg.tsv --out nn_poisson_pred.tsv
    step predict-nn-published betseq predict nn_published.model --all --out nn_published_pred.tsv
    step predict-nn-default betseq predict simdef_nn.model --all --decimals 4 --out simdef_nn_pred.tsv

    # 6. Sweep and report (README steps 5 and 6).
    step sweep betseq simulate sweep --landscape normal:1 --design $D6 --depths 1e4:1e6:3 --replicates 2 --out sweep.tsv
    step sweep-motif betseq simulate sweep --landscape motif:cbf1 --design $D6 --depths 1e4,1e5 --replicates 2 \
        --threads 1 --out sweep_motif.tsv
    step report betseq report --ddg ddg.tsv --counts counts.tsv --model mono.json --model nn.json --model di.json \
        --model nn.model --truth sim/truth.tsv --sweep sweep.tsv --out report.html
    step report-linear betseq report --ddg pho4_ddg.tsv --model mono_g.json --model di_sz.json --title "Linear only" \
        --out report_linear.html --json report_linear_numbers.json
    step report-default betseq report --ddg simdef_ddg.tsv --model simdef_mono.json --model simdef_di.json \
        --model simdef_nn.model --truth simdef/truth.tsv --out report_default.html

    # 7. A small two-experiment study (README step 9): sheet, plan, run, summary again.
    for exp in pho4like cbf1like; do
        step "study-simulate-$exp" betseq simulate run --landscape $exp --design $D6 --depth 6e4 --duplicates 0.2 \
            --replicates 2 --lanes 2 --seed 5 --experiment-name $exp --protein-name "${exp%like}-like" --out study_reads/$exp
    done
    join_sheets study_reads study_reads/pho4like/samples.tsv study_reads/cbf1like/samples.tsv >study_reads/samples.tsv
    step run-plan betseq run plan study_reads/samples.tsv
    step run-plan-one betseq run plan pho4/samples.tsv
    step run betseq run study_reads/samples.tsv --out study --epochs 1
    mkdir -p study_summary
    cp -R study/pho4like study/cbf1like study_summary/ || true
    step run-summary betseq run summary study_reads/samples.tsv --out study_summary --threads 1

    # 8. A simulated library end to end: the small design, and the default one (4^10 species).
    step pipeline betseq pipeline --out pipe --landscape motif:pho4 --design $D6 --depth 1e5 --seed 3 --epochs 2 \
        --layers 32,16 --sweep-depths 1e4:1e6:3 --sweep-replicates 2
    step pipeline-default betseq pipeline --out pipe_default --landscape motif:pho4 --depth 1e6 --seed 3 --epochs 1 \
        --layers 64,32 --sweep-depths 1e5:1e7:3 --sweep-replicates 2

    # 9. Contact maps (README step 7): static with atoms and SVG; dynamic (explicit hydrogens);
    #    mmCIF and PDB of one entry; waters; two selections of a gzip file with hydrogens (the
    #    GetContacts references of fixtures/contacts).
    step contacts-map-static betseq contacts map ../inputs/1FMO.pdb --out map_1fmo.tsv --atoms atoms_1fmo.tsv --svg map_1fmo.svg
    step contacts-map-dynamic betseq contacts map ../inputs/1EJG.pdb --mode dynamic --out map_1ejg.tsv \
        --atoms atoms_1ejg.tsv --svg map_1ejg.svg
    step contacts-map-cif betseq contacts map ../inputs/1A8O.cif --out map_1a8o_cif.tsv --atoms atoms_1a8o_cif.tsv
    step contacts-map-pdb betseq contacts map ../inputs/1A8O.pdb --sele protein --out -
    step contacts-map-waters betseq contacts map ../inputs/1YJP.cif --out map_1yjp.tsv --atoms atoms_1yjp.tsv --svg map_1yjp.svg
    step contacts-map-chains betseq contacts map ../inputs/5Y0T_h_noANISOU.pdb.gz --sele "chain A" --sele2 "chain B" \
        --out map_5y0t_ab.tsv --atoms atoms_5y0t_ab.tsv --svg map_5y0t_ab.svg
    step contacts-map-frame betseq contacts map ../inputs/5xnd_frame0.pdb --mode dynamic --out map_5xnd.tsv --atoms atoms_5xnd.tsv

    # 10. The shipped contact network (README step 8), found through $BETSEQ_CONTACT_MODEL or named
    #     as the first argument: predict, and eval on a two-structure list with a fresh cache (in
    #     the run folder, so its entries are compared too), again from the cache, and without it.
    step contacts-predict betseq contacts predict ../inputs/1FMO.pdb --out pred_1fmo.tsv --svg pred_1fmo.svg
    step contacts-predict-model betseq contacts predict ../inputs/contacts-default.json.gz ../inputs/1A8O.cif --decimals 6 \
        --out pred_1a8o.tsv
    step contacts-eval betseq contacts eval ../inputs/eval.txt --out eval.tsv --svg eval_pr.svg
    step contacts-eval-again betseq contacts eval ../inputs/eval.txt --threads 1 --out eval_cached.tsv
    step contacts-eval-no-cache betseq contacts eval ../inputs/eval.txt --no-cache --out eval_no_cache.tsv

    # 11. `make demo` exactly (the Makefile's recipe, $(BETSEQ) = betseq, $(DEMO) = out/demo).
    rm -rf out/demo
    step demo-simulate-pho4like betseq simulate run --landscape pho4like --design $DEMO_DESIGN --depth 4e6 --duplicates 0.2 \
        --replicates 2 --lanes 2 --seed 1 --experiment-name pho4like --protein-name Pho4-like --out out/demo/reads/pho4like
    step demo-simulate-cbf1like betseq simulate run --landscape cbf1like --design $DEMO_DESIGN --depth 4e6 --duplicates 0.2 \
        --replicates 2 --lanes 2 --seed 2 --experiment-name cbf1like --protein-name Cbf1-like --out out/demo/reads/cbf1like
    join_sheets out/demo out/demo/reads/pho4like/samples.tsv out/demo/reads/cbf1like/samples.tsv >out/demo/samples.tsv
    step demo-run betseq run out/demo/samples.tsv --out out/demo/study
}

# run LABEL BINARY: the whole command list in a fresh $WORK/run with the binary at $WORK/bin/betseq;
# the run folder becomes $WORK/LABEL, the logs $WORK/LABEL-logs.
run_all() {
    local label=$1 bin=$2 start
    rm -rf "$WORK/run" "$WORK/bin/betseq"
    cp "$bin" "$WORK/bin/betseq"
    mkdir -p "$WORK/run/stdout" "$WORK/run/cache"
    LOGDIR=$WORK/$label-logs; mkdir -p "$LOGDIR"; : >"$LOGDIR/status.tsv"
    export BETSEQ_CACHE_DIR=$WORK/run/cache
    STEP=0; start=$SECONDS
    log "running the command list with the $label binary ($bin)"
    # A failing betseq command is recorded by step and the list goes on; so do the few other commands.
    (cd "$WORK/run" && commands) || log "$label: a command outside step failed (see above)"
    STEP=$(wc -l <"$LOGDIR/status.tsv")
    log "$label: $STEP commands in $((SECONDS - start)) s"
    printf -v "${label}_seconds" '%s' "$((SECONDS - start))"
    mv "$WORK/run" "$WORK/$label"
}

run_all base "$BASE_BIN"
run_all new "$NEW_BIN"

# ---- comparison ------------------------------------------------------------------------------
# Exclusions: one glob per line relative to the run folder ('*' also matches '/'), the reason
# after '#'. Lines starting with '#' are comments.
patterns=() reasons=()
if [ -f "$EXCLUDE_FILE" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
        pattern=${line%%#*}; pattern=${pattern//[[:space:]]/}
        [ -n "$pattern" ] || continue
        reason="no reason given"
        if [[ $line == *#* ]]; then reason=$(echo "${line#*#}" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'); fi
        patterns+=("$pattern"); reasons+=("$reason")
    done <"$EXCLUDE_FILE"
fi
exclusion() {   # prints the reason when $1 matches an exclusion
    local i
    for i in "${!patterns[@]}"; do
        # shellcheck disable=SC2053  # the pattern is a glob on purpose
        if [[ $1 == ${patterns[$i]} ]]; then echo "${reasons[$i]}"; return 0; fi
    done
    return 1
}

status=0 compared=0 differing=0 excluded=0
# Exit statuses, step by step.
while IFS=$'\t' read -r id base_rc new_rc; do
    if [ "$base_rc" != "$new_rc" ]; then
        echo "exit status differs: $id (base $base_rc, new $new_rc)"; status=1
        for label in base new; do
            if [ -f "$WORK/$label-logs/$id.err" ]; then tail -n 5 "$WORK/$label-logs/$id.err" | sed "s/^/    $label stderr: /"; fi
        done
    elif [ "$base_rc" != 0 ]; then
        echo "warning: $id failed with both binaries (exit $base_rc), so it checks nothing"
    fi
done < <(join -t $'\t' -a1 -a2 -e missing -o 0,1.2,2.2 <(cut -f1,2 "$WORK/base-logs/status.tsv" | sort) \
                                                        <(cut -f1,2 "$WORK/new-logs/status.tsv" | sort))

# Files: the union of both runs' files, in order.
while IFS= read -r f; do
    if reason=$(exclusion "$f"); then
        echo "excluded (expected to differ: $reason): $f"; excluded=$((excluded + 1)); continue
    fi
    if [ ! -e "$WORK/base/$f" ]; then echo "only in new: $f"; differing=$((differing + 1)); continue; fi
    if [ ! -e "$WORK/new/$f" ]; then echo "only in base: $f"; differing=$((differing + 1)); continue; fi
    compared=$((compared + 1))
    cmp -s "$WORK/base/$f" "$WORK/new/$f" || { echo "differs: $f"; differing=$((differing + 1)); }
done < <({ (cd "$WORK/base" && find . \( -type f -o -type l \) -printf '%P\n')
           (cd "$WORK/new" && find . \( -type f -o -type l \) -printf '%P\n'); } | LC_ALL=C sort -u)

[ "$differing" -eq 0 ] || status=1
if [ "$status" -eq 0 ]; then verdict="identical"; else verdict="DIFFERENT"; KEEP=${KEEP:-1}; fi
echo "identical_outputs: $verdict: $compared files compared, $differing differ, $excluded excluded;" \
     "$STEP commands; base ${base_seconds} s, new ${new_seconds} s (base: ${BASE_BETSEQ:-$BASE_REV})"
exit "$status"
