#!/usr/bin/env bash
# Soak run (not a test): one falconet process for N minutes, sampling its RSS, GC heap, open fds and threads
# every minute, to show that memory stays flat and fds/threads do not grow.
#
#   bench/soak.sh replay MINUTES CAPTURE [RULES]   CAPTURE (plain scap, e.g. from make-big-capture.py) is fed on
#                                                   stdin in a loop (concatenated captures: state restarts each
#                                                   round), with stdout, file, program and HTTP outputs on
#   bench/soak.sh live MINUTES [RULES]              live capture (root) while a mixed workload runs (opens, execs,
#                                                   loopback connects and DNS-free name lookups of /etc/hosts)
#
# Output: one line a minute, "minute rss_kib gc_heap_bytes fds threads", then the growth from minute 1 to the end.
# GC heap comes from dotnet-counters (installed from NuGet into bench/.tools) when it can be installed; otherwise "-".
# Everything stays on this machine: the HTTP output posts to a listener on 127.0.0.1 that this script starts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${1:?replay|live}"
minutes="${2:?minutes}"
work="$(mktemp -d /tmp/falconet-soak.XXXXXX)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish src/Falconet.Cli -c Release -o "$work/bin" -p:UseAppHost=false >/dev/null
tools="bench/.tools"
if [ ! -x "$tools/dotnet-counters" ]; then
  dotnet tool install dotnet-counters --version 10.0.750501 --tool-path "$tools" >/dev/null 2>&1 || true
fi
counters="$tools/dotnet-counters"
# A global install (dotnet tool install -g) serves as well when the local one could not be installed.
[ -x "$counters" ] || counters="$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")"

# A loopback HTTP sink that accepts every POST.
python3 - "$work/port" <<'PY' &
import http.server, sys, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0))); self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
s = socketserver.ThreadingTCPServer(("127.0.0.1", 0), H); open(sys.argv[1], "w").write(str(s.server_address[1])); s.serve_forever()
PY
while [ ! -s "$work/port" ]; do sleep 0.2; done
port="$(cat "$work/port")"
outputs=(-o dns.mode=observed -o json_output=true
  -o file_output.enabled=true -o "file_output.filename=$work/events.txt" -o file_output.keep_alive=true
  -o program_output.enabled=true -o "program_output.program=cat > /dev/null" -o program_output.keep_alive=true
  -o http_output.enabled=true -o "http_output.url=http://127.0.0.1:$port/")

case "$mode" in
  replay)
    capture="${3:?capture}"
    rules="${4:-../shared/rules/seed_rule.yaml}"
    ( while true; do cat "$capture"; done ) | dotnet "$work/bin/falconet.dll" -r "$rules" -e - "${outputs[@]}" >/dev/null 2>"$work/stderr" &
    ;;
  live)
    rules="${3:-}"
    args=()
    [ -n "$rules" ] && args=(-r "$rules")
    dotnet "$work/bin/falconet.dll" "${args[@]}" "${outputs[@]}" >/dev/null 2>"$work/stderr" &
    # Mixed workload, bounded by the soak's duration: files, processes, loopback sockets.
    ( end=$((SECONDS + minutes * 60 + 30)); while [ $SECONDS -lt $end ]; do
        for i in $(seq 50); do cat /etc/hostname >/dev/null; ls /tmp >/dev/null; done
        python3 -c 'import socket; s=socket.socket(); s.settimeout(0.2)
try: s.connect(("127.0.0.1", 9))
except OSError: pass' ; getent hosts localhost >/dev/null; sleep 0.2
      done ) &
    ;;
  *) echo "usage: $0 replay|live MINUTES ..." >&2; exit 2 ;;
esac
sleep 5
pid="$(pgrep -n -f "$work/bin/falconet.dll")"
echo "# falconet pid $pid, mode $mode, $minutes min; minute rss_kib gc_heap_bytes fds threads"
first=""
for minute in $(seq 1 "$minutes"); do
  sleep 60
  [ -d "/proc/$pid" ] || { echo "falconet ended early:"; cat "$work/stderr"; exit 1; }
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  threads=$(awk '/Threads/ {print $2}' "/proc/$pid/status")
  fds=$(ls "/proc/$pid/fd" | wc -l)
  heap="-"
  if [ -x "$counters" ]; then
    # The GC heap after the last collection: the sum over generations (gen0-2, LOH, POH) of the last sample.
    heap=$(timeout 30 "$counters" collect -p "$pid" --counters System.Runtime --duration 00:00:05 --format csv -o "$work/c.csv" >/dev/null 2>&1 \
      && grep 'last_collection.heap.size' "$work/c.csv" | tail -5 | awk -F, '{s += $NF} END {if (NR) print s; else print "-"}' || echo "-")
  fi
  line="$minute $rss ${heap:--} $fds $threads"
  echo "$line"
  [ -z "$first" ] && first="$line"
done
read -r _ rss0 _ fds0 thr0 <<<"$first"
echo "# growth from minute 1: rss $(( (rss - rss0) * 100 / rss0 ))%, fds $((fds - fds0)), threads $((threads - thr0))"
read -r _ _ heap0 _ _ <<<"$first"
if [[ "$heap0" =~ ^[0-9]+$ && "$heap" =~ ^[0-9]+$ ]]; then
  echo "# gc heap from minute 1: $heap0 -> $heap bytes ($(( (heap - heap0) * 100 / heap0 ))%)"
fi
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
tail -5 "$work/stderr"
