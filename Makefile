# Durable Swift: build, test and run.
SWIFT ?= swift
APT_PACKAGES := redis-server libhiredis-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build run test test-swift test-python chaos bench examples fuzz clean

## deps: install the system packages the Redis store and the Python end-to-end tests need (chromium and its driver
## for the dashboard's browser test), if missing (Debian/Ubuntu).
deps:
	@missing=""; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	pkg-config --exists hiredis 2>/dev/null || missing="$$missing libhiredis-dev"; \
	python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing="$$missing python3 python3-venv"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get install -y $$missing >/dev/null 2>&1 || { $(SUDO) apt-get update >/dev/null && $(SUDO) apt-get install -y $$missing; }; \
	fi

build: deps
	$(SWIFT) build

## run: build (release, as a user should run it) and start `durable serve` with its embedded
## redis-server (data in ./.durable) and the examples.
run: deps
	$(SWIFT) build -c release --product durable
	$$($(SWIFT) build -c release --show-bin-path)/durable serve $(ARGS)

## test: every test, against a real redis-server that the tests start themselves.
## A watchdog (scripts/run-tests.sh) ends a run that hangs, naming the unfinished tests.
test: test-swift test-python

## The chaos suite (docs/CHAOS.md) runs after the others, in its short form (about 2 minutes), so
## its timing does not compete with theirs.
test-swift: deps
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/run-tests.sh --skip DurableTaskChaosTests
	SWIFT=$(SWIFT) scripts/run-tests.sh --filter DurableTaskChaosTests

## chaos: the chaos suite in its long form (DURABLE_CHAOS=long; about 6 minutes); see docs/CHAOS.md.
chaos: deps
	$(SWIFT) build --build-tests
	DURABLE_CHAOS=long DURABLE_TEST_TIMEOUT=3600 SWIFT=$(SWIFT) scripts/run-tests.sh --filter DurableTaskChaosTests

## test-python: the Python Durable Task SDK (from PyPI, pinned, in .build/python-venv) against a
## real `durable serve` and its gRPC sidecar, on the embedded redis-server; see Tests/python.
test-python: deps
	$(SWIFT) build --product durable
	scripts/python-venv.sh
	DURABLE_BIN=$$($(SWIFT) build --show-bin-path)/durable .build/python-venv/bin/python -m pytest Tests/python

examples: build
	$(SWIFT) run FunctionChaining
	$(SWIFT) run FanOutFanIn 10
	$(SWIFT) run MonitorJobStatus
	$(SWIFT) run BudgetApproval
	$(SWIFT) run PeriodicCleanup
	$(SWIFT) run ScheduledCleanup
	$(SWIFT) run RetryFlaky
	$(SWIFT) run SubOrchestrationParent

## bench: release-build benchmarks, then start-and-wait over HTTP against the release host; see bench/README.md.
bench: deps
	$(SWIFT) run -c release --package-path bench DurableBench all
	$(SWIFT) build -c release --product durable
	python3 bench/python/http_bench.py --durable-bin $$($(SWIFT) build -c release --show-bin-path)/durable

## fuzz: the libFuzzer targets in fuzz/ (release, address sanitizer), each for FUZZ_TIME seconds
## (default 30), from the seed corpus in fuzz/corpus. New inputs go to fuzz/.build/corpus; a crash
## stops the run and is saved in fuzz/.build/artifacts (Swift's own backtracer is off: it would
## hold the crashing process, and libFuzzer reports the crash itself). See fuzz/README.md.
FUZZ_TIME ?= 30
FUZZ_TARGETS ?= FuzzJSONParser FuzzHistoryDecoding FuzzTimeCodec FuzzIdentifiers FuzzExampleInputs
# lld: gold fails with an internal error linking the sanitized executables.
FUZZ_BUILD := -c release --package-path fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
fuzz:
	$(SWIFT) build $(FUZZ_BUILD)
	@bin=$$($(SWIFT) build $(FUZZ_BUILD) --show-bin-path); \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/.build/corpus/$$t fuzz/.build/artifacts; \
	  echo "== $$t, $(FUZZ_TIME) s"; \
	  SWIFT_BACKTRACE=enable=no $$bin/$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -artifact_prefix=fuzz/.build/artifacts/$$t- \
	    fuzz/.build/corpus/$$t fuzz/corpus/$$t 2>fuzz/.build/$$t.log || { tail -40 fuzz/.build/$$t.log; exit 1; }; \
	  grep -E '^(stat::number_of_executed_units|Done)' fuzz/.build/$$t.log; \
	done

clean:
	rm -rf .build bench/.build fuzz/.build
