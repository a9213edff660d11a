# BETSeq: `make demo` and `make test` each install what is missing, build, and run.
SWIFT ?= swift
APT_PACKAGES := libgsl-dev zlib1g-dev libisal-dev libopenblas-dev pkg-config gzip
BETSEQ := .build/release/betseq
DEMO := out/demo

.PHONY: all deps build test demo clean

all: build

# Installs missing Debian packages only (idempotent; uses sudo when not root).
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) test

# The main job on embedded data: simulate a BET-seq library from the Cbf1 motif (reads included),
# count the reads, check the counts equal the simulated ones, estimate ΔΔG, compare it with the
# truth, fit a nearest-neighbour linear model (scored against the truth), and sweep the read depth.
demo: build
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BETSEQ) simulate --landscape fixtures/motifs/CBF1_MA0281.2.jaspar --depth 4e6 --duplicates 0.1 \
	  --fastq --seed 7 --out $(DEMO)/sim
	$(BETSEQ) count --out $(DEMO)/counts.tsv --summary $(DEMO)/count_summary.tsv \
	  input=$(DEMO)/sim/input.fastq.gz bound=$(DEMO)/sim/bound.fastq.gz
	@cmp $(DEMO)/counts.tsv $(DEMO)/sim/counts.tsv && \
	  echo "round trip: counting the simulated reads gives exactly the simulated counts"
	$(BETSEQ) ddg $(DEMO)/counts.tsv --bound bound --reference input --out $(DEMO)/ddg.tsv
	@awk -F'\t' 'FNR == 1 { next } NR == FNR { t[$$1] = $$2; next } \
	  { x = t[$$1]; y = $$2; n++; sx += x; sy += y; sxx += x*x; syy += y*y; sxy += x*y } \
	  END { c = sxy - sx*sy/n; printf "measured vs true ΔΔG over %d sequences: Pearson r^2 = %.3f\n", n, c*c/((sxx - sx*sx/n)*(syy - sy*sy/n)) }' \
	  $(DEMO)/sim/truth.tsv $(DEMO)/ddg.tsv
	$(BETSEQ) fit linear --features nn $(DEMO)/ddg.tsv --truth $(DEMO)/sim/truth.tsv --out $(DEMO)/nn.json \
	  --energy-matrix $(DEMO)/mono.tsv --meme $(DEMO)/mono.meme
	$(BETSEQ) simulate sweep --landscape normal:1 --depths 1e5:1e9:9 --replicates 3 --out $(DEMO)/sweep.tsv
	@echo "--- $(DEMO)/ddg.tsv (tightest binders first) ---"
	@sort -t "$$(printf '\t')" -k2,2g $(DEMO)/ddg.tsv | grep -v '^sequence' | head -5
	@echo "wrote $(DEMO)/sim/ (truth, counts, reads), counts.tsv, ddg.tsv, nn.json, mono.tsv, mono.meme, sweep.tsv, sweep.svg"

clean:
	rm -rf .build out
