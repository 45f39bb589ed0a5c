# Gee monorepo. `make test` is what CI runs (see .ci/run).
SHELL := /bin/bash
GO ?= go
TOOLS := $(CURDIR)/.tools
STATICCHECK_VERSION := v0.8.2
PROTOC_GEN_GO_VERSION := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.5.1
STATICCHECK := $(TOOLS)/staticcheck-$(STATICCHECK_VERSION)

# The ORM suite also runs on PostgreSQL and MariaDB when they answer on their usual local ports, for
# `make test` exactly as for CI; a DSN already set in the environment wins. Set one to "" to skip that database.
answers = $(shell timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$(1)' >/dev/null 2>&1 && echo yes)
ifeq ($(origin ORM_TEST_POSTGRES_DSN),undefined)
ifeq ($(call answers,5432),yes)
export ORM_TEST_POSTGRES_DSN := postgres://postgres@127.0.0.1:5432/test?sslmode=disable
endif
endif
ifeq ($(origin ORM_TEST_MYSQL_DSN),undefined)
ifeq ($(call answers,3306),yes)
export ORM_TEST_MYSQL_DSN := root@tcp(127.0.0.1:3306)/test?parseTime=true&multiStatements=true
endif
endif

# -race needs cgo and a C compiler; without one the tests still run, without the detector.
RACE := $(shell if [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null 2>&1; then echo -race; fi)
TEST_TIMEOUT ?= 15m
PKGS ?= ./...
# Packages whose non-race build differs (web's per-P context slots) or that check allocations, which
# -race disables: they also run once without the detector.
NORACE_PKGS ?= ./web/...
# `make bench BENCHTIME=1x` is a quick smoke run; BENCH narrows both halves (a -bench regexp).
BENCHTIME ?= 1s
BENCH ?= .

.PHONY: all test test-go test-long fmt-check vet lint staticcheck bench bench-root bench-peers build proto tools clean

all: build test

test: fmt-check vet staticcheck test-go

test-go:
	@if [ -z "$(RACE)" ]; then echo "make test: no C compiler/cgo, running WITHOUT -race (apt-get install gcc)"; fi
	@if [ -n "$$ORM_TEST_POSTGRES_DSN" ]; then echo "make test: ORM on PostgreSQL via ORM_TEST_POSTGRES_DSN"; \
	else echo "make test: PostgreSQL not on 127.0.0.1:5432 and ORM_TEST_POSTGRES_DSN unset: its ORM tests skip"; fi
	@if [ -n "$$ORM_TEST_MYSQL_DSN" ]; then echo "make test: ORM on MariaDB/MySQL via ORM_TEST_MYSQL_DSN"; \
	else echo "make test: MariaDB not on 127.0.0.1:3306 and ORM_TEST_MYSQL_DSN unset: its ORM tests skip"; fi
	$(GO) test $(RACE) -timeout $(TEST_TIMEOUT) -count=1 $(PKGS)
	@if [ -n "$(RACE)" ]; then echo "go test (no -race) $(NORACE_PKGS): the non-race build and its allocation checks"; \
		$(GO) test -timeout $(TEST_TIMEOUT) -count=1 $(NORACE_PKGS); fi
	@echo "go test -tags gee_nopin ./web/: the plain sync.Pool fallback of web's context pool"
	$(GO) test -tags gee_nopin -timeout $(TEST_TIMEOUT) -count=1 ./web/
	cd bench && $(GO) test -timeout $(TEST_TIMEOUT) -count=1 ./...

# Long chaos and soak tests live behind the `long` build tag.
test-long:
	$(GO) test $(RACE) -tags long -timeout 60m -count=1 $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)
	$(GO) vet -tags gee_nopin ./web/...
	cd bench && $(GO) vet ./...

$(STATICCHECK):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(TOOLS)/staticcheck $(STATICCHECK)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) $(PKGS)

lint: fmt-check vet staticcheck

# Root benchmarks, then the side-by-side comparisons against peers (bench/), which print ratios.
bench: bench-root bench-peers

bench-root:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchtime $(BENCHTIME) -benchmem $(PKGS)

bench-peers:
	cd bench && $(GO) run ./cmd/compare -bench '$(BENCH)' -benchtime $(BENCHTIME)

build:
	@mkdir -p bin
	@for d in cmd/*/; do \
		[ -f "$$d/main.go" ] || continue; \
		name=$$(basename $$d); echo "build bin/$$name"; \
		$(GO) build -o bin/$$name ./$$d || exit 1; \
	done

tools: $(STATICCHECK)
	GOBIN=$(TOOLS) $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(TOOLS) $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)

# Regenerates every *.pb.go from its .proto. Needs protoc (Debian: apt-get install protobuf-compiler).
proto: tools
	@command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler"; exit 1; }
	@for f in $$(git ls-files '*.proto'); do \
		echo "protoc $$f"; \
		PATH=$(TOOLS):$$PATH protoc -I. --go_out=. --go_opt=paths=source_relative \
			--go-grpc_out=. --go-grpc_opt=paths=source_relative $$f || exit 1; \
	done

clean:
	rm -rf bin $(TOOLS)
