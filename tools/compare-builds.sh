#!/usr/bin/env bash
# compare-builds.sh - replays every shared capture with seed_rule.yaml, field_battery.yaml and official_macros.yaml
# through two builds of Falconet and reports any difference in the alerts (byte for byte); optionally times both
# builds on a large capture, alternating, and prints the median user+sys CPU of each.
#
# usage: tools/compare-builds.sh REV_A REV_B [--time CAPTURE] [--runs N]
#   REV_A, REV_B  git revisions of this repository (e.g. c30e4c5 HEAD); each is built in Release in a temporary worktree
#   --time        also replay CAPTURE (e.g. from ../shared/tools/make-big-capture.py) with falco_rules.yaml + seed_rule.yaml,
#                 N times each, and compare those alerts too
# environment: FALCONET_SHARED (default ../shared beside the repository)
# exit: 0 when the alerts are identical, 1 when they differ, 2 on a usage or build error
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FALCONET_SHARED:-$root/../shared}"
[[ $# -ge 2 ]] || { sed -n '2,11p' "$0"; exit 2; }
rev_a="$1"; rev_b="$2"; shift 2
timed=""; runs=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --time) timed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "compare-builds: unknown argument $1" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d /tmp/falconet-compare.XXXXXX)"
cleanup() { for w in "$work"/src-*; do [[ -d "$w" ]] && git -C "$root" worktree remove --force "$w" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT

build() { # rev name
  git -C "$root" worktree add --detach "$work/src-$2" "$1" >/dev/null 2>&1 || { echo "compare-builds: cannot check out $1" >&2; exit 2; }
  dotnet build "$work/src-$2/src/Falconet.Cli/Falconet.Cli.csproj" -c Release -o "$work/bin-$2" -p:FalconetSkipBpf=true --nologo -v quiet -clp:ErrorsOnly \
    >"$work/build-$2.log" 2>&1 || { cat "$work/build-$2.log" >&2; echo "compare-builds: build of $1 failed" >&2; exit 2; }
}
build "$rev_a" a
build "$rev_b" b

status=0
for rules in seed_rule.yaml field_battery.yaml official_macros.yaml; do
  for capture in "$shared"/captures/*.scap; do
    name="$(basename "$capture" .scap)-${rules%.yaml}"
    for side in a b; do
      dotnet "$work/bin-$side/falconet.dll" -r "$shared/rules/$rules" -e "$capture" -o json_output=true -o rule_matching=all \
        >"$work/$name.$side.out" 2>/dev/null || true
    done
    if ! cmp -s "$work/$name.a.out" "$work/$name.b.out"; then
      echo "DIFFERENT: $name ($(wc -l <"$work/$name.a.out") vs $(wc -l <"$work/$name.b.out") alerts)"
      status=1
    else
      echo "identical: $name ($(wc -l <"$work/$name.a.out") alerts)"
    fi
  done
done

if [[ -n "$timed" ]]; then
  for side in a b; do : >"$work/cpu-$side"; done
  for ((i = 0; i < runs; i++)); do
    for side in a b; do
      /usr/bin/time -f '%U %S %M' -o "$work/t" dotnet "$work/bin-$side/falconet.dll" -r "$shared/rules/falco_rules.yaml" \
        -r "$shared/rules/seed_rule.yaml" -e "$timed" -o json_output=true >"$work/timed.$side.out" 2>/dev/null || true
      awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$work/t" >>"$work/cpu-$side"
    done
  done
  # The timed runs' alerts too (of the last round), byte for byte: the big capture reaches far more code than the
  # shared captures (thousands of replayed processes, reused fds and threads).
  if ! cmp -s "$work/timed.a.out" "$work/timed.b.out"; then
    echo "DIFFERENT: $(basename "$timed") falco_rules+seed_rule ($(wc -l <"$work/timed.a.out") vs $(wc -l <"$work/timed.b.out") alerts)"
    status=1
  else
    echo "identical: $(basename "$timed") falco_rules+seed_rule ($(wc -l <"$work/timed.a.out") alerts)"
  fi
  for side in a b; do
    rev="$rev_a"; [[ $side == b ]] && rev="$rev_b"
    sort -n "$work/cpu-$side" | awk -v rev="$rev" -v n="$runs" '{ c[NR] = $1; m[NR] = $2 } END { i = int((n + 1) / 2); printf "%s: median user+sys %.2f s, peak RSS %d KiB (runs: %d)\n", rev, c[i], m[i], n }'
  done
fi
exit "$status"
