#!/usr/bin/env bash
# replay.sh - the replay harness of issue 10: Falconet against sysdig's bare read on the 5 M-event capture.
#
# usage: bench/replay.sh [--runs N] [--events N] [--capture FILE] [--out DIR]
#   --runs N      runs of every command (default 5); the commands alternate, one run of each per round
#   --events N    events in the generated capture (default 5000000)
#   --capture F   the capture (default /tmp/falconet-replay-<events>.scap); built with
#                 make-big-capture.py --events N --seed 1 when missing, never inside the repository
#   --out DIR     where outputs and timings go (default: a new folder under /tmp)
# environment:
#   FALCONET         the command timed (default: ./falconet, the launcher: its staleness check, its runtime settings
#                    and the ReadyToRun build it makes; it is run once untimed first so that any build is done)
#   FALCONET_DLL     time `dotnet FALCONET_DLL ...` instead (another build; the launcher's GC setting is then not applied
#                    unless DOTNET_GCgen0size is set)
#   FALCONET_SHARED  shared reference data (default ../shared beside the repository)
#   SYSDIG           sysdig binary (default /usr/bin/sysdig)
#
# Commands, each reading the whole capture:
#   a-flagship   falconet -r seed_rule.yaml -e CAPTURE -o json_output=true
#   b-falco      falconet -r falco_rules.yaml -r seed_rule.yaml -e CAPTURE -o json_output=true  (9,034 alerts at 5 M)
#   c-never      falconet -r never.yaml (one rule on open/openat/connect/read/write exits that never matches)
#   sysdig-seed  sysdig -r CAPTURE -p '%evt.num %evt.rawtime %fd.sip' '<the flagship rule as a sysdig filter>'
#   sysdig-bare  sysdig -r CAPTURE -q
# Prints, per command, the medians of wall and user+sys CPU, their ratios to sysdig-bare's medians, the median
# peak RSS, and the alert (or matching line) count; exits 1 when a count differs from the generator's summary.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FALCONET_SHARED:-$root/../shared}"
sysdig="${SYSDIG:-/usr/bin/sysdig}"
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
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "replay: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

[[ -x "$sysdig" ]] || { echo "replay: sysdig not found at $sysdig (set SYSDIG)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "replay: /usr/bin/time (GNU time) is needed for CPU and peak RSS" >&2; exit 2; }
generator="$shared/tools/make-big-capture.py"
seed_rules="$shared/rules/seed_rule.yaml"
falco_rules="$shared/rules/falco_rules.yaml"
for f in "$generator" "$seed_rules" "$falco_rules"; do
  [[ -f "$f" ]] || { echo "replay: $f is missing (set FALCONET_SHARED)" >&2; exit 2; }
done

capture="${capture:-/tmp/falconet-replay-$events.scap}"
summary="${capture%.scap}.summary.json"
if [[ ! -f "$capture" || ! -f "$summary" ]]; then
  echo "replay: generating $capture ($events events, seed 1)..." >&2
  python3 "$generator" "$capture.tmp" --events "$events" --seed 1 --summary "$summary" --quiet >/dev/null
  mv -f "$capture.tmp" "$capture"
fi

out="${out:-$(mktemp -d /tmp/falconet-replay.XXXXXX)}"
mkdir -p "$out"
rm -f "$out"/*.times "$out"/*.failed

if [[ -n "${FALCONET_DLL:-}" ]]; then
  [[ -f "$FALCONET_DLL" ]] || { echo "replay: $FALCONET_DLL: no such file" >&2; exit 2; }
  falconet=(dotnet "$FALCONET_DLL")
else
  falconet=("${FALCONET:-$root/falconet}")
  echo "replay: building falconet if needed..." >&2
  "${falconet[@]}" --version >/dev/null
fi

# A rule the engine must evaluate on frequent event types, that never matches: what rules cost when nothing fires.
cat >"$out/never.yaml" <<'YAML'
- rule: Never matching
  desc: evaluated on every open, openat, connect, read and write exit; matches nothing in the capture
  condition: evt.type in (open, openat, connect, read, write) and evt.dir = < and proc.name = falconet-never-such-process
  output: never (proc=%proc.name)
  priority: NOTICE
YAML

tool=replay
source "$root/bench/replay-lib.sh"

echo "replay: capture $capture ($(stat -c %s "$capture") bytes), $runs rounds, outputs in $out" >&2
echo "replay: load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

rm -f "$out"/*.counts
for ((i = 1; i <= runs; i++)); do
  echo "replay: round $i/$runs (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  measure a-flagship "${falconet[@]}" -r "$seed_rules" -e "$capture" -o json_output=true
  measure b-falco "${falconet[@]}" -r "$falco_rules" -r "$seed_rules" -e "$capture" -o json_output=true
  measure c-never "${falconet[@]}" -r "$out/never.yaml" -e "$capture" -o json_output=true
  measure sysdig-seed "$sysdig" -r "$capture" -p '%evt.num %evt.rawtime %fd.sip' "$seed_filter"
  measure sysdig-bare "$sysdig" -r "$capture" -q
done
echo "replay: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$out" "$summary" <<'PY'
import json, os, statistics, sys
out, summary_path = sys.argv[1], sys.argv[2]
summary = json.load(open(summary_path))
expected = {
    "a-flagship": summary["expected_seed_rule_alerts"],
    "b-falco": summary["expected_seed_rule_alerts"],  # falco_rules.yaml itself raises nothing on this capture
    "c-never": 0,
    "sysdig-seed": summary["expected_sysdig_seed_filter_matches"],
    "sysdig-bare": 0,
}
names = list(expected)
med = {}
for n in names:
    if os.path.exists(f"{out}/{n}.failed") or not os.path.exists(f"{out}/{n}.times"):
        continue
    rows = [list(map(float, l.split())) for l in open(f"{out}/{n}.times") if l.strip()]
    med[n] = (statistics.median(r[0] for r in rows), statistics.median(r[1] + r[2] for r in rows),
              statistics.median(r[3] for r in rows) / 1024, [r[0] for r in rows], [r[1] + r[2] for r in rows])
base = med.get("sysdig-bare")
print(f"{'command':<12} {'wall s':>7} {'cpu s':>7} {'wall/bare':>9} {'cpu/bare':>9} {'RSS MiB':>8} {'count':>7} {'expected':>8}   runs: wall | user+sys")
ok = True
for n in names:
    if n not in med:
        print(f"{n:<12} FAILED (see {out}/{n}.err)")
        ok = False
        continue
    wall, cpu, rss, walls, cpus = med[n]
    counts = sorted({int(l) for l in open(f"{out}/{n}.counts") if l.strip()})
    count = counts[0] if len(counts) == 1 else counts
    rw = f"{wall / base[0]:.2f}" if base else "-"
    rc = f"{cpu / base[1]:.2f}" if base else "-"
    print(f"{n:<12} {wall:>7.2f} {cpu:>7.2f} {rw:>9} {rc:>9} {rss:>8.1f} {str(count):>7} {expected[n]:>8}   "
          f"{' '.join(f'{w:.2f}' for w in walls)} | {' '.join(f'{c:.2f}' for c in cpus)}")
    if count != expected[n]:
        print(f"MISMATCH: {n} gave {count}, the generator expects {expected[n]}")
        ok = False
print("counts: OK" if ok else "counts: MISMATCH")
sys.exit(0 if ok else 1)
PY
