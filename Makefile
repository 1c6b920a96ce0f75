# Ward Studio. `make run` starts the app, `make test` runs every test, `make bench` writes
# BENCHMARKS.md. Each sets up what it needs first (system packages, .venv).
PY := .venv/bin/python
# Touch tests and benchmarks draw on a virtual screen big enough for the largest tablet size.
XVFB := xvfb-run -a -s "-screen 0 2048x1536x24"
ARGS ?=

.PHONY: run test bench screenshot setup clean

run:
	@bash scripts/setup.sh run
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ "$$(uname)" = Linux ]; then \
	  echo "No screen found (DISPLAY is not set): Ward Studio needs a display to start."; \
	  echo "To check it anyway, 'make screenshot' draws the launcher to docs/launcher.png."; \
	  exit 1; fi
	$(PY) main.py $(ARGS)

# The tests run in parallel, a test file per worker, one worker per core up to four; the JACK
# tests (a real server, xruns counted) then run on their own. Exit code 5 is "no test chosen"
# (PYTEST_ARGS naming tests of one kind only).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

test:
	@bash scripts/setup.sh test
	$(XVFB) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not jack" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(XVFB) $(PY) -m pytest -m jack $(PYTEST_ARGS) || [ $$? -eq 5 ]

bench:
	@bash scripts/setup.sh bench
	$(XVFB) $(PY) bench/run.py

# The launcher and the Beats screen as PNGs, as used in README.md (a fresh, empty beat).
screenshot:
	@bash scripts/setup.sh test
	$(XVFB) $(PY) main.py --audio none --size 1280x800 --screenshot docs/launcher.png
	WARD_STUDIO_DATA_DIR=$$(mktemp -d) $(XVFB) $(PY) main.py --audio none --size 1280x800 --open beats --screenshot docs/beats.png

setup:
	@bash scripts/setup.sh test

clean:
	rm -rf .venv test-artifacts .pytest_cache *.egg-info
