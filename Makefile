# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
TOOLS := $(CURDIR)/.tools
BUN_VERSION := 1.4.4

export PATH := $(TOOLS)/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := 0

AXE_VERSION := 4.14.1

# $(call apt_install,PACKAGE): install Debian's PACKAGE, reading the package lists again
# only when the first try fails
apt_install = DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) 2>/dev/null || \
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1))

.PHONY: run test bench lint format install bun chromium caddy systemd pgclient axe fonts migrate clean

## run: install everything, migrate, seed demo data if empty, serve the production build
run: install bun fonts
	$(BIN)/portal migrate
	$(BIN)/portal seed-demo --if-empty
	PORTAL_MAIL_LOG_BODIES=$${PORTAL_MAIL_LOG_BODIES:-true} $(BIN)/reflex run --env prod --single-port

## test: install everything (chromium too), lint, then every test
test: install bun chromium caddy systemd pgclient axe fonts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## bench: load on the production build over the websocket protocol (see docs/PERFORMANCE.md)
bench: install bun
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench.ws_load

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## bun: Reflex needs bun >= 1.4.4; the npm registry ships it (no download from elsewhere)
bun:
	@if ! command -v bun >/dev/null 2>&1; then \
		echo "Installing bun $(BUN_VERSION) from npm into .tools"; \
		npm install --silent --no-audit --no-fund --prefix $(TOOLS) bun@$(BUN_VERSION); \
	fi
	@bun --version >/dev/null

## chromium: Debian's browser for the end-to-end tests
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

## caddy: Debian's Caddy, the reverse proxy of deploy/ (started by the HTTPS test)
caddy:
	@if ! command -v caddy >/dev/null 2>&1; then \
		echo "Installing Debian's caddy"; $(call apt_install,caddy); \
	fi

## systemd: systemd-analyze, which checks the shipped unit (deploy/portal.service)
systemd:
	@if ! command -v systemd-analyze >/dev/null 2>&1; then \
		echo "Installing Debian's systemd (for systemd-analyze)"; $(call apt_install,systemd); \
	fi

## pgclient: pg_dump and pg_restore, which portal backup/restore use on PostgreSQL
pgclient:
	@if ! command -v pg_dump >/dev/null 2>&1; then \
		echo "Installing Debian's postgresql-client"; $(call apt_install,postgresql-client); \
	fi

## fonts: a Japanese font (IPAex Mincho) so certificates print the holder's name as written
fonts:
	@if [ ! -f /usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf ] && [ -z "$$PORTAL_CERTIFICATE_FONT" ]; then \
		echo "Installing Debian's IPAex Mincho font"; $(call apt_install,fonts-ipaexfont-mincho); \
	fi

## axe: axe-core, injected into pages by the end-to-end tests
axe:
	@test -f $(TOOLS)/node_modules/axe-core/axe.min.js || \
		npm install --silent --no-audit --no-fund --prefix $(TOOLS) axe-core@$(AXE_VERSION)

migrate: install
	$(BIN)/portal migrate

clean:
	rm -rf .web .states $(VENV)/.installed
