#!/usr/bin/env bash
# Cost of kernel egress enforcement on the connect path (docs/performance.md, "Egress enforcement"): a connect storm
# from a cgroup of its own to a test host in a network namespace of its own (198.51.100.10; loopback is exempt from
# enforcement, so it would measure nothing), with no Falconet, then live Falconet with enforcement.mode off, audit
# and enforce (the destination is allowed, so enforce lets every call through), alternating (each round rotates the
# order), RUNS rounds; medians.
# kernel.bpf_stats_enabled=1 for the whole run (every mode pays its timing cost alike): run_cnt and run_time_ns of
# each enforcement program (fnet_*) over each storm give the in-kernel cost per call.
# Usage (root): bench/live/enforce.sh [tcp|udp] [COUNT] [RUNS]     (defaults: udp 200000 5)
#   udp: one socket, COUNT connect()s (no packet leaves: the pure connect path); tcp: COUNT socket+connect+close to
#   a closed port of the test host (refused by its RST)
# It holds the live tests' lock (LiveMachineLock's file) while it runs, so it never overlaps a live test.
# FALCONET_DLL=path/falconet.dll uses that build instead of ./falconet's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode="${1:-udp}"
count="${2:-200000}"
runs="${3:-5}"
port=9   # nothing listens on it in the namespace
suffix="$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ns="falconet-bench-$suffix"
veth_host="fbe${suffix}h"
veth_peer="fbe${suffix}n"
host_ip=198.51.100.1
peer_ip=198.51.100.10
work="$(mktemp -d /tmp/falconet-bench-enforce.XXXXXX)"
cgmount="$(findmnt -n -t cgroup2 -o TARGET | head -n 1)"
[[ -n "$cgmount" ]] || { echo "no cgroup v2 mount" >&2; exit 1; }
cg="$cgmount/falconet-bench-$suffix"
previous="$(sysctl -n kernel.bpf_stats_enabled)"
fpid=""
cleanup() {
  [[ -n "$fpid" ]] && kill -TERM "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null || true
  sysctl -q -w kernel.bpf_stats_enabled="$previous" || true
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$veth_host" 2>/dev/null || true
  rmdir "$cg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -o "$work/connect_storm" "$root/bench/live/connect_storm.c"
if [[ -z "${FALCONET_DLL:-}" ]]; then
  "$root/falconet" --dry-run >/dev/null   # builds Release if needed
fi
dll="${FALCONET_DLL:-$root/.falconet-build/falconet.dll}"

exec 8>"${TMPDIR:-/tmp}/falconet-live-tests.lock"
echo "enforce bench: waiting for the live-test lock..." >&2
flock 8

# The test host: a veth into our namespace; a host route (/32) sends 198.51.100.10 over it, checked before any send.
ip netns add "$ns"
ip link add "$veth_host" type veth peer name "$veth_peer"
ip link set "$veth_peer" netns "$ns"
ip addr add "$host_ip/24" dev "$veth_host" noprefixroute
ip link set "$veth_host" up
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip addr add "$peer_ip/24" dev "$veth_peer"
ip netns exec "$ns" ip link set "$veth_peer" up
ip route add "$peer_ip/32" dev "$veth_host" src "$host_ip"
ip route get "$peer_ip" | grep -q " dev $veth_host " || { echo "refusing to send: the route to $peer_ip does not use $veth_host" >&2; exit 1; }
mkdir "$cg"

cat >"$work/allow.yaml" <<EOF
- list: allowed_outbound_destination_ipaddrs
  items: ['"$peer_ip"']
  override:
    items: append
EOF

stats() {   # "name run_cnt run_time_ns" of every enforcement program (names are cut at 15 characters)
  bpftool prog show -j | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    if p.get("name", "").startswith("fnet_"):
        print(p["name"], p.get("run_cnt", 0), p.get("run_time_ns", 0))'
}

start_falconet() {   # start_falconet MODE: live Falconet, waits until capture is attached; sets fpid
  dotnet "$dll" -v -M 900 -o dns.mode=observed -o webserver.enabled=false -r '<builtin>' -r "$work/allow.yaml" \
    -o "enforcement.mode=$1" -o "enforcement.cgroups=[\"$cg\"]" >"$work/alerts" 2>"$work/stderr" &
  fpid=$!
  for _ in $(seq 1 600); do
    grep -q '^falconet: live capture of' "$work/stderr" && return 0
    kill -0 "$fpid" 2>/dev/null || { cat "$work/stderr" >&2; exit 1; }
    sleep 0.2
  done
  echo "falconet did not start" >&2; exit 1
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

sysctl -q -w kernel.bpf_stats_enabled=1
declare -A rates nsrun
labels=(none off audit enforce)
for ((r = 1; r <= runs; r++)); do
  # each round starts one label later, so no mode always follows the same one (order effects cancel in the medians)
  for ((i = 0; i < 4; i++)); do
    label=${labels[$(((i + r - 1) % 4))]}
    [[ "$label" != none ]] && { start_falconet "$label"; sleep 1; }
    stats >"$work/before"
    rate=$(sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$work/connect_storm" "$mode" "$count" "$port" "$peer_ip" | awk '{print $4}')
    stats >"$work/after"
    line="run $r $label $mode: $rate connects/s"
    if [[ "$label" != none ]]; then
      kill -TERM "$fpid"; wait "$fpid" || true; fpid=""
      summary=$(grep '^Enforcement' "$work/stderr" || true)
      [[ -n "$summary" ]] && line+="; $summary"
    fi
    rates[$label]+="$rate "
    while read -r name runs_ ns; do
      line+="; $name $runs_ runs $ns ns/run"
      nsrun[$label,$name]+="$ns "
    done < <(python3 - "$work/before" "$work/after" <<'PY'
import sys
def load(path):
    rows = {}
    for line in open(path):
        name, cnt, ns = line.split()
        c, n = rows.get(name, (0, 0))
        rows[name] = (c + int(cnt), n + int(ns))
    return rows
before, after = load(sys.argv[1]), load(sys.argv[2])
for name in sorted(after):
    c = after[name][0] - before.get(name, (0, 0))[0]
    n = after[name][1] - before.get(name, (0, 0))[1]
    if c:
        print(name, c, f"{n / c:.0f}")
PY
)
    echo "$line" >&2
  done
done

echo "$mode storm to $peer_ip (netns test host, allowed), count=$count, runs=$runs, medians; kernel.bpf_stats_enabled=1 throughout"
printf '%-8s %12s %9s  %s\n' enforcement connects/s vs-off "ns/run per enforcement program (median)"
base=$(printf '%s\n' ${rates[off]} | median)
for label in none off audit enforce; do
  rate=$(printf '%s\n' ${rates[$label]} | median)
  progs=""
  for key in "${!nsrun[@]}"; do
    [[ "$key" == "$label",* ]] && progs+="${key#*,} $(printf '%s\n' ${nsrun[$key]} | median)  "
  done
  printf '%-8s %12.0f %8.1f%%  %s\n' "$label" "$rate" "$(awk -v a="$rate" -v b="$base" 'BEGIN {print 100 * (a - b) / b}')" "$progs"
done
