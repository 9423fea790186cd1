# replay-lib.sh - sourced by replay.sh and replay-compare.sh: the flagship rule as a sysdig filter and the timed run.
# The sourcing script sets `out` (the folder for outputs and timings) and `tool` (the name its messages start with).

# The seed rule's "outbound" macro with its list expanded, in sysdig 0.29.3 filter syntax (the same text works there:
# fd.name_changed, fd.snet, fd.typechar and evt.rawres all exist in 0.29.3).
outbound='(((evt.type = connect and evt.dir=<) or (evt.type in (sendto,sendmsg) and evt.dir=< and fd.l4proto != tcp and fd.connected=false and fd.name_changed=true)) and (fd.typechar = 4 or fd.typechar = 6) and (fd.ip != "0.0.0.0" and fd.net != "127.0.0.0/8" and not fd.snet in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")) and (evt.rawres >= 0 or evt.res = EINPROGRESS))'
# The whole seed rule, minus fd.sip.name (sysdig 0.29.3 has no such field; no address of the capture resolves anyway).
# replay-compare.sh checks that sysdig and falconet match the same events with it.
seed_filter="$outbound and not ((fd.sip in (\"127.0.0.1\", \"8.8.8.8\")) or (fd.snet in (\"127.0.0.1/8\")))"

# measure NAME CMD...: one timed run; stdout to $out/NAME.out, stderr to $out/NAME.err, "wall user sys maxrss_kb"
# appended to $out/NAME.times and the output's line count to $out/NAME.counts. A failed command is reported as failed
# (its stderr kept) and not run again; the others still run.
measure() {
  local name="$1"; shift
  [[ -f "$out/$name.failed" ]] && return 0
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$out/$name.time1" "$@" >"$out/$name.out" 2>"$out/$name.err" || rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "$tool: $name failed (exit $rc), see $out/$name.err" >&2
    echo "$rc" >"$out/$name.failed"
    return 0
  fi
  cat "$out/$name.time1" >>"$out/$name.times"
  wc -l <"$out/$name.out" >>"$out/$name.counts"
}
