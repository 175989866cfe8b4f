#!/usr/bin/env bash
# Stands in for the binary in tests/slurm/run.sh: shard 2 fails as a real
# task would (a crash, an unreadable file), the others run $REAL.
case " $* " in
  *" --shard 2/"*) echo "fail-shard-2.sh: shard 2 fails on purpose" >&2; exit 3 ;;
esac
exec "$REAL" "$@"
