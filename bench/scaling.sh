#!/usr/bin/env bash
# scaling.sh - the scaling curves of issue 10 (docs/performance.md, "Scaling curves").
#
# usage: bench/scaling.sh [--runs N] [--events N] [--copies "1 10 100 1000"] [--out DIR] [--no-inprocess]
#   --runs N       runs of every command (default 3); medians are printed
#   --events N     events of the replayed capture (default 50000; built with make-big-capture.py --seed 1 if missing,
#                  under /tmp, never inside the repository)
#   --copies LIST  how many renamed copies of falco_rules.yaml's rules to load (default "1 10 100 1000")
#   --no-inprocess skip the in-process curves (thread table 10k/1M, in lists 10/1k/100k, observed DNS 1k/1M)
# environment: FALCONET (default ./falconet), FALCONET_SHARED (default ../shared beside the repository)
#
# Rules: for each copy count C, falco_rules.yaml and the flagship seed_rule.yaml with their lists and macros once and
# each rule C times, renamed "NAME (copy k)" (26 C rules). Timed per C: `falconet -V FILE` (load and compile only) and a replay of the capture
# with `-o json_output=true`. Printed: rules, medians of user+sys CPU and peak RSS, alerts (the same as with C=1:
# an event raises one alert, for its first matching rule, as in Falco), and the replay's CPU beyond C=1 per event and per copy: flat when the cost is linear in the rules.
# The in-process curves run `bench/Falconet.Benchmarks -- scaling` (ns per operation at each size; see ScalingProfile).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FALCONET_SHARED:-$root/../shared}"
falconet="${FALCONET:-$root/falconet}"
runs=3
events=50000
copies="1 10 100 1000"
out=""
inprocess=yes
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --copies) copies="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-inprocess) inprocess=no; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "scaling: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -x /usr/bin/time ]] || { echo "scaling: /usr/bin/time (GNU time) is needed" >&2; exit 2; }
falco_rules="$shared/rules/falco_rules.yaml"
seed_rules="$shared/rules/seed_rule.yaml"
generator="$shared/tools/make-big-capture.py"
for f in "$falco_rules" "$seed_rules" "$generator"; do
  [[ -f "$f" ]] || { echo "scaling: $f is missing (set FALCONET_SHARED)" >&2; exit 2; }
done
capture="/tmp/falconet-replay-$events.scap"
if [[ ! -f "$capture" ]]; then
  echo "scaling: generating $capture ($events events, seed 1)..." >&2
  python3 "$generator" "$capture.tmp" --events "$events" --seed 1 --summary "${capture%.scap}.summary.json" --quiet >/dev/null
  mv -f "$capture.tmp" "$capture"
fi
out="${out:-$(mktemp -d /tmp/falconet-scaling.XXXXXX)}"
mkdir -p "$out"
rm -f "$out"/*.times
"$falconet" --version >/dev/null

# Renamed copies: split falco_rules.yaml into its top-level items; every "- rule:" item is written C times.
for c in $copies; do
  for which in rules seed; do
    if [[ $which == rules ]]; then src="$falco_rules"; else src="$seed_rules"; fi
    python3 - "$src" "$c" "$out/$which-$c.yaml" <<'PY'
import re, sys
src, copies, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
items, current = [], []
for line in open(src):
    if line.startswith("- ") and current:
        items.append(current)
        current = []
    current.append(line)
items.append(current)
with open(dst, "w") as f:
    for item in items:
        m = re.match(r"- rule: *(.*?) *$", item[0])
        if not m:
            f.writelines(item)
            continue
        for k in range(1, copies + 1):
            f.write(f"- rule: {m.group(1)} (copy {k})\n")
            f.writelines(item[1:])
PY
  done
done

echo "scaling: capture $capture, copies: $copies, $runs runs, load average $(cut -d' ' -f1-3 /proc/loadavg), outputs in $out" >&2
for ((r = 1; r <= runs; r++)); do
  for c in $copies; do
    /usr/bin/time -f '%e %U %S %M' -o "$out/t" "$falconet" -V "$out/rules-$c.yaml" -V "$out/seed-$c.yaml" >/dev/null 2>"$out/validate-$c.err" \
      || { echo "scaling: -V rules-$c.yaml failed, see $out/validate-$c.err" >&2; exit 1; }
    cat "$out/t" >>"$out/validate-$c.times"
    /usr/bin/time -f '%e %U %S %M' -o "$out/t" "$falconet" -r "$out/rules-$c.yaml" -r "$out/seed-$c.yaml" -e "$capture" -o json_output=true \
      >"$out/replay-$c.out" 2>"$out/replay-$c.err" || { echo "scaling: replay with rules-$c.yaml failed, see $out/replay-$c.err" >&2; exit 1; }
    echo "$(cat "$out/t") $(wc -l <"$out/replay-$c.out")" >>"$out/replay-$c.times"
  done
done
echo "scaling: load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$out" "$events" $copies <<'PY'
import re, statistics as st, sys
out, events, copies = sys.argv[1], int(sys.argv[2]), [int(c) for c in sys.argv[3:]]
def rows(path):
    return [l.split() for l in open(path) if l.strip()]
print(f"{'copies':>6} {'rules':>6} {'-V cpu s':>9} {'-V RSS MiB':>10} {'replay cpu s':>12} {'RSS MiB':>8} {'alerts':>7} {'ns/event/copy beyond 1':>23}")
base = None
ok = True
for c in copies:
    v = rows(f"{out}/validate-{c}.times")
    p = rows(f"{out}/replay-{c}.times")
    nrules = sum(1 for w in ("rules", "seed") for l in open(f"{out}/{w}-{c}.yaml") if re.match(r"- rule:", l))
    vcpu = st.median(float(r[1]) + float(r[2]) for r in v)
    vrss = st.median(float(r[3]) for r in v) / 1024
    pcpu = st.median(float(r[1]) + float(r[2]) for r in p)
    prss = st.median(float(r[3]) for r in p) / 1024
    alerts = sorted({int(r[4]) for r in p})
    if base is None:
        base = (c, pcpu, alerts[0])
        extra = "-"
    else:
        extra = f"{(pcpu - base[1]) * 1e9 / events / (c - base[0]):.1f}"
        # Like Falco, an event raises at most one alert (its first matching rule), so copies add no alerts.
        if alerts != [base[2]]:
            print(f"ALERTS: {c} copies gave {alerts}, expected {base[2]} as with one copy")
            ok = False
    print(f"{c:>6} {nrules:>6} {vcpu:>9.2f} {vrss:>10.1f} {pcpu:>12.2f} {prss:>8.1f} {str(alerts[0] if len(alerts) == 1 else alerts):>7} {extra:>23}")
sys.exit(0 if ok else 1)
PY

if [[ $inprocess == yes ]]; then
  echo "scaling: in-process curves (bench/Falconet.Benchmarks -- scaling)..." >&2
  FALCONET_SHARED="$shared" dotnet run -c Release --project "$root/bench/Falconet.Benchmarks" -- scaling
fi
