# BETSeq: `make demo` and `make test` each install what is missing, build, and run.
SWIFT ?= swift
APT_PACKAGES := libgsl-dev zlib1g-dev libisal-dev libopenblas-dev pkg-config gzip
# The report test renders the HTML in a real browser; the workflow test runs Snakemake from PyPI
# in a virtual environment.
TEST_PACKAGES := chromium python3-venv
VENV := .venv-workflow
BETSEQ := .build/release/betseq
DEMO := out/demo

.PHONY: all deps build test workflow-test demo fuzz clean

all: build

# Installs missing Debian packages only (idempotent; uses sudo when not root).
deps:
	@missing=""; \
	for p in $(APT_PACKAGES) $(EXTRA_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release

test:
	@$(MAKE) --no-print-directory deps EXTRA_PACKAGES="$(TEST_PACKAGES)"
	$(SWIFT) test
	@$(MAKE) --no-print-directory workflow-test

# Snakemake ≥ 9 and the Slurm executor plugin, from PyPI, in a virtual environment of their own.
$(VENV)/bin/snakemake:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q "snakemake>=9,<10" snakemake-executor-plugin-slurm

# The same two-experiment study through `betseq run` and through Snakemake with --cores 2 must
# give the same files; the Slurm profile must plan the same jobs (dry run).
workflow-test: $(VENV)/bin/snakemake
	$(SWIFT) build --product betseq
	bash workflow/test.sh .build/debug/betseq $(VENV)/bin/snakemake

# The main job on embedded data: a simulated study of two proteins built in (`--landscape`), a
# Pho4-like one that is nearly additive and a Cbf1-like one with nearest-neighbour and gapped
# couplings, each with two replicates whose fractions were sequenced in two lanes (8-base flanks,
# 4 M reads per replicate). `betseq run` counts the 16 FASTQ files, estimates ΔΔG, fits mono, nn
# and di models and a network per protein, writes their reports and out/demo/study/summary.html.
DEMO_DESIGN := UUUUUUATCNNNNCACGTGNNNNCTAUUUUUU
demo: build
	@rm -rf $(DEMO)
	$(BETSEQ) simulate run --landscape pho4like --design $(DEMO_DESIGN) --depth 4e6 --duplicates 0.2 \
	    --replicates 2 --lanes 2 --seed 1 --experiment-name pho4like --protein-name Pho4-like --out $(DEMO)/reads/pho4like
	$(BETSEQ) simulate run --landscape cbf1like --design $(DEMO_DESIGN) --depth 4e6 --duplicates 0.2 \
	    --replicates 2 --lanes 2 --seed 2 --experiment-name cbf1like --protein-name Cbf1-like --out $(DEMO)/reads/cbf1like
	@# One sheet for both: the header betseq wrote, then each experiment's rows with their paths
	@# made relative to the joint sheet.
	@awk -F'\t' -v OFS='\t' -v root='$(DEMO)/' 'FNR == 1 { if (NR == 1) print; next } \
	    { d = substr(FILENAME, length(root) + 1); sub(/samples\.tsv$$/, "", d); $$4 = d $$4; print }' \
	    $(DEMO)/reads/pho4like/samples.tsv $(DEMO)/reads/cbf1like/samples.tsv > $(DEMO)/samples.tsv
	$(BETSEQ) run $(DEMO)/samples.tsv --out $(DEMO)/study

# libFuzzer targets (reads, designs and samples, tables, model files, structures) with the address
# sanitizer, each for FUZZ_SECONDS (default 60) from fuzz/corpus; any crash, leak or timeout fails.
# FUZZ_RUNS=N runs N inputs from a fixed seed instead (a reproducible smoke test).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) bash fuzz/run.sh

clean:
	rm -rf .build .build-fuzz out $(VENV)
