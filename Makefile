# Letterlock: the two commands a newcomer needs are `make run` and `make test`.
# Every target installs the system libraries it needs first (scripts/install-deps.sh).

SWIFT    ?= swift
# SwiftPM build folder; CI keeps its own under /tmp between runs.
SCRATCH  ?= .build
# The official test vectors (never committed): ../shared/vectors unless set.
LETTERLOCK_VECTORS ?= $(abspath ../shared/vectors)
export LETTERLOCK_VECTORS

SWIFT_BUILD_FLAGS ?=
TEST_FLAGS ?=
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(notdir $(wildcard Fuzz/Fuzz*))

.PHONY: all deps build release test run demo bench conformance fuzz fuzz-build vectors format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build --scratch-path $(SCRATCH) $(SWIFT_BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release --scratch-path $(SCRATCH) $(SWIFT_BUILD_FLAGS)

## Every test, including every official vector runner. With CI=true, missing vectors fail the run.
test: deps
	$(SWIFT) build --build-tests --scratch-path $(SCRATCH) $(SWIFT_BUILD_FLAGS)
	$(SWIFT) test --skip-build --scratch-path $(SCRATCH) $(TEST_FLAGS)
	@# Tests that measure the whole process's memory run alone, in a process of their own.
	LETTERLOCK_MEMORY_TESTS=1 $(SWIFT) test --skip-build --scratch-path $(SCRATCH) --filter RunsInBoundedMemory

## The relay on its embedded SQLite, data under ./letterlock-data.
run: deps
	@if [ ! -d Sources/LetterlockRelay ]; then \
	    echo "letterlock-relay is not built yet: see issue 3 and the README's status section." >&2; exit 1; fi
	$(SWIFT) build --scratch-path $(SCRATCH) --product letterlock-relay $(SWIFT_BUILD_FLAGS)
	$(SCRATCH)/debug/letterlock-relay --data-dir ./letterlock-data $(RUN_FLAGS)

## The newcomer's tour: a relay in-process, three people, chats, a group, a file, a blocked request.
demo: deps
	$(SWIFT) build --scratch-path $(SCRATCH) --product letterlock $(SWIFT_BUILD_FLAGS)
	$(SCRATCH)/debug/letterlock demo

## Benchmarks, release build: `make bench BENCH="pdq --json"`.
BENCH ?= --help
bench: deps
	$(SWIFT) build -c release --scratch-path $(SCRATCH) --product letterlock-bench $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build -c release --scratch-path $(SCRATCH) --product letterlock-relay $(SWIFT_BUILD_FLAGS)  # `bench relay` runs it
	$(SCRATCH)/release/letterlock-bench $(BENCH)

## Every MLS vector file through the conformance tool.
conformance: deps
	$(SWIFT) build --scratch-path $(SCRATCH) --product letterlock-conformance $(SWIFT_BUILD_FLAGS)
	@status=0; for f in $(LETTERLOCK_VECTORS)/mls/*.json; do \
	    kind=$$(basename $$f .json); case $$kind in passive-client-*) kind=passive-client;; esac; \
	    printf '%-40s ' "$$(basename $$f)"; $(SCRATCH)/debug/letterlock-conformance mls $$kind $$f --by-suite || status=1; done; \
	exit $$status

## libFuzzer targets (Fuzz/*), built with -sanitize=fuzzer into .build-fuzz, each run FUZZ_SECONDS
## on a copy of its seed corpus (Fuzz/<Target>/corpus). Crashes land in fuzz-artifacts/.
# One `swift build` per target: SwiftPM honours only the last --product of a command.
# swiftc keeps only the last -sanitize= it is given, so with fuzzer+address the Swift code would get
# no coverage instrumentation (libFuzzer: "no interesting inputs"); ask for the coverage explicitly.
FUZZ_COVERAGE := -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
fuzz-build: deps
	@set -e; for t in $(FUZZ_TARGETS); do \
	    echo "== building $$t"; \
	    LETTERLOCK_FUZZ=1 SWIFT_BACKTRACE=enable=no $(SWIFT) build --scratch-path .build-fuzz \
	        --sanitize=fuzzer --sanitize=address $(FUZZ_COVERAGE) --product $$t; \
	done

fuzz: fuzz-build
	@mkdir -p fuzz-artifacts
	@set -e; for t in $(FUZZ_TARGETS); do \
	    echo "== $$t ($(FUZZ_SECONDS) s)"; \
	    mkdir -p .build-fuzz/corpus/$$t; cp -n Fuzz/$$t/corpus/* .build-fuzz/corpus/$$t/ 2>/dev/null || true; \
	    ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no .build-fuzz/debug/$$t .build-fuzz/corpus/$$t \
	        -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=fuzz-artifacts/$$t- -print_final_stats=1 2>&1 | tail -n 12; \
	done

## Downloads the official vectors from their pinned sources (for people without ../shared).
vectors:
	@scripts/fetch-vectors.sh "$(LETTERLOCK_VECTORS)"

format:
	$(SWIFT) format --in-place --recursive Sources Tests Fuzz Package.swift

clean:
	rm -rf $(SCRATCH) .build-fuzz
