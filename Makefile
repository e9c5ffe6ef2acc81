# The two commands of the quick start: `make run` and `make test`. Both install what they need.
BUILD     ?= build
ASAN      ?= build-asan
JOBS      ?= $(shell nproc)
DB        ?= data/huikuan.db
DEMO_DIR  ?= data/demo
DEMO_SIZE ?= 2000
AS_OF     ?= 2026-06-30
LISTEN    ?= 127.0.0.1:8080
CMAKE_GEN := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all deps build web run test test-unit test-asan format format-check bench clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@$(MAKE) --no-print-directory web

# The web app (web/): npm packages as package-lock.json pins them, then web/dist, which
# `huikuan serve` hosts at / (text files also gzipped, sent to browsers that accept it).
web: deps
	@cd web && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; }
	@cd web && npm run --silent build -- --logLevel warn
	@find web/dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) -exec gzip -9kf {} +

run: build
	@mkdir -p data
	$(BUILD)/huikuan gen --customers $(DEMO_SIZE) --seed 42 --as-of $(AS_OF) --out $(DEMO_DIR)
	$(BUILD)/huikuan import --db $(DB) $(DEMO_DIR)
	@./scripts/demo-admin.sh $(BUILD)/huikuan $(DB)
	@echo "Serving the web app and the API on http://$(LISTEN)/ (Ctrl-C stops; see README: Web app, Server)"
	$(BUILD)/huikuan serve --db $(DB) --config config/server.toml --listen $(LISTEN)

test: format-check test-unit test-asan

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(ASAN) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DHUIKUAN_SANITIZE=ON -DHUIKUAN_BENCH=OFF >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

format-check: deps
	@git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror

bench: build
	@./bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN) web/dist web/node_modules
