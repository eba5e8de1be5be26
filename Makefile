# lucet: WebAssembly ahead-of-time compiler and sandboxed runtime.
GO       ?= go
BIN      := bin
CMDS     := lucetc lucet-run lucet-objdump lucet-validate lucet-bench
# urfave/cli's man-page/markdown generator (and its markdown library, whose
# init alone costs ~2 ms of every run) is not needed by the tools.
GOFLAGS_BUILD := -tags urfave_cli_no_docs
# --version prints the VCS revision from the build info; say auto explicitly
# because a GOFLAGS=-buildvcs=false in the environment would drop it.
GOFLAGS_BUILD += -buildvcs=auto
# No cgo in the product: static binaries, no dynamic loader at start-up.
export CGO_ENABLED := 0
# The spec testsuite (wast2json output); see scripts/fetch-testsuite.sh.
LUCET_TESTSUITE ?= $(abspath ../shared/testsuite)
export LUCET_TESTSUITE

.PHONY: all build test vet demo bench soak fuzz clean test-go-wasip1 wasi-testsuite difftest

all: build

# lucet-run's default GODEBUG is its main package's (the //go:debug lines,
# as go list reports them) and memprofilerate=0, which //go:debug does not
# accept: the runtime samples the first allocation of every Go program for
# the heap profile (in its own start, before any setting of the program's
# can turn sampling off; m0's random state is not seeded yet), a stack
# walk and a 1.4 MB bucket table, ~2% of lucet-run hello.so's start, and
# nothing in lucet reads a heap profile. And profstackdepth=0 (not
# accepted either): the runtime gives every thread two ~1 KiB stack
# buffers for the block, mutex and heap profiles, none of which lucet-run
# records (2 fewer page faults a run of hello.so). This -X comes after the
# go command's own and replaces it, hence the go list. (e2e builds it so
# too.)
comma := ,
RUN_GODEBUG = $(shell $(GO) list -f '{{.DefaultGODEBUG}}' ./cmd/lucet-run)
RUN_LDFLAGS = -X=runtime.godebugDefault=$(if $(RUN_GODEBUG),$(RUN_GODEBUG)$(comma))memprofilerate=0$(comma)profstackdepth=0

build:
	@mkdir -p $(BIN)
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN)/ $(addprefix ./cmd/,$(filter-out lucet-run,$(CMDS)))
	$(GO) build $(GOFLAGS_BUILD) -ldflags='$(RUN_LDFLAGS)' -o $(BIN)/ ./cmd/lucet-run

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l . )" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

# Every test, the spec testsuite included. Fuzz seeds run as plain tests.
test: vet build
	$(GO) test -count=1 -timeout 20m ./...

# The best the project can do so far.
demo: build
	@scripts/demo.sh

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...

# 1,000,000 instantiate + _start + close cycles through lucet.Pool on 8
# goroutines, per layout; fails if RSS grows more than 5% after the first
# 10,000 or mappings or descriptors leak (BenchmarkSoak). Not in test: slow.
soak:
	$(GO) test -run '^$$' -bench Soak -benchtime 1000000x -timeout 30m .

# A few minutes of coverage-guided fuzzing of each parser.
fuzz:
	scripts/fuzz.sh

clean:
	rm -rf $(BIN)

# Go's standard-library tests for wasip1 under lucet-run (slow; not in test).
test-go-wasip1: build
	scripts/test-go-wasip1.sh

# The WASI testsuite (github.com/WebAssembly/wasi-testsuite, branch
# prod/testsuite-base: prebuilt tests) under lucet-run, wasip1 only. Not in
# test: the suite is third-party and not vendored; point WASI_TESTSUITE at a
# checkout.
wasi-testsuite: build
	@if [ -z "$(WASI_TESTSUITE)" ]; then echo "WASI_TESTSUITE is not set (a wasi-testsuite checkout); skipping"; else scripts/wasi-testsuite.sh "$(WASI_TESTSUITE)"; fi

# Random modules (binaryen's wasm-opt -ttf and internal/wasmgen) under
# lucet -O 0/-O 2, guard and explicit bounds, host, baseline and
# SSE4.1-only features, fuel metering, and wasmtime; every
# difference, crash or hang is a finding (scripts/difftest/main.go). Not
# in test: it links wasmtime with cgo. DIFFTEST_N modules from seed
# DIFFTEST_FROM.
DIFFTEST_N ?= 2000
DIFFTEST_FROM ?= 0
difftest:
	CGO_ENABLED=1 scripts/difftest.sh -from $(DIFFTEST_FROM) -n $(DIFFTEST_N) -out difftest-out
