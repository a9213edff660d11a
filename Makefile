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

demo: build
	@mkdir -p $(DEMO)
	$(BETSEQ) count --out $(DEMO)/counts.tsv --summary $(DEMO)/count_summary.tsv \
	  input=fixtures/demo/input.fastq.gz bound=fixtures/demo/bound.fastq.gz
	$(BETSEQ) ddg $(DEMO)/counts.tsv --bound bound --reference input --out $(DEMO)/ddg.tsv
	@echo "--- $(DEMO)/ddg.tsv (tightest binders first) ---"
	@sort -t "$$(printf '\t')" -k2,2g $(DEMO)/ddg.tsv | grep -v '^sequence' | head -5
	@echo "wrote $(DEMO)/counts.tsv, $(DEMO)/count_summary.tsv, $(DEMO)/ddg.tsv"

clean:
	rm -rf .build out
