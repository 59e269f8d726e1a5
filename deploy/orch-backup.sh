#!/usr/bin/env bash
# Packs an Orch home's state into one archive per day and keeps the newest seven — a wrapper around
# `orch state:backup` for cron and for hosts that configure backups with environment variables.
#
#   ORCH_HOME         the home to back up (default: the folder above this script, i.e. the project root)
#   ORCH_BACKUP_DIR   where archives go (default: $ORCH_HOME/backups)
#   ORCH_BACKUP_KEEP  how many daily archives to keep (default: 7)
#   NODE              the node binary (default: node on PATH)
#
# Archive: orch-state-YYYY-MM-DD.tar.gz holding state/, config/, agents-config/ and .codex/ (the
# operations log), read under the approvals, plans and operations-log locks and verified after it is
# written; lock folders, temp files, state/server.json and the CLI cache are left out. logs/ goes
# to orch-logs-YYYY-Www.tar.gz once a week. Running it twice on one day replaces that day's archive.
# A failed write exits 1 with what to do. Restore: orch state:restore <archive> (docs/deployment-local.md).
set -euo pipefail

install="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ORCH_HOME="${ORCH_HOME:-$install}"
args=(state:backup)
[[ -n "${ORCH_BACKUP_DIR:-}" ]] && args+=(--to "$ORCH_BACKUP_DIR")
[[ -n "${ORCH_BACKUP_KEEP:-}" ]] && args+=(--keep "$ORCH_BACKUP_KEEP")
exec "${NODE:-node}" "$install/bin/orch.js" "${args[@]}"
