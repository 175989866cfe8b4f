# Shared by bench/run.sh and bench/year.sh (sourced, not run).
# Sets $bin (the release binary, built if missing) and defines:
#   measure LABEL COMMAND...  wall seconds and peak RSS of COMMAND, plus the
#                             per-stage lines of `--timings` when it prints them;
#   floor LABEL DIR           warms the page cache with DIR, then measures
#                             reading and hashing every file in it.
bin=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/release/newscorpus
[ -x "$bin" ] || (cd "$(dirname "${BASH_SOURCE[0]}")/.." && cargo build --release --locked --quiet)
measure() { # label, command...
  local label=$1; shift
  # The label is matched as text: it may hold parentheses.
  local quoted
  quoted=$(printf '%s' "$label" | sed 's/[][().*^$+?{}|\\/]/\\&/g')
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@" 2>&1 >/dev/null | grep -E "^$quoted:|^ +[0-9.]+ s " || true
}
floor() { # label, dir
  find "$2" -type f -print0 | xargs -0 cat > /dev/null
  measure "$1" sh -c "find '$2' -type f -print0 | xargs -0 cat | sha256sum"
}
