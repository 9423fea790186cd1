#!/usr/bin/env bash
# Tests the ./falconet launcher's staleness check in a temporary tree with a stub dotnet: which changes rebuild
# (edited, deleted and added sources, global.json, eBPF tools installed after a build without them) and which do
# not, and that two first runs at once build once. Usage: launcher-test.sh PATH/TO/falconet
set -euo pipefail
launcher="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tree="$tmp/tree"
mkdir -p "$tree/src/Falconet.Cli" "$tree/native/bpf" "$tmp/base" "$tmp/tools"
cp "$launcher" "$tree/falconet"
printf '<Project />\n' >"$tree/src/Falconet.Cli/Falconet.Cli.csproj"
printf 'class Program {}\n' >"$tree/src/Falconet.Cli/Program.cs"
printf 'class Old {}\n' >"$tree/src/Falconet.Cli/Old.cs"
printf 'int x;\n' >"$tree/native/bpf/probe.c"
printf '{}\n' >"$tree/global.json"
printf '<Project />\n' >"$tree/Directory.Build.props"

# Only the utilities the launcher uses are on PATH, so clang-14/bpftool on this machine do not count as installed.
for tool in bash env find sort cksum cut mkdir touch mv rm cat flock dirname sleep uname grep; do
  if p="$(command -v "$tool")"; then ln -s "$p" "$tmp/base/$tool"; fi
done
builds="$tmp/builds"
: >"$builds"
cat >"$tmp/base/dotnet" <<STUB
#!$(command -v bash)
if [[ "\$1" == build || "\$1" == publish ]]; then
  echo "\$*" >>"$tmp/build-args"
  while [[ \$# -gt 0 ]]; do [[ "\$1" == -o ]] && out="\$2"; shift; done
  echo build >>"$builds"
  sleep 1 # long enough for a second launcher to reach the staleness check while this build runs
  : >"\$out/falconet.dll"
  if command -v clang-14 >/dev/null 2>&1; then : >"\$out/falconet.bpf.o"; fi
  exit 0
fi
echo ran
STUB
chmod +x "$tmp/base/dotnet"
for tool in clang-14 bpftool make; do printf '#!/bin/sh\n' >"$tmp/tools/$tool"; chmod +x "$tmp/tools/$tool"; done
: >"$tmp/bpf_helpers.h"

failures=0
run() { PATH="$tmp/base" FALCONET_BPF_HELPERS_H="$tmp/bpf_helpers.h" "$tree/falconet" >/dev/null 2>&1; }
run_with_tools() { PATH="$tmp/base:$tmp/tools" FALCONET_BPF_HELPERS_H="$tmp/bpf_helpers.h" "$tree/falconet" >/dev/null 2>&1; }
count() { local c=0; while read -r _; do c=$((c + 1)); done <"$builds"; echo "$c"; }
expect() {
  local n; n=$(count)
  if [[ "$n" -ne "$1" ]]; then echo "FAIL: $2: expected $1 builds in all, got $n"; failures=$((failures + 1)); else echo "ok: $2"; fi
}

run; expect 1 "first run builds"
run; expect 1 "second run does not build"
rm "$tree/src/Falconet.Cli/Old.cs"; run; expect 2 "deleted source rebuilds"
run; expect 2 "no rebuild after the deletion was built"
printf 'class New {}\n' >"$tree/src/Falconet.Cli/New.cs"; run; expect 3 "added source rebuilds"
touch "$tree/global.json"; run; expect 4 "global.json rebuilds"
touch "$tree/src/Falconet.Cli/Program.cs"; run; expect 5 "edited source rebuilds"
run_with_tools; expect 6 "eBPF tools installed after a build without the probe rebuild"
run_with_tools; expect 6 "no rebuild once the probe was built"
run; expect 6 "no rebuild when the tools go away after the probe was built"
touch "$tree/src/Falconet.Cli/bin.txt"; run; expect 6 "files the build does not read do not rebuild"

rm -rf "$tree/.falconet-build"
run & first=$!
run & second=$!
wait "$first"; wait "$second"
expect 7 "two first runs at once build once"
[[ "$(PATH="$tmp/base" "$tree/falconet")" == ran ]] || { echo "FAIL: the launcher does not run the build"; failures=$((failures + 1)); }
# The build is a ReadyToRun publish (start-up, docs/performance.md) on the machines it knows.
case "$(uname -m)" in
  x86_64|aarch64)
    if grep -q -- '-p:PublishReadyToRun=true' "$tmp/build-args"; then echo "ok: builds are ReadyToRun publishes"
    else echo "FAIL: the launcher did not publish with ReadyToRun"; failures=$((failures + 1)); fi ;;
esac

if [[ "$failures" -ne 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all launcher checks passed"
