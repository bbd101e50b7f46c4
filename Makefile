# expertise — set-up and entry points. Every target does all the set-up it needs on a fresh
# Debian 12 machine, idempotently: Debian packages when missing, the .venv from the lock file,
# the package itself (a regular, non-editable install).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.lock-installed
AXE    := tools/a11y/node_modules/axe-core/axe.min.js
# WeasyPrint (Pango, fonts), PDF tools, and the real components the tests and the demo start.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation2 libharfbuzz-subset0 poppler-utils git openssl \
                nmap openssh-server openssh-client nginx-light belenios-tool jq python3-venv \
                libdecaf0 pandoc chromium nodejs

.PHONY: demo test bench setup system-deps install lock messages clean

demo: install
	$(BIN)/expertise demo --out demo-out --force

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python bench/run_all.py

setup: install

system-deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	touch $@

install: system-deps $(STAMP) $(AXE)
	$(BIN)/pip install -q --no-deps --no-build-isolation --force-reinstall .

# axe-core for `expertise check-accessibility`, exactly as tools/a11y/package-lock.json pins it
# (integrity hashes), from the registry the machine's npm client is configured with.
# (npm is its own Debian package, unless a nodejs built elsewhere brings it along: asked only when missing)
$(AXE): tools/a11y/package.json tools/a11y/package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-deps APT_PACKAGES=npm
	cd tools/a11y && npm ci --no-audit --no-fund
	touch $@

# Re-resolve the lock file from the package index the machine's clients are configured with
# (uv's default, or UV_INDEX_URL / UV_DEFAULT_INDEX). sslyze caps cryptography<47.
lock:
	$(PYTHON) -m pip install -q uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra test --extra build --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-manylinux_2_28 -o requirements.lock

# Every message code the code and the templates can produce (msg("…") and _("…")), as a .pot file.
messages: install
	mkdir -p build && $(BIN)/pybabel extract -F babel.cfg -k msg -o build/messages.pot .

clean:
	rm -rf $(VENV) demo-out build dist *.egg-info
