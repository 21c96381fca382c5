#!/usr/bin/env bash
# The project's test command (README, .ci/run): vet, gofmt, the unit tests
# with the race detector, the interop matrix subset (quicr against itself
# and against quic-go's interop endpoints, built from the Go module proxy),
# then every fuzz target for a short run over its seed corpus and fresh
# inputs. FUZZTIME overrides the per-target fuzz time.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-3s}

echo "== go vet"
go vet ./...

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go test -race"
go test -race -count=1 -timeout 15m $(go list ./... | grep -v '/interop/runner$')

# The interop runner starts real endpoints in namespaces (root only; it says
# so and skips otherwise) and is sensitive to timing, so it runs on its own,
# without the race detector slowing the endpoints down.
echo "== interop runner"
log=$(mktemp)
status=0
go test -count=1 -timeout 30m -v ./interop/runner >"$log" 2>&1 || status=$?
grep -E '^(--- |PASS|FAIL|ok)|: (succeeded|failed|unsupported)| (succeeded|failed|unsupported) in |SKIP' "$log" || true
if [ "$status" -ne 0 ]; then
	tail -n 50 "$log"; rm -f "$log"; exit "$status"
fi
rm -f "$log"

echo "== fuzz targets ($fuzztime each)"
# fuzz_once runs one target; on failure it prints the whole report and any
# failing input go test wrote under testdata/fuzz (a clean clone loses it).
# It returns 2 for the fuzzing engine's own flake at the -fuzztime boundary
# (golang/go#51484, #75804: "context deadline exceeded", no failing input),
# 1 for anything else.
fuzz_once() {
	local pkg=$1 target=$2 out dir inputs
	out=$(mktemp)
	if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" >"$out" 2>&1; then
		tail -n 3 "$out"; rm -f "$out"; return 0
	fi
	grep -v '^fuzz: elapsed' "$out"
	dir=$(go list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$target
	inputs=$(git ls-files --others --exclude-standard -- "$dir" 2>/dev/null || true)
	for f in $inputs; do echo "failing input $f:"; cat "$f"; done
	if [ -z "$inputs" ] && grep -q 'context deadline exceeded' "$out" &&
		! grep -qE 'Failing input|panic:|_test\.go:[0-9]+:' "$out"; then
		rm -f "$out"; return 2
	fi
	rm -f "$out"; return 1
}
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "-- $pkg $target"
		rc=0; fuzz_once "$pkg" "$target" || rc=$?
		if [ "$rc" -eq 2 ]; then
			echo "(the fuzzing engine's deadline flake, no failing input: once more)"
			rc=0; fuzz_once "$pkg" "$target" || rc=$?
		fi
		[ "$rc" -eq 0 ] || exit 1
	done
done
echo "== all tests passed"
