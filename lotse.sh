#!/usr/bin/env bash
# Lotse command line: ./lotse.sh <command>
#   run        set up, train if the model is missing or stale, start assistant + demo page
#   test       set up and run every test (what CI runs)
#   setup      create the two Python environments from the lock files
#   train      train the model (skipped by Rasa when nothing changed)
#   validate   check content and training data
#   evaluate   held-out evaluation report (optionally: a labelled YAML file)
#   compare-pipelines  cross-validate the candidate NLU pipelines, write docs/pipeline-comparison.md
#   bench-nlu  parse latency and memory of the trained model -> docs/benchmarks/nlu.md
#   route      which agency fits a resident (python -m lotse.route --help)
#   inbox-user create, reset, delete or list agency inbox logins (python -m lotse.inbox.users)
#   outbox     list handoff deliveries and their state
#   bench      benchmark through the widget path (starts the stack) -> docs/benchmarks/latest.md
#   retention  delete data older than the retention period (the worker also runs it hourly)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
VENV_DIR="${LOTSE_VENV_DIR:-$ROOT/.venv}"
RASA_PY="$VENV_DIR/rasa/bin/python"
BOT_PY="$VENV_DIR/bot/bin/python"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS="ignore::DeprecationWarning"
# Rasa phones home for telemetry by default; Lotse never does.
export RASA_TELEMETRY_ENABLED=false

if [ -f "$ROOT/.env" ]; then set -a; . "$ROOT/.env"; set +a; fi
export LOTSE_ACTION_URL="${LOTSE_ACTION_URL:-http://127.0.0.1:${LOTSE_ACTION_PORT:-5055}/webhook}"
export LOTSE_TRACKER_DIALECT="${LOTSE_TRACKER_DIALECT:-sqlite}"
export LOTSE_TRACKER_HOST="${LOTSE_TRACKER_HOST:-}"
export LOTSE_TRACKER_PORT="${LOTSE_TRACKER_PORT:-}"
export LOTSE_TRACKER_DB="${LOTSE_TRACKER_DB:-$ROOT/var/tracker.db}"
export LOTSE_TRACKER_USER="${LOTSE_TRACKER_USER:-}"
export LOTSE_TRACKER_PASSWORD="${LOTSE_TRACKER_PASSWORD:-}"
MODEL="$ROOT/models/lotse.tar.gz"
ENDPOINTS="$ROOT/endpoints.yml"
[ "$LOTSE_TRACKER_DIALECT" = "sqlite" ] || ENDPOINTS="$ROOT/endpoints.postgres.yml"

find_python310() {
  for candidate in "${LOTSE_PYTHON310:-}" python3.10 \
      "$(command -v pyenv >/dev/null 2>&1 && echo "$(pyenv root)/versions/3.10.13/bin/python")" \
      "$HOME/.pyenv/versions/3.10.13/bin/python" /root/.pyenv/versions/3.10.13/bin/python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  for candidate in "$HOME"/.pyenv/versions/3.10.*/bin/python /root/.pyenv/versions/3.10.*/bin/python; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  echo "Python 3.10 not found (Rasa 3.6 needs 3.8-3.10). Install it (e.g. pyenv install 3.10.13) or set LOTSE_PYTHON310." >&2
  return 1
}

find_python_bot() {
  for candidate in "${LOTSE_PYTHON_BOT:-}" python3.11 python3.12 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "No Python >= 3.10 found for the bot environment." >&2; return 1
}

# Creates or refreshes a venv when its lock file changed since the last install.
ensure_venv() {  # name python lockfile
  local name="$1" python="$2" lock="$3" dir="$VENV_DIR/$1" stamp
  stamp="$(sha256sum "$lock" | cut -c1-16)"
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.lock-stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  echo "Setting up the $name environment (first run takes a few minutes)..."
  [ -x "$dir/bin/python" ] || "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --upgrade pip
  "$dir/bin/python" -m pip install -q -r "$lock"
  echo "$stamp" > "$dir/.lock-stamp"
}

cmd_setup() {
  mkdir -p "$VENV_DIR" "$ROOT/var" "$ROOT/models"
  ensure_venv rasa "$(find_python310)" "$ROOT/requirements/rasa.lock"
  ensure_venv bot "$(find_python_bot)" "$ROOT/requirements/bot.lock"
}

cmd_validate() {
  "$RASA_PY" -m lotse.validate "$@"
}

cmd_train() {
  # Rasa fingerprints config, domain and data: an unchanged project reuses the model as is.
  "$RASA_PY" -m rasa train --fixed-model-name lotse --out "$ROOT/models" "$@"
}

PIDS=()
stop_all() { for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }

wait_http() {  # url seconds
  local url="$1" seconds="${2:-120}" i
  for ((i = 0; i < seconds; i++)); do
    if "$RASA_PY" -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; then return 0; fi
    sleep 1
  done
  echo "Timed out waiting for $url" >&2; return 1
}

start_actions() {
  "$RASA_PY" -m rasa_sdk --actions actions --port "${LOTSE_ACTION_PORT:-5055}" &
  PIDS+=($!)
}

# One Rasa process handles one message at a time: the embedded default runs one replica per
# core (at most 2; LOTSE_RASA_REPLICAS overrides) on ports 5005, 5006, ... The gateway and the bot
# send one message per conversation at a time, so their in-memory locks suffice.
rasa_replicas() {
  local cores; cores="$(nproc 2>/dev/null || echo 1)"
  echo "${LOTSE_RASA_REPLICAS:-$((cores >= 2 ? 2 : 1))}"
}

start_rasa() {  # replica index (0, 1, ...)
  local port=$(( ${LOTSE_RASA_PORT:-5005} + $1 ))
  "$RASA_PY" -m rasa run --model "$MODEL" --port "$port" \
    --interface "${LOTSE_RASA_HOST:-127.0.0.1}" --endpoints "$ENDPOINTS" --credentials credentials.yml &
  PIDS+=($!)
}

cmd_run() {
  cmd_setup
  cmd_validate
  [ -f "$MODEL" ] || echo "No model yet: training (about 10 minutes on 2 cores)..."
  cmd_train
  trap stop_all EXIT INT TERM
  "$RASA_PY" -m lotse.db_setup >/dev/null  # tables (and SQLite's WAL mode) before any replica
  local replicas cores i urls=""
  replicas="$(rasa_replicas)"; cores="$(nproc 2>/dev/null || echo 1)"
  # The sentence encoder's threads: the cores shared among the replicas.
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(( cores / replicas > 0 ? cores / replicas : 1 ))}"
  start_actions
  for ((i = 0; i < replicas; i++)); do start_rasa "$i"; done
  wait_http "http://127.0.0.1:${LOTSE_ACTION_PORT:-5055}/health" 120
  for ((i = 0; i < replicas; i++)); do
    wait_http "http://127.0.0.1:$(( ${LOTSE_RASA_PORT:-5005} + i ))/" 300
    urls+="${urls:+,}http://127.0.0.1:$(( ${LOTSE_RASA_PORT:-5005} + i ))"
  done
  if [ -n "${LOTSE_RASA_URL:-}" ] && [ "$LOTSE_RASA_URL" != "$urls" ]; then
    echo "Note: LOTSE_RASA_URL is set ($LOTSE_RASA_URL); the replicas started here are $urls." \
         "Leave it empty in .env to use them all." >&2
  fi
  export LOTSE_RASA_URL="${LOTSE_RASA_URL:-$urls}"
  "$BOT_PY" -m bot.gateway &
  PIDS+=($!)
  # Handoffs: the outbox worker delivers them, the agency inbox shows them.
  "$BOT_PY" -m lotse.handoff.worker &
  PIDS+=($!)
  "$BOT_PY" -m lotse.inbox &
  PIDS+=($!)
  if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then "$BOT_PY" -m bot.telegram & PIDS+=($!); fi
  echo
  echo "Lotse is running. Open http://127.0.0.1:${LOTSE_GATEWAY_PORT:-8080}/ to chat. Ctrl-C stops everything."
  echo "Agency inbox: http://127.0.0.1:${LOTSE_INBOX_PORT:-8090}/ (create a login: ./lotse.sh inbox-user create --username NAME --agency AGENCY_ID)"
  wait -n "${PIDS[@]}"
}

cmd_test() {
  cmd_setup
  bash "$ROOT/scripts/test.sh"
}

cmd_evaluate() { "$RASA_PY" -m lotse.evaluate "$@"; }
cmd_compare_pipelines() { "$RASA_PY" -m lotse.compare_pipelines "$@"; }
cmd_bench_nlu() { "$RASA_PY" -m lotse.bench_nlu "$@"; }
cmd_route() { "$RASA_PY" -m lotse.route "$@"; }
cmd_inbox_user() { "$BOT_PY" -m lotse.inbox.users "$@"; }
cmd_outbox() { "$BOT_PY" -m lotse.handoff.worker --status "$@"; }
cmd_bench() { cmd_setup; cmd_train; LOTSE_VENV_DIR="$VENV_DIR" "$RASA_PY" -m lotse.benchmark "$@"; }
cmd_retention() { "$BOT_PY" -m lotse.retention "$@"; }

command="${1:-help}"; shift || true
case "$command" in
  run) cmd_run "$@" ;;
  test) cmd_test "$@" ;;
  setup) cmd_setup "$@" ;;
  train) cmd_setup; cmd_train "$@" ;;
  validate) cmd_validate "$@" ;;
  evaluate) cmd_evaluate "$@" ;;
  compare-pipelines) cmd_compare_pipelines "$@" ;;
  bench-nlu) cmd_bench_nlu "$@" ;;
  route) cmd_route "$@" ;;
  inbox-user) cmd_inbox_user "$@" ;;
  outbox) cmd_outbox "$@" ;;
  bench) cmd_bench "$@" ;;
  retention) cmd_retention "$@" ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
