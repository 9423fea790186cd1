#!/usr/bin/env bash
# http-hung-sink.sh - does a hung HTTP output slow detection? Replay throughput with http_output pointed at a server
# that accepts connections and never answers, against the same replay without http_output (issue 11).
#
# usage: bench/http-hung-sink.sh [--runs N] [--events N] [--capture FILE] [--out DIR]
#   --runs N      runs of each variant (default 5), alternating, one of each per round
#   --events N    events in the generated capture (default 5000000, the capture of bench/replay.sh)
#   --capture F   the capture (default /tmp/falconet-replay-<events>.scap, built with make-big-capture.py --seed 1
#                 when missing, never inside the repository)
#   --out DIR     where outputs and timings go (default: a new folder under /tmp)
# environment: FALCONET (default ./falconet, the launcher; run once untimed first), FALCONET_SHARED (../shared).
#
# Variants, both `falconet -r seed_rule.yaml -e CAPTURE -o json_output=true -o output_timeout=100
# -o stdout_output.enabled=false` (stdout off in both: behind a hung sink the worker writes nothing, so a stdout
# output in the baseline only would make the baseline do more work):
#   no-http     no output at all (alerts raised, queued, and formatted by nobody)
#   hung-http   plus http_output to http://127.0.0.1:PORT/, a local listener that reads and never answers
# output_timeout=100 in both: at exit the dispatcher waits that long for the stuck POST, then discards what is
# queued, so the wall time is detection plus at most 0.1 s. Prints per variant the medians of wall and user+sys CPU,
# events per wall second, and the alerts the rules raised (the summary's "Events detected", which must be equal:
# the hung sink must not change detection, only delivery); and hung-http's wall median over no-http's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FALCONET_SHARED:-$root/../shared}"
runs=5
events=5000000
capture=""
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --capture) capture="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "http-hung-sink: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -x /usr/bin/time ]] || { echo "http-hung-sink: /usr/bin/time (GNU time) is needed" >&2; exit 2; }
seed_rules="$shared/rules/seed_rule.yaml"
generator="$shared/tools/make-big-capture.py"
for f in "$seed_rules" "$generator"; do
  [[ -f "$f" ]] || { echo "http-hung-sink: $f is missing (set FALCONET_SHARED)" >&2; exit 2; }
done
capture="${capture:-/tmp/falconet-replay-$events.scap}"
if [[ ! -f "$capture" ]]; then
  echo "http-hung-sink: generating $capture ($events events, seed 1)..." >&2
  python3 "$generator" "$capture.tmp" --events "$events" --seed 1 --summary "${capture%.scap}.summary.json" --quiet >/dev/null
  mv -f "$capture.tmp" "$capture"
fi
out="${out:-$(mktemp -d /tmp/falconet-http-hung.XXXXXX)}"
mkdir -p "$out"
rm -f "$out"/*.times "$out"/*.alerts "$out"/*.failed
falconet=("${FALCONET:-$root/falconet}")
"${falconet[@]}" --version >/dev/null

# The hung server: loopback only, accepts and reads, never answers; stopped by its pid when this script exits.
python3 -u - >"$out/server.port" 2>"$out/server.err" <<'PY' &
import socket, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
print(s.getsockname()[1], flush=True)
held = []
def drain(c):
    while c.recv(65536):
        pass
while True:
    c, _ = s.accept()
    held.append(c)
    threading.Thread(target=drain, args=(c,), daemon=True).start()
PY
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [[ -s "$out/server.port" ]] && break; sleep 0.1; done
port="$(head -n1 "$out/server.port")"
[[ -n "$port" ]] || { echo "http-hung-sink: the hung server did not start, see $out/server.err" >&2; exit 2; }

common=(-r "$seed_rules" -e "$capture" -o json_output=true -o output_timeout=100 -o stdout_output.enabled=false)
echo "http-hung-sink: capture $capture, $runs rounds, hung server on 127.0.0.1:$port, outputs in $out" >&2
echo "http-hung-sink: load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
measure() {
  local name="$1"; shift
  local rc=0
  /usr/bin/time -f '%e %U %S' -o "$out/$name.time1" "$@" >/dev/null 2>"$out/$name.err" || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "http-hung-sink: $name failed (exit $rc), see $out/$name.err" >&2
    echo "$rc" >"$out/$name.failed"
    return 0
  fi
  cat "$out/$name.time1" >>"$out/$name.times"
  # the progress lines end in \r, so the summary's first line may share a line with them
  grep -ao 'Events detected: [0-9]*' "$out/$name.err" | sed 's/.*: //' >>"$out/$name.alerts"
}
for ((i = 1; i <= runs; i++)); do
  echo "http-hung-sink: round $i/$runs (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  measure no-http "${falconet[@]}" "${common[@]}"
  measure hung-http "${falconet[@]}" "${common[@]}" -o http_output.enabled=true -o "http_output.url=http://127.0.0.1:$port/"
done
echo "http-hung-sink: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$out" "$events" <<'PY'
import os, statistics, sys
out, events = sys.argv[1], int(sys.argv[2])
med, ok = {}, True
print(f"{'variant':<10} {'wall s':>7} {'cpu s':>7} {'Mevents/s':>9} {'alerts':>7}   runs: wall | user+sys")
for n in ("no-http", "hung-http"):
    if os.path.exists(f"{out}/{n}.failed") or not os.path.exists(f"{out}/{n}.times"):
        print(f"{n:<10} FAILED (see {out}/{n}.err)"); ok = False; continue
    rows = [list(map(float, l.split())) for l in open(f"{out}/{n}.times") if l.strip()]
    alerts = sorted({l.strip() for l in open(f"{out}/{n}.alerts") if l.strip()})
    wall = statistics.median(r[0] for r in rows)
    cpu = statistics.median(r[1] + r[2] for r in rows)
    med[n] = (wall, alerts)
    print(f"{n:<10} {wall:>7.2f} {cpu:>7.2f} {events / wall / 1e6:>9.2f} {','.join(alerts):>7}   "
          f"{' '.join(f'{r[0]:.2f}' for r in rows)} | {' '.join(f'{r[1] + r[2]:.2f}' for r in rows)}")
if len(med) == 2:
    print(f"hung-http wall / no-http wall: {med['hung-http'][0] / med['no-http'][0]:.3f}")
    if med["hung-http"][1] != med["no-http"][1] or len(med["no-http"][1]) != 1:
        print("MISMATCH: the alerts raised differ"); ok = False
sys.exit(0 if ok else 1)
PY
