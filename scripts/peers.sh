#!/usr/bin/env bash
# Builds the interop peers the local runner (interop/cmd/runner) plays
# against: quic-go's interop client and server at the version pinned in
# interop/quicgo/go.mod. The binaries go to a cache directory outside the
# tree; the last lines printed are their paths, "client=PATH" and
# "server=PATH".
#
#   scripts/peers.sh            build (or reuse) and print the paths
#   PEERS_DIR=/x scripts/peers.sh   build into /x instead
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mod="$root/interop/quicgo"
# The nested module has its own go.mod; GOWORK=off keeps a workspace from
# pulling it into the main module's build list.
export GOWORK=off GOFLAGS=-mod=readonly
version=$(go -C "$mod" list -m -f '{{.Version}}' github.com/quic-go/quic-go)
dir=${PEERS_DIR:-"$(go env GOCACHE)/quicr-peers/quic-go-$version"}
mkdir -p "$dir"
if [[ ! -x "$dir/client" || ! -x "$dir/server" || "$mod/go.sum" -nt "$dir/client" ]]; then
	go -C "$mod" build -trimpath -o "$dir/" \
		github.com/quic-go/quic-go/interop/client \
		github.com/quic-go/quic-go/interop/server
fi
echo "client=$dir/client"
echo "server=$dir/server"
