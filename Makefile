# touchaudit developer tasks.
#
#   make run     the demo on this machine (embedded store, local Step Functions engine)
#   make test    everything CI checks (.ci/run calls it); under 10 minutes on 2 cores
#   make build   every functions/<name> to build/<name>/bootstrap for Lambda (linux/arm64)
#   make bench | lint | clean
#
# SAM calls build-<LogicalId> (BuildMethod: makefile) with ARTIFACTS_DIR set.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO ?= go
# Every directory under functions/ is one Lambda function.
FUNCTIONS := $(patsubst functions/%/,%,$(wildcard functions/*/))
# Static, stripped, without the legacy RPC mode provided.al2023 never uses,
# and without net/http's bundled HTTP/2 (nethttpomithttp2: about 140 kB
# zipped; the Runtime API and the AWS endpoints these functions call speak
# HTTP/1.1), and with inlining off (-l) outside the runtime, the internal
# packages, the crypto primitives, sync and math: about 280 kB zipped; what
# the functions do is network-bound (README "Lambda bundles and cold
# starts"). internal/lambdart.BuildFlags must say the same.
LAMBDA_GCFLAGS := -gcflags=all=-l -gcflags=runtime/...= -gcflags=internal/...= -gcflags=crypto/internal/...= \
	-gcflags=vendor/golang.org/x/crypto/...= -gcflags=sync/...= -gcflags=math/...=
LAMBDA_FLAGS := -trimpath -ldflags='-s -w' $(LAMBDA_GCFLAGS) -tags lambda.norpc,nethttpomithttp2
LAMBDA_ENV := GOOS=linux GOARCH=arm64 CGO_ENABLED=0
# Per test binary; `make test` as a whole must stay under 10 minutes.
TEST_TIMEOUT ?= 8m
# Packages that run the store contract suite (internal/storetest): against
# moto_server (dynamo) and against the embedded store (memstore).
CONTRACT_PKGS := $(patsubst %,./%,$(wildcard internal/dynamo internal/memstore))
ASL_FILES := $(wildcard statemachines/*.asl.json)

.PHONY: help build run test vet staticcheck gotest contract cfn-lint asl-validate bench lint fmt-check clean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

# ------------------------------------------------------------------ build ----

# One `go build` for every function (it links them in parallel), then each
# bootstrap's size as Lambda receives it: deflated at level 9, as in the
# deployment zip (within a few hundred bytes). Over MAX_ZIP_BYTES fails.
MAX_ZIP_BYTES := 3000000

build:
	@rm -rf build/.bin && mkdir -p build/.bin
	@echo "go build ./functions/... -> build/<name>/bootstrap (linux/arm64)"
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o build/.bin/ $(patsubst %,./functions/%,$(FUNCTIONS))
	@over=0; printf '%-18s %10s %10s\n' function bootstrap zipped; \
	for fn in $(FUNCTIONS); do \
		mkdir -p build/$$fn && mv build/.bin/$$fn build/$$fn/bootstrap; \
		raw=$$(wc -c < build/$$fn/bootstrap); zipped=$$(gzip -9 -c build/$$fn/bootstrap | wc -c); \
		mark=""; if [ $$zipped -gt $(MAX_ZIP_BYTES) ]; then mark="  over $(MAX_ZIP_BYTES)"; over=1; fi; \
		printf '%-18s %10d %10d%s\n' $$fn $$raw $$zipped "$$mark"; \
	done; rmdir build/.bin; \
	if [ $$over = 1 ]; then echo "make build: a function's zip is over $(MAX_ZIP_BYTES) bytes" >&2; exit 1; fi

# SAM's target for an AWS::Serverless::Function: the logical id is the
# directory name in CamelCase plus "Function", so build-ImportCompanyFunction
# builds functions/import-company. A new function needs no new target.
build-%Function:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set (sam build sets it)" >&2; exit 1; }
	$(LAMBDA_ENV) $(GO) build $(LAMBDA_FLAGS) -o $(ARTIFACTS_DIR)/bootstrap ./functions/$(shell echo '$*' | sed -E 's/([a-z0-9])([A-Z])/\1-\2/g' | tr 'A-Z' 'a-z')

# -------------------------------------------------------------------- run ----

# `make run` builds a demo-only CLI: -tags demoonly leaves out the commands
# that need the AWS SDK (local, sfn, review) and the demo's DynamoDB path
# (cmd/touchaudit/demo_lean.go), and internal/lambdafn leaves out the Lambda
# runtime client, so a first run compiles about 150 packages
# instead of about 410 (README "Two commands"). With DYNAMODB_ENDPOINT set it
# builds the whole CLI, whose demo can use DynamoDB.
comma := ,
RUN_TAGS := $(if $(DYNAMODB_ENDPOINT),lambda.norpc,demoonly$(comma)lambda.norpc)

# `go run -v` names each package it compiles on stderr; RUN_PROGRESS turns
# those names into a count (a line per 25 packages) and passes the demo's own
# stderr through. A warm run compiles nothing and prints no count.
RUN_PROGRESS = awk '/^[A-Za-z0-9._~\/-]+$$/ { \
		if (!n) { c = "$(GO) list -deps -tags $(RUN_TAGS) ./cmd/touchaudit | wc -l"; c | getline total; close(c); \
			print "make run: compiling the demo and what it imports, once (about half a minute on 2 cores)" }; \
		n++; if (n % 25 == 0) printf "  compiled %d of at most %d packages (%s)\n", n, total, $$0; fflush(); next } \
	{ print; fflush() } END { if (n) printf "  compiled %d packages\n", n }'

run:
	@{ $(GO) run -v -tags $(RUN_TAGS) ./cmd/touchaudit demo 2>&1 1>&3 3>&- | $(RUN_PROGRESS) >&2; } 3>&1

# ------------------------------------------------------------------- test ----

test: node_modules/.package-lock.json fmt-check vet staticcheck gotest contract cfn-lint asl-validate
	@echo "make test: all checks passed"

vet:
	@echo "== go vet ./..."
	$(GO) vet ./...

# staticcheck is pinned by the tool directive in go.mod (go get -tool), so
# CI needs no separate install: `go tool` builds it from the module cache.
staticcheck:
	@echo "== staticcheck ./..."
	$(GO) tool staticcheck ./...

# Everything except the contract packages, which `contract` runs verbosely.
gotest:
	@echo "== go test (unit, engine, Lambda smoke tests) -timeout $(TEST_TIMEOUT)"
	$(GO) test -timeout $(TEST_TIMEOUT) $$($(GO) list ./... | grep -v -x -F -e none $(foreach p,$(CONTRACT_PKGS),-e touchaudit/$(patsubst ./%,%,$(p))))

# The log shows each backend and each group of the contract suite; the whole
# verbose output is in build/contract-test.log, and is printed on failure.
contract:
	@echo "== store contract suite (internal/storetest) against moto_server [internal/dynamo] and the embedded store [internal/memstore]"
	@mkdir -p build
	@if ! $(GO) test -v -timeout $(TEST_TIMEOUT) $(CONTRACT_PKGS) > build/contract-test.log 2>&1; then \
		cat build/contract-test.log; echo "contract suite FAILED (log: build/contract-test.log)" >&2; exit 1; \
	fi
	@awk '/contract suite:/ { sub(/^ +/, "  "); print; next } \
		/^(    )?--- (PASS|FAIL|SKIP)/ { print "  " $$0; next } \
		/^(ok|FAIL)[ \t]/ { print }' build/contract-test.log

cfn-lint:
	@echo "== cfn-lint template.yaml"
	@command -v cfn-lint >/dev/null || { echo "cfn-lint is not installed (pip install cfn-lint)" >&2; exit 1; }
	cfn-lint template.yaml

# Needs node_modules (npm ci). Skips only when there is nothing to validate.
asl-validate: node_modules/.package-lock.json
	@echo "== asl-validator statemachines/*.asl.json"
	@test -x node_modules/.bin/asl-validator || { echo "asl-validator is missing from node_modules: run 'npm ci'" >&2; exit 1; }
ifeq ($(ASL_FILES),)
	@echo "no statemachines/*.asl.json yet: nothing to validate"
else
	npx --no-install asl-validator $(foreach f,$(ASL_FILES),--json-path $(f))
endif

# npm writes this file on every install; it is stale when package-lock.json changes.
node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "npm is not installed; it is needed for asl-validator" >&2; exit 1; }
	npm ci --no-audit --no-fund

# ------------------------------------------------------------------ other ----

# Every benchmark, then each function's cold start against hello-world's in
# the same run (functions/coldstart_test.go: init-x is init / hello-world's
# init, target <= 1.5; first-ms is init plus the first invocation on moto).
bench:
	$(GO) test -run '^$$' -bench . -benchmem $$($(GO) list ./... | grep -v -x -F touchaudit/functions)
	$(GO) test -run '^$$' -bench ColdStart -benchtime 10x ./functions/

# Tracked and new Go files, not ignored ones (build/, node_modules/, .aws-sam/).
fmt-check:
	@echo "== gofmt -l"
	@out=$$( (git ls-files -co --exclude-standard '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*') \
		| while read -r f; do [ -f "$$f" ] && echo "$$f"; done | xargs -r gofmt -l); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

lint: fmt-check vet staticcheck cfn-lint

clean:
	rm -rf build .aws-sam
