#!/usr/bin/env bash
# Side-by-side benchmark of quicr and quic-go over loopback (the separate
# module interop/bench, so the main module never requires quic-go).
#
#   scripts/bench.sh               # full run: 1 GiB download, 10 000 exchanges, 1000 connections
#   scripts/bench.sh -short        # the same cases, small, in under a minute
#   scripts/bench.sh -cases download,rr -runs 3 -json
#   scripts/bench.sh -stacks quicr -cases download -profile /tmp/quicr-prof
#
# Keep the machine otherwise idle while it runs. Flags: scripts/bench.sh -h.
set -euo pipefail
export BENCH_CWD="$PWD" # relative -profile and -jsonfile paths stay relative to here
cd "$(dirname "$0")/.."
export GOWORK=off
exec go run -C interop/bench ./cmd/bench "$@"
