#!/usr/bin/env python3
"""Tries bad inputs on every betseq command (the option pass of issue 14): prints command, input,
exit status and the last line of stderr, tab-separated. Outputs go to o/ in the work folder."""
import os, subprocess, sys, shutil
# Usage: python3 bench/hardening_probe.py [BETSEQ] [WORKDIR]  (prints command, input, exit, message)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/betseq")
WORK = sys.argv[2] if len(sys.argv) > 2 else "/tmp/betseq-probe"
os.makedirs(WORK, exist_ok=True)
os.chdir(WORK)
D = "UUUUUUUUNNNNCACGTGNNNNAGATCGGAAG"
if not os.path.exists("ddg.tsv"):
    # Valid inputs to break: a simulation with reads, its ddg, a linear and a neural model, a contact model.
    def ok(*args):
        subprocess.run([B, *args], check=True, capture_output=True)
    ok("simulate", "run", "--design", D, "--depth", "40000", "--fastq", "--out", "sim")
    ok("ddg", "sim/counts.tsv", "--bound", "bound", "--reference", "input", "--out", "ddg.tsv")
    ok("fit", "linear", "ddg.tsv", "--design", D, "--out", "mono.json")
    ok("fit", "nn", "ddg.tsv", "--max-epochs", "2", "--out", "nn.model")
    open("list.txt", "w").write(os.path.join(ROOT, "fixtures/structures/1A8O.pdb") + "\n")
    ok("contacts", "train", "--train", "list.txt", "--out", "c.model", "--max-epochs", "2", "--layers", "1", "--heads", "1", "--hidden", "4")
    lines = subprocess.run(["sh", "-c", "gzip -dc sim/input.fastq.gz | head -400"], capture_output=True, text=True).stdout
    open("a.fq", "w").write(lines)
    open("nonl.fq", "w").write(lines[:-1])
    with open("sim/counts.tsv") as f, open("sim/counts2.tsv", "w") as g:
        for i, line in enumerate(f):
            g.write(line.rstrip("\n") + ("\tzero\n" if i == 0 else "\t0\n"))
    open("seqs1.txt", "w").write("ACGTACGT\n")
    open("trunc.fq.gz", "wb").write(open("sim/input.fastq.gz", "rb").read()[:200])
open("empty.tsv", "w").close()
open("header.tsv", "w").write("sequence\tinput\tbound\n")
open("bin.dat", "wb").write(bytes(range(256)) * 4)
open("crlf.tsv", "w").write("sequence\tinput\tbound\r\nAAAAAAAA\t1\t2\r\n")
open("neg.tsv", "w").write("sequence\tinput\tbound\nAAAAAAAA\t-3\t2\n")
open("frac.tsv", "w").write("sequence\tinput\tbound\nAAAAAAAA\t1.5\t2\n")
open("nan.tsv", "w").write("sequence\tddg\tse\nAAAAAAAA\tnan\t1\nAAAAAAAC\t1\t1\n")
open("bigse.tsv", "w").write("sequence\tddg\tse\nAAAAAAAA\t1\t1e400\nAAAAAAAC\t1\t1\n")
open("ragged.tsv", "w").write("sequence\tinput\tbound\nAAAAAAAA\t1\n")
open("notfastq.fq", "w").write("@r1\nACGT\n+\nII\n")
open("trunc.fq.gz", "wb").write(open("sim/input.fastq.gz", "rb").read()[:200])
open("fasta.fa", "w").write(">x\nACGT\n")
open("badlist.txt", "w").write("nothere.pdb\n")
open("emptylist.txt", "w").write("# nothing\n")
open("garbage.pdb", "w").write("HELLO WORLD\n")
open("badmodel.json", "w").write("{\"format\": \"betseq-linear-model\"}")
open("notjson.json", "w").write("{{{")
os.makedirs("adir", exist_ok=True)
os.makedirs("o", exist_ok=True)

cases = []
def case(cmd, label, args, stdin=None):
    cases.append((cmd, label, args, stdin))

# count
S = "s=sim/input.fastq.gz"
for label, a in [
    ("no samples", []),
    ("sample without '='", ["sim/input.fastq.gz"]),
    ("empty name", ["=sim/input.fastq.gz"]),
    ("name with tab", ["a\tb=sim/input.fastq.gz"]),
    ("same name twice", [S, S]),
    ("same file twice in a sample", ["s=sim/input.fastq.gz,sim/input.fastq.gz"]),
    ("missing file", ["s=nothere.fq"]),
    ("a directory", ["s=adir"]),
    ("binary file", ["s=bin.dat"]),
    ("truncated gzip", ["s=trunc.fq.gz"]),
    ("quality shorter than sequence", ["s=notfastq.fq"]),
    ("empty file", ["s=empty.tsv"]),
    ("--design garbage", [S, "--design", "XYZ"]),
    ("--design without N", [S, "--design", "ACGTACGT"]),
    ("--design 40 N", [S, "--design", "N" * 40]),
    ("--max-mismatches -1", [S, "--max-mismatches=-1"]),
    ("--max-mismatches 20", [S, "--max-mismatches", "20"]),
    ("--min-mean-quality nan", [S, "--min-mean-quality", "nan"]),
    ("--min-mean-quality 100", [S, "--min-mean-quality", "100"]),
    ("--min-base-quality -5", [S, "--min-base-quality=-5"]),
    ("--qc-offsets bogus", [S, "--qc-offsets", "bogus"]),
    ("--out in missing folder", [S, "--out", "nodir/x.tsv"]),
    ("--out a directory", [S, "--out", "adir"]),
    ("--out == --summary", [S, "--out", "o/x.tsv", "--summary", "o/x.tsv"]),
    ("--out is the input", ["s=o/in.fq", "--out", "o/in.fq"]),
    ("--out is a symlink to the input", ["s=o/in.fq", "--out", "o/in-link.fq"]),
    ("--summary is a hard link to the input", ["s=o/in.fq", "--out", "o/x.tsv", "--summary", "o/in-hard.fq"]),
]:
    case("count", label, a + ([] if "--out" in a else ["--out", "o/x.tsv"]))
# ddg
for label, a in [
    ("missing table", ["nothere.tsv", "--bound", "bound", "--reference", "input"]),
    ("empty table", ["empty.tsv", "--bound", "bound", "--reference", "input"]),
    ("header only", ["header.tsv", "--bound", "bound", "--reference", "input"]),
    ("binary table", ["bin.dat", "--bound", "bound", "--reference", "input"]),
    ("negative count", ["neg.tsv", "--bound", "bound", "--reference", "input"]),
    ("fractional count", ["frac.tsv", "--bound", "bound", "--reference", "input"]),
    ("ragged row", ["ragged.tsv", "--bound", "bound", "--reference", "input"]),
    ("CRLF line ends", ["crlf.tsv", "--bound", "bound", "--reference", "input"]),
    ("absent column", ["sim/counts.tsv", "--bound", "nope", "--reference", "input"]),
    ("--bound X --reference X", ["sim/counts.tsv", "--bound", "bound", "--reference", "bound"]),
    ("unequal replicate lists", ["sim/counts.tsv", "--bound", "bound,bound", "--reference", "input"]),
    ("--rt 0", ["sim/counts.tsv", "--bound", "bound", "--reference", "input", "--rt", "0"]),
    ("--rt -1", ["sim/counts.tsv", "--bound", "bound", "--reference", "input", "--rt=-1"]),
    ("--rt nan", ["sim/counts.tsv", "--bound", "bound", "--reference", "input", "--rt", "nan"]),
    ("--rt and --temperature", ["sim/counts.tsv", "--bound", "bound", "--reference", "input", "--rt", "0.6", "--temperature", "300"]),
    ("--temperature -10", ["sim/counts.tsv", "--bound", "bound", "--reference", "input", "--temperature=-10"]),
    ("--pseudocount -1", ["sim/counts.tsv", "--bound", "bound", "--reference", "input", "--pseudocount=-1"]),
    ("--pseudocount inf", ["sim/counts.tsv", "--bound", "bound", "--reference", "input", "--pseudocount", "inf"]),
    ("--out is the input", ["sim/counts.tsv", "--bound", "bound", "--reference", "input", "--out", "sim/counts.tsv"]),
]:
    case("ddg", label, a + ([] if "--out" in a else ["--out", "o/d.tsv"]))
# simulate run
for label, a in [
    ("--landscape bogus", ["--landscape", "bogus"]),
    ("--landscape normal:-1", ["--landscape", "normal:-1"]),
    ("--landscape normal:1e308", ["--landscape", "normal:1e308"]),
    ("--landscape normal:nan", ["--landscape", "normal:nan"]),
    ("--landscape binary file", ["--landscape", "bin.dat"]),
    ("--landscape missing file", ["--landscape", "nothere.tsv"]),
    ("--landscape table with NaN", ["--landscape", "nan.tsv"]),
    ("--landscape motif:nope", ["--landscape", "motif:nope"]),
    ("--protein 0", ["--protein", "0"]),
    ("--protein -5", ["--protein=-5"]),
    ("--protein inf", ["--protein", "inf"]),
    ("--library 0", ["--library", "0"]),
    ("--kd-ref -1", ["--kd-ref=-1"]),
    ("--kd-ref nan", ["--kd-ref", "nan"]),
    ("--input-bias -1", ["--input-bias=-1"]),
    ("--rt 0", ["--rt", "0"]),
    ("--depth 0", ["--depth", "0"]),
    ("--depth -5", ["--depth=-5"]),
    ("--depth 1e20", ["--depth", "1e20"]),
    ("--depth 1.5", ["--depth", "1.5"]),
    ("--duplicates 0.5", ["--duplicates", "0.5"]),
    ("--duplicates nan", ["--duplicates", "nan"]),
    ("--phred-profile missing", ["--fastq", "--errors", "--phred-profile", "nothere.tsv"]),
    ("--phred-profile garbage", ["--fastq", "--errors", "--phred-profile", "bin.dat"]),
    ("--seed -1", ["--seed=-1"]),
    ("--out is a file", ["--out", "empty.tsv"]),
    ("--design without N", ["--design", "ACGT"]),
    ("--landscape is the output's truth.tsv", ["--landscape", "sim/truth.tsv", "--out", "sim"]),
]:
    args = ["--design", D, "--depth", "2000"] + a
    if "--out" not in a: args += ["--out", "o/sim"]
    case("simulate run", label, args)
# simulate sweep
for label, a in [
    ("--depths 1e20", ["--depths", "1e20"]),
    ("--depths 0", ["--depths", "0"]),
    ("--depths -5", ["--depths=-5"]),
    ("--depths empty", ["--depths", ""]),
    ("--depths 1e5:1e3", ["--depths", "1e5:1e3"]),
    ("--depths 1:1e30", ["--depths", "1:1e30"]),
    ("--depths abc", ["--depths", "abc"]),
    ("--replicates 0", ["--depths", "1e3", "--replicates", "0"]),
    ("--replicates 1e9", ["--depths", "1e3", "--replicates", "1000000000"]),
    ("--threads 0", ["--depths", "1e3", "--threads", "0"]),
    ("--threads 100000", ["--depths", "1e3", "--threads", "100000"]),
]:
    case("simulate sweep", label, ["--design", D] + a + ["--out", "o/sweep.tsv"])
# fit linear
for label, a in [
    ("missing table", ["nothere.tsv"]),
    ("table of NaN target", ["nan.tsv"]),
    ("se overflowing", ["bigse.tsv"]),
    ("--target absent", ["ddg.tsv", "--target", "nope"]),
    ("--ridge -1", ["ddg.tsv", "--ridge=-1"]),
    ("--ridge nan", ["ddg.tsv", "--ridge", "nan"]),
    ("--split 0.5,0.6,0.1", ["ddg.tsv", "--split", "0.5,0.6,0.1"]),
    ("--split=-1,1,1", ["ddg.tsv", "--split=-1,1,1"]),
    ("--split abc", ["ddg.tsv", "--split", "abc"]),
    ("--folds 1", ["ddg.tsv", "--folds", "1"]),
    ("--folds 100000", ["ddg.tsv", "--folds", "100000"]),
    ("--folds with --split", ["ddg.tsv", "--folds", "5", "--split", "0.8,0.1,0.1"]),
    ("--reference-base X", ["ddg.tsv", "--reference-base", "X"]),
    ("--bound without --reference", ["sim/counts.tsv", "--bound", "bound"]),
    ("--rt -1 with counts", ["sim/counts.tsv", "--bound", "bound", "--reference", "input", "--rt=-1"]),
    ("--truth missing", ["ddg.tsv", "--truth", "nothere.tsv"]),
    ("--se-column absent", ["ddg.tsv", "--se-column", "nope"]),
    ("--energy-matrix to a directory", ["ddg.tsv", "--energy-matrix", "adir"]),
    ("--meme same as --out", ["ddg.tsv", "--meme", "o/m.json"]),
]:
    case("fit linear", label, a + ["--design", D, "--out", "o/m.json"])
# fit nn
for label, a in [
    ("--lr -1", ["--lr=-1"]), ("--lr 0", ["--lr", "0"]), ("--lr nan", ["--lr", "nan"]), ("--lr 1e30", ["--lr", "1e30"]),
    ("--momentum 5", ["--momentum", "5"]), ("--momentum -0.1", ["--momentum=-0.1"]),
    ("--weight-decay -1", ["--weight-decay=-1"]),
    ("--batch-size 0", ["--batch-size", "0"]), ("--batch-size 1e12", ["--batch-size", "1000000000000"]),
    ("--max-epochs 0", ["--max-epochs", "0"]), ("--patience -1", ["--patience=-1"]),
    ("--target-noise -1", ["--target-noise=-1"]),
    ("--layers 100000000", ["--layers", "100000000"]), ("--layers 0", ["--layers", "0"]),
    ("--layers ''", ["--layers", ""]), ("--layers 10,-3", ["--layers", "10,-3"]),
    ("--dropout 1", ["--dropout", "1"]), ("--dropout -0.5", ["--dropout=-0.5"]),
    ("--threads 0", ["--threads", "0"]), ("--rt 0", ["--rt", "0"]),
    ("count mode without --bound", ["--likelihood", "poisson"]),
    ("--truth missing", ["--truth", "nothere.tsv"]),
]:
    case("fit nn", label, ["ddg.tsv"] + a + ["--max-epochs", "1", "--out", "o/n.model"] if "--max-epochs" not in a else ["ddg.tsv"] + a + ["--out", "o/n.model"])
case("fit nn", "table with NaN ddg", ["nan.tsv", "--out", "o/n.model"])
case("fit nn", "bound column all zero", ["sim/counts2.tsv", "--likelihood", "poisson", "--bound", "zero", "--reference", "input", "--out", "o/n.model"])
# predict
for label, a in [
    ("missing model", ["nothere.json", "--all"]),
    ("binary model", ["bin.dat", "--all"]),
    ("model JSON without fields", ["badmodel.json", "--all"]),
    ("not JSON", ["notjson.json", "--all"]),
    ("--all and a table", ["mono.json", "seqs1.txt", "--all"]),
    ("neither --all nor a table", ["mono.json"]),
    ("table without a sequence column", ["mono.json", "seqs1.txt"]),
    ("sequences of the wrong length", ["mono.json", "ddg.tsv.short"]),
    ("--decimals -1", ["mono.json", "--all", "--decimals=-1"]),
    ("--decimals 20", ["mono.json", "--all", "--decimals", "20"]),
    ("--threads 0", ["nn.model", "--all", "--threads", "0"]),
    ("--precision bf16 on a linear model", ["mono.json", "--all", "--precision", "bf16"]),
    ("--precision fp8", ["nn.model", "--all", "--precision", "fp8"]),
    ("a contact model", ["c.model", "--all"]),
]:
    case("predict", label, a + ["--out", "o/p.tsv"])
open("ddg.tsv.short", "w").write("sequence\nACGT\n")
# report
for label, a in [
    ("no inputs", []),
    ("missing --ddg", ["--ddg", "nothere.tsv"]),
    ("--ddg is a count table", ["--ddg", "sim/counts.tsv"]),
    ("--counts with -3", ["--ddg", "ddg.tsv", "--counts", "neg.tsv"]),
    ("--model binary", ["--ddg", "ddg.tsv", "--model", "bin.dat"]),
    ("--model of another length", ["--ddg", "ddg.tsv", "--model", "c.model"]),
    ("--sweep garbage", ["--ddg", "ddg.tsv", "--sweep", "bin.dat"]),
    ("--truth without ddg_true", ["--ddg", "ddg.tsv", "--truth", "ddg.tsv"]),
    ("--json same as --out", ["--ddg", "ddg.tsv", "--json", "o/r.html"]),
    ("--threads 0", ["--ddg", "ddg.tsv", "--threads", "0"]),
]:
    case("report", label, a + ["--out", "o/r.html"])
# pipeline
for label, a in [
    ("--epochs 0", ["--epochs", "0"]), ("--depth 20", ["--depth", "20"]),
    ("--sweep-depths 1e20", ["--sweep-depths", "1e20"]), ("--sweep-replicates 0", ["--sweep-replicates", "0"]),
    ("--layers 0", ["--layers", "0"]), ("--batch-size 0", ["--batch-size", "0"]),
("--landscape bogus", ["--landscape", "bogus"]),
    ("--design XYZ", ["--design", "XYZ"]), ("--threads 0", ["--threads", "0"]),
    ("--out is a file", ["--out", "empty.tsv"]),
]:
    args = a + ([] if "--out" in a else ["--out", "o/pipe"])
    case("pipeline", label, args)
# contacts
P = os.path.join(ROOT, "fixtures/structures/1A8O.pdb")
for label, a in [
    ("missing file", ["nothere.pdb"]), ("a directory", ["adir"]), ("garbage", ["garbage.pdb"]),
    ("binary", ["bin.dat"]), ("empty", ["empty.tsv"]),
    ("--sele absent chain", [P, "--sele", "chain Z"]), ("--sele bad syntax", [P, "--sele", "chain ("]),
    ("--sele2 absent", [P, "--sele2", "resname XYZ"]),
    ("--model 0", [P, "--model", "0"]), ("--model 99", [P, "--model", "99"]),
    ("--atoms same as --out", [P, "--atoms", "o/c.tsv"]),
]:
    case("contacts map", label, a + ["--out", "o/c.tsv"])
for label, a in [
    ("missing list", ["--train", "nothere.txt"]), ("list naming a missing file", ["--train", "badlist.txt"]),
    ("empty list", ["--train", "emptylist.txt"]),
    ("--lr nan", ["--train", "list.txt", "--lr", "nan"]), ("--lr inf", ["--train", "list.txt", "--lr", "inf"]),
    ("--lr 1e30", ["--train", "list.txt", "--lr", "1e30"]), ("--lr 10", ["--train", "list.txt", "--lr", "10"]),
    ("--layers 0", ["--train", "list.txt", "--layers", "0"]), ("--heads 0", ["--train", "list.txt", "--heads", "0"]),
    ("--hidden 100000", ["--train", "list.txt", "--hidden", "100000"]),
    ("--max-epochs 0", ["--train", "list.txt", "--max-epochs", "0"]),
    ("--time-budget -1", ["--train", "list.txt", "--time-budget=-1"]),
    ("--eval-every 0", ["--train", "list.txt", "--eval-every", "0"]),
    ("--patience 0", ["--train", "list.txt", "--patience", "0"]),
    ("--missing-weight -1", ["--train", "list.txt", "--missing-weight=-1"]),
    ("--threads 0", ["--train", "list.txt", "--threads", "0"]),
    ("--batch 0", ["--train", "list.txt", "--batch", "0"]), ("--batch 5000", ["--train", "list.txt", "--batch", "5000"]),
    ("--negative-fraction 0", ["--train", "list.txt", "--negative-fraction", "0"]),
    ("--negative-fraction nan", ["--train", "list.txt", "--negative-fraction", "nan"]),
    ("--negative-fraction 2", ["--train", "list.txt", "--negative-fraction", "2"]),
    ("--local-separation -1", ["--train", "list.txt", "--local-separation=-1"]),
    ("--chain-layers 65", ["--train", "list.txt", "--chain-layers", "65"]),
    ("--cache and --no-cache", ["--train", "list.txt", "--cache", "o/cache", "--no-cache"]),
    ("--cache inside a file", ["--train", "list.txt", "--cache", "bin.dat/cache"]),
]:
    case("contacts train", label, a + ["--max-epochs", "1", "--out", "o/c.model"] if "--max-epochs" not in a else a + ["--out", "o/c.model"])
for label, a in [
    ("missing model", ["nothere.model", P]), ("linear model given", ["mono.json", P]),
    ("binary model", ["bin.dat", P]), ("garbage structure", ["c.model", "garbage.pdb"]),
    ("--decimals -1", ["c.model", P, "--decimals=-1"]), ("--decimals 30", ["c.model", P, "--decimals", "30"]),
    ("model both positional and --model", ["c.model", P, "--model", "c.model"]), ("three positionals", ["c.model", P, P]),
    ("--model missing", [P, "--model", "nothere.model"]),
]:
    case("contacts predict", label, a + ["--out", "o/cp.tsv"])
for label, a in [
    ("empty list", ["c.model", "emptylist.txt"]), ("list naming a missing file", ["c.model", "badlist.txt"]),
    ("binary model", ["bin.dat", "list.txt"]), ("--threads 0", ["list.txt", "--threads", "0"]),
]:
    case("contacts eval", label, a + ["--out", "o/ce.tsv"])
for label, a in [
    ("missing list", ["nothere.txt"]), ("empty list", ["emptylist.txt"]), ("list naming a missing file", ["badlist.txt"]),
    ("--shard 0/2", ["list.txt", "--shard", "0/2"]), ("--shard 3/2", ["list.txt", "--shard", "3/2"]),
    ("--shard x", ["list.txt", "--shard", "x"]), ("--shard 1/0", ["list.txt", "--shard", "1/0"]),
    ("--manifest is the list", ["list.txt", "--manifest", "list.txt"]), ("--threads 0", ["list.txt", "--threads", "0"]),
    ("--cache inside a file", ["list.txt", "--cache", "bin.dat/cache"]),
]:
    case("contacts prepare", label, a + ([] if "--cache" in a else ["--cache", "o/cache"]))

for label, text in [("missing file", None), ("empty sheet", ""), ("unknown column", "experiment\treplicate\tfraction\tfile\n"),
                    ("fraction typo", "experiment\treplicate\tfraction\tfastq\ne\t1\tbond\ta.fq\n"),
                    ("no reference reads", "experiment\treplicate\tfraction\tfastq\ne\t1\tbound\ta.fq\n"),
                    ("a FASTQ listed twice", "experiment\treplicate\tfraction\tfastq\ne\t1\tbound\ta.fq\ne\t1\tinput\ta.fq\n"),
                    ("a FASTQ that does not exist", "experiment\treplicate\tfraction\tfastq\ne\t1\tbound\ta.fq\ne\t1\tinput\tnothere.fq\n"),
                    ("design differs within an experiment", "experiment\treplicate\tfraction\tfastq\tdesign\ne\t1\tbound\ta.fq\tNNCACGTGNN\ne\t1\tinput\tnonl.fq\tNNNCACGTGNNN\n"),
                    ("experiment name with a slash", "experiment\treplicate\tfraction\tfastq\na/b\t1\tbound\ta.fq\n")]:
    name = "sheet_" + label.replace(" ", "_") + ".tsv"
    if text is not None: open(name, "w").write(text)
    cases.append(("run", "sheet: " + label, [name if text is not None else "nosheet.tsv", "--out", "o/run"], None))
cases.append(("run", "--epochs 0", ["sheet_no_reference_reads.tsv", "--epochs", "0", "--out", "o/run"], None))
cases.append(("count merge", "not a shard", ["s=a.fq", "--out", "o/m.tsv"], None))
cases.append(("count merge", "truncated shard", ["s=trunc.shard", "--out", "o/m.tsv"], None))
cases.append(("count", "--shard with two samples", ["a=a.fq", "b=a.fq", "--shard", "o/x.shard"], None))
cases.append(("count", "neither --out nor --shard", ["a=a.fq"], None))
open("trunc.shard", "wb").write(open(os.path.join(ROOT, "fuzz/corpus/tables/small.shard"), "rb").read()[:-3])
open("o/in.fq", "wb").write(open("sim/input.fastq.gz", "rb").read())
for l in ("o/in-link.fq", "o/in-hard.fq"):
    if os.path.lexists(l): os.remove(l)
os.symlink("in.fq", "o/in-link.fq"); os.link("o/in.fq", "o/in-hard.fq")
for cmd, label, args, stdin in cases:
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
    try:
        r = subprocess.run([B] + cmd.split() + args, capture_output=True, text=True, timeout=120, env=env)
        code = r.returncode
        msg = [l for l in r.stderr.strip().splitlines() if l.strip()]
        msg = msg[-1] if msg else "(no message)"
        if code == 64 and "Usage:" in r.stderr:
            m = [l for l in r.stderr.splitlines() if l.startswith("Error:")]
            msg = m[0] if m else msg
    except subprocess.TimeoutExpired:
        code, msg = "TIMEOUT", ""
    print(f"{cmd}\t{label}\t{code}\t{msg[:200]}")
