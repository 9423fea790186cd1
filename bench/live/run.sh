#!/usr/bin/env bash
# Live benchmark: connect-heavy workloads without Falconet and under Falconet (built-in rules, then Falco's
# falco_rules.yaml), 3 runs each, medians; then the same with two generators at once.
# Usage (root): bench/live/run.sh [COUNT] [RUNS]     (defaults: 200000 3)
# FALCONET_DLL=path/falconet.dll uses that build instead of ./falconet's; FALCO_RULES=path overrides
# ../shared/rules/falco_rules.yaml.
# Output: one line per run on stderr, a summary table on stdout. Traffic stays on 127.0.0.1 (a closed port).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
count="${1:-200000}"
runs="${2:-3}"
port=9   # closed on loopback: TCP connects are refused at once, UDP connect() needs no peer
work="$(mktemp -d /tmp/falconet-bench-live.XXXXXX)"
trap 'rm -rf "$work"' EXIT
falco_rules="${FALCO_RULES:-$root/../shared/rules/falco_rules.yaml}"

gcc -O2 -o "$work/connect_storm" "$root/bench/live/connect_storm.c"
if [[ -z "${FALCONET_DLL:-}" ]]; then
  "$root/falconet" --dry-run >/dev/null   # builds Release if needed
fi
dll="${FALCONET_DLL:-$root/.falconet-build/falconet.dll}"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "port $port is open on 127.0.0.1; pick a closed port" >&2; exit 1
fi

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# run_generators MODE N: N generators at once; prints the mean rate per generator (connects/s)
run_generators() {
  local mode=$1 n=$2 i pids=()
  for ((i = 0; i < n; i++)); do
    "$work/connect_storm" "$mode" "$count" "$port" >"$work/gen.$i" &
    pids+=($!)
  done
  wait "${pids[@]}"
  cat "$work"/gen.* | awk '{s += $4} END {printf "%.0f\n", s / NR}'
  rm -f "$work"/gen.*
}

# start_falconet RULES...: starts live Falconet, waits until capture is attached; sets fpid
start_falconet() {
  dotnet "$dll" -v -M 900 "$@" >"$work/alerts" 2>"$work/stderr" &
  fpid=$!
  for _ in $(seq 1 600); do
    grep -q '^falconet: live capture of' "$work/stderr" && return 0
    kill -0 "$fpid" 2>/dev/null || { cat "$work/stderr" >&2; exit 1; }
    sleep 0.2
  done
  echo "falconet did not start" >&2; exit 1
}

# stop_falconet: SIGTERM, wait; sets produced and dropped from the end-of-run summary
stop_falconet() {
  kill -TERM "$fpid"; wait "$fpid" || true
  read -r produced dropped < <(sed -n 's/^Kernel events: \([0-9]*\) produced, [0-9]* received, \([0-9]*\) dropped.*/\1 \2/p' "$work/stderr")
}

declare -A result
measure() {   # measure LABEL MODE GENERATORS [RULES ARGS...]
  local label=$1 mode=$2 n=$3; shift 3
  local rates=() cpus=() drops=() r
  for ((r = 1; r <= runs; r++)); do
    if [[ "$label" == none ]]; then
      rates+=("$(run_generators "$mode" "$n")")
      echo "run $label $mode x$n #$r: ${rates[-1]}/s" >&2
      continue
    fi
    start_falconet "$@"
    sleep 1
    local before after start end
    before=$(cpu_ticks "$fpid"); start=$(date +%s.%N)
    rates+=("$(run_generators "$mode" "$n")")
    after=$(cpu_ticks "$fpid"); end=$(date +%s.%N)
    stop_falconet
    cpus+=("$(awk -v t=$((after - before)) -v hz="$ticks" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", 100 * t / hz / (e - s)}')")
    drops+=("$(awk -v p="$produced" -v d="$dropped" 'BEGIN {printf "%.1f", p ? 100 * d / p : 0}')")
    echo "run $label $mode x$n #$r: ${rates[-1]}/s, falconet CPU ${cpus[-1]}%, kernel events $produced produced, $dropped dropped (${drops[-1]}%)" >&2
  done
  result[$label,$mode,$n,rate]=$(printf '%s\n' "${rates[@]}" | median)
  if [[ "$label" != none ]]; then
    result[$label,$mode,$n,cpu]=$(printf '%s\n' "${cpus[@]}" | median)
    result[$label,$mode,$n,drop]=$(printf '%s\n' "${drops[@]}" | median)
  fi
}

for mode in tcp udp; do
  for n in 1 2; do
    measure none "$mode" "$n"
    measure builtin "$mode" "$n"
    measure falco_rules "$mode" "$n" -r "$falco_rules"
  done
done

echo "count=$count per generator, runs=$runs, medians; CPU = Falconet user+sys over the workload, % of one core"
printf '%-5s %-4s %-12s %12s %9s %8s %8s\n' mode gens rules connects/s overhead cpu% drops%
for mode in tcp udp; do
  for n in 1 2; do
    base=${result[none,$mode,$n,rate]}
    printf '%-5s %-4s %-12s %12.0f %9s %8s %8s\n' "$mode" "$n" none "$base" - - -
    for label in builtin falco_rules; do
      rate=${result[$label,$mode,$n,rate]}
      printf '%-5s %-4s %-12s %12.0f %8.1f%% %8s %7s%%\n' "$mode" "$n" "$label" "$rate" \
        "$(awk -v a="$rate" -v b="$base" 'BEGIN {print 100 * (a - b) / b}')" "${result[$label,$mode,$n,cpu]}" "${result[$label,$mode,$n,drop]}"
    done
  done
done
