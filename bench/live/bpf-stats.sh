#!/usr/bin/env bash
# Kernel-side cost of the probe, per program: the kernel's BPF run statistics (kernel.bpf_stats_enabled=1, then
# run_time_ns / run_cnt of every falconet_* program from `bpftool prog show`) over one connect storm under live
# Falconet. Root only; traffic stays on 127.0.0.1 (a closed port).
# Usage (root): bench/live/bpf-stats.sh [tcp|udp|filtered] [COUNT] [RULES...]   (defaults: udp 200000, built-in rules)
#   filtered: COUNT one-byte reads of /dev/zero and writes to /dev/null (dd), syscalls no rule asks for (write is off
#   in the enable map; read is dns-only and leaves after the socket check): the filtered-out path
# It holds the live tests' lock (LiveMachineLock's file) while it runs, so it never overlaps a live test.
# FALCONET_DLL=path/falconet.dll uses that build instead of ./falconet's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode="${1:-udp}"
count="${2:-200000}"
shift $(( $# > 2 ? 2 : $# ))
port=9
work="$(mktemp -d /tmp/falconet-bpf-stats.XXXXXX)"
previous="$(sysctl -n kernel.bpf_stats_enabled)"
fpid=""
cleanup() {
  [[ -n "$fpid" ]] && kill -TERM "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null || true
  sysctl -q -w kernel.bpf_stats_enabled="$previous" || true
  rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -o "$work/connect_storm" "$root/bench/live/connect_storm.c"
if [[ -z "${FALCONET_DLL:-}" ]]; then
  "$root/falconet" --dry-run >/dev/null   # builds Release if needed
fi
dll="${FALCONET_DLL:-$root/.falconet-build/falconet.dll}"

exec 8>"${TMPDIR:-/tmp}/falconet-live-tests.lock"
echo "bpf-stats: waiting for the live-test lock..." >&2
flock 8

stats() {   # prints "name run_cnt run_time_ns" for every falconet program
  bpftool prog show -j | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name", "").startswith("falconet"):
        print(p["name"], p.get("run_cnt", 0), p.get("run_time_ns", 0))'
}

dotnet "$dll" -v -o dns.mode=observed "$@" >"$work/alerts" 2>"$work/stderr" &
fpid=$!
for _ in $(seq 1 600); do
  grep -q '^falconet: live capture of' "$work/stderr" && break
  kill -0 "$fpid" 2>/dev/null || { cat "$work/stderr" >&2; exit 1; }
  sleep 0.2
done
grep -q '^falconet: live capture of' "$work/stderr" || { echo "falconet did not start" >&2; exit 1; }
sleep 1
sysctl -q -w kernel.bpf_stats_enabled=1
stats >"$work/before"
if [[ "$mode" == filtered ]]; then
  /usr/bin/time -f "filtered $count dd reads+writes in %e s" dd if=/dev/zero of=/dev/null bs=1 count="$count" 2>&1 | grep -v records
else
  "$work/connect_storm" "$mode" "$count" "$port"
fi
stats >"$work/after"
sysctl -q -w kernel.bpf_stats_enabled="$previous"
kill -TERM "$fpid"; wait "$fpid" || true; fpid=""
grep '^Kernel events' "$work/stderr" || true

python3 - "$work/before" "$work/after" <<'PY'
import sys
def load(path):
    rows = {}
    for line in open(path):
        name, cnt, ns = line.split()
        c, n = rows.get(name, (0, 0))
        rows[name] = (c + int(cnt), n + int(ns))
    return rows
before, after = load(sys.argv[1]), load(sys.argv[2])
print(f"{'program':<28} {'runs':>10} {'ns total':>14} {'ns/run':>8}")
for name in sorted(after):
    c = after[name][0] - before.get(name, (0, 0))[0]
    n = after[name][1] - before.get(name, (0, 0))[1]
    if c:
        print(f"{name:<28} {c:>10} {n:>14} {n / c:>8.0f}")
PY
