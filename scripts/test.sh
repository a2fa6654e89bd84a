#!/usr/bin/env bash
# Every test, in order: content validation, Rasa data validation, unit tests, training,
# conversation test stories in all languages, end-to-end tests through the gateway.
# Called by `./lotse.sh test` (which sets up the environments first) and by .ci/run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV_DIR="${LOTSE_VENV_DIR:-$ROOT/.venv}"
RASA_PY="$VENV_DIR/rasa/bin/python"
BOT_PY="$VENV_DIR/bot/bin/python"
export PYTHONPATH="$ROOT"
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false
WORK="$(mktemp -d)"
export LOTSE_ACTION_PORT="${LOTSE_TEST_ACTION_PORT:-15055}"
export LOTSE_RASA_PORT="${LOTSE_TEST_RASA_PORT:-15005}"
export LOTSE_ACTION_URL="http://127.0.0.1:$LOTSE_ACTION_PORT/webhook"
export LOTSE_TRACKER_DIALECT=sqlite \
       LOTSE_TRACKER_DB="$WORK/tracker.db" \
       LOTSE_DATABASE_URL="sqlite:///$WORK/lotse.db"
PIDS=()
cleanup() { for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

step() { printf '\n=== %s\n' "$*"; }

step "Content and training data validation"
"$RASA_PY" -m lotse.validate

step "Rasa data validation"
"$RASA_PY" -m rasa data validate --fail-on-warnings --domain domain.yml --data data --config config.yml

step "Training (reused when nothing changed)"
"$RASA_PY" -m rasa train --fixed-model-name lotse --out models

step "Unit tests (content, language, routing, handoff dialogue, actions, trained model)"
"$RASA_PY" -m pytest -q tests/lotse tests/actions --ignore=tests/lotse/inbox \
  --ignore=tests/lotse/handoff/test_delivery.py

step "Handoff delivery (real SMTP server and webhook receiver) and agency inbox"
"$BOT_PY" -m pytest -q tests/lotse/handoff/test_delivery.py tests/lotse/inbox

step "Starting the action server and the assistant"
"$RASA_PY" -m rasa_sdk --actions actions --port "$LOTSE_ACTION_PORT" > "$WORK/actions.log" 2>&1 &
PIDS+=($!)
"$RASA_PY" -m rasa run --model models/lotse.tar.gz --port "$LOTSE_RASA_PORT" --interface 127.0.0.1 \
  --endpoints endpoints.yml --credentials credentials.yml > "$WORK/rasa.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 240); do
  if "$RASA_PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$LOTSE_RASA_PORT/', timeout=2); u.urlopen('http://127.0.0.1:$LOTSE_ACTION_PORT/health', timeout=2)" 2>/dev/null; then break; fi
  if [ "$i" = 240 ]; then echo "assistant did not start"; tail -50 "$WORK/rasa.log"; exit 1; fi
  sleep 1
done

step "Conversation test stories, every language (--fail-on-prediction-errors)"
"$RASA_PY" -m rasa test core --model models/lotse.tar.gz --stories tests/stories \
  --endpoints endpoints.yml --fail-on-prediction-errors --out "$WORK/core-results" \
  || { cat "$WORK/core-results/failed_test_stories.yml" 2>/dev/null; exit 1; }

step "Widget test tools (axe-core, pinned in package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error

step "End-to-end tests: gateway, handoff conversations, Telegram bot, widget in Chromium"
LOTSE_RASA_URL="http://127.0.0.1:$LOTSE_RASA_PORT" "$BOT_PY" -m pytest -q tests/bot

step "Hostile input (hypothesis): widget path, Rasa channel, Telegram webhook, agency inbox"
LOTSE_RASA_URL="http://127.0.0.1:$LOTSE_RASA_PORT" "$BOT_PY" -m pytest -q -p no:warnings tests/hostile

step "Scale-out and faults: PostgreSQL + Redis, two Rasa replicas, logs at INFO and DEBUG"
# frees the CPU for the replicas; the embedded stack is no longer needed
for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
LOTSE_VENV_DIR="$VENV_DIR" "$BOT_PY" -m pytest -q -p no:warnings tests/scale
