#!/usr/bin/env bash
# Long fuzz runs of every Falconet fuzz target (bench/Falconet.Fuzz), for the robustness issue's note.
#
#   bench/fuzz.sh [MINUTES_PER_TARGET] [TARGET...]     default: 30 minutes, every target
#
# With FUZZ_INSTRUMENT=1 (the default) the Falconet assemblies are rewritten by SharpFuzz's `sharpfuzz` tool
# (installed from NuGet into bench/.tools), so the runner reads SharpFuzz's edge map in process: new edges keep an
# input in the corpus, and the progress lines print the edges seen. FUZZ_INSTRUMENT=0 runs uninstrumented (guided
# by outcome classes only; edges stay 0). Findings go to $FUZZ_FINDINGS (default /tmp/falconet-fuzz-findings);
# reproduce one with `dotnet <out>/Falconet.Fuzz.dll TARGET --repro FILE`.
# Each target prints, every minute: executions, executions/s, outcome classes, corpus size, edges.
# FUZZ_PARALLEL=1 runs the targets concurrently, one process each, logging to $FUZZ_LOGS (default /tmp/falconet-fuzz-logs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
minutes="${1:-30}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(condition rules capture output dns config record)
findings="${FUZZ_FINDINGS:-/tmp/falconet-fuzz-findings}"
out="${FUZZ_OUT:-/tmp/falconet-fuzz-build}"

dotnet publish bench/Falconet.Fuzz -c Release -o "$out" -p:UseAppHost=false >/dev/null
if [ "${FUZZ_INSTRUMENT:-1}" = "1" ]; then
  tools="$PWD/bench/.tools"
  if [ ! -x "$tools/sharpfuzz" ]; then
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
  fi
  for dll in "$out"/Falconet.*.dll; do
    case "$(basename "$dll")" in
      Falconet.Fuzz.dll) ;; # the driver itself is not instrumented
      *) "$tools/sharpfuzz" "$dll" >/dev/null ;;
    esac
  done
  echo "instrumented: $(ls "$out"/Falconet.*.dll | grep -vc Falconet.Fuzz.dll) assemblies"
fi

export FALCONET_REPO="$PWD"
status=0
if [ "${FUZZ_PARALLEL:-0}" = "1" ]; then
  # Every target at once, one process each, each logging to $FUZZ_LOGS/TARGET.log; the summary lists their last lines.
  logs="${FUZZ_LOGS:-/tmp/falconet-fuzz-logs}"
  mkdir -p "$logs"
  pids=()
  for target in "${targets[@]}"; do
    dotnet "$out/Falconet.Fuzz.dll" "$target" --minutes "$minutes" --seed "${FUZZ_SEED:-$RANDOM}" --findings "$findings" >"$logs/$target.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { status=1; echo "${targets[$i]}: exit status non-zero (see $logs/${targets[$i]}.log)"; }
  done
  for target in "${targets[@]}"; do grep '^\[' "$logs/$target.log" | tail -1; done
  exit "$status"
fi
for target in "${targets[@]}"; do
  dotnet "$out/Falconet.Fuzz.dll" "$target" --minutes "$minutes" --seed "${FUZZ_SEED:-$RANDOM}" --findings "$findings" || status=1
done
exit "$status"
