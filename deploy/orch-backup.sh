#!/usr/bin/env bash
# Packs an Orch home's state into one archive per day and keeps the newest seven.
#
#   ORCH_HOME         the home to back up (default: the folder above this script, i.e. the project root)
#   ORCH_BACKUP_DIR   where archives go (default: $ORCH_HOME/backups)
#   ORCH_BACKUP_KEEP  how many daily archives to keep (default: 7)
#
# Archive: orch-state-YYYY-MM-DD.tar.gz holding state/, config/, agents-config/ and .codex/ (the
# operations log of nodes handed to a person, .codex/operations-log.md) (logs are rotated
# and archived by logrotate instead). Every state file is replaced atomically (temp file + rename),
# so each file in the archive is whole; lock folders, temp files and the CLI cache are left out.
# Running it twice on one day replaces that day's archive. Restore: docs/deployment-local.md.
set -euo pipefail

home="${ORCH_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
backup_dir="${ORCH_BACKUP_DIR:-$home/backups}"
keep="${ORCH_BACKUP_KEEP:-7}"

if [[ ! -d "$home/state" ]]; then
  echo "orch-backup: $home has no state/ folder; set ORCH_HOME to the Orch home" >&2
  exit 1
fi
if ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then
  echo "orch-backup: ORCH_BACKUP_KEEP must be a positive number, not '$keep'" >&2
  exit 1
fi

mkdir -p "$backup_dir"
archive="$backup_dir/orch-state-$(date +%Y-%m-%d).tar.gz"
partial="$archive.partial"
folders=()
for folder in state config agents-config .codex; do
  [[ -d "$home/$folder" ]] && folders+=("$folder")
done

# tar exits 1 when a file changed while it was read (a run kept going): the archive is still usable.
status=0
tar --create --gzip --file "$partial" --directory "$home" \
  --exclude='*.lock' --exclude='.*.tmp' --exclude='state/cache' \
  --warning=no-file-changed --warning=no-file-removed \
  "${folders[@]}" || status=$?
if (( status > 1 )); then
  rm -f "$partial"
  echo "orch-backup: tar failed (exit $status); no archive written" >&2
  exit "$status"
fi
mv -f "$partial" "$archive"

# Keep the newest $keep daily archives (names sort by date).
mapfile -t archives < <(ls -1 "$backup_dir"/orch-state-*.tar.gz 2>/dev/null | sort -r)
for old in "${archives[@]:$keep}"; do
  rm -f -- "$old"
done

echo "orch-backup: wrote $archive ($(du -h "$archive" | cut -f1)); keeping the newest $keep"
