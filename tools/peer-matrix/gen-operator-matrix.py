#!/usr/bin/env python3
"""Generates tests/Falconet.Rules.Tests/Data/operator-matrix.tsv: every (field type x operator [x modifier]) check,
with what the real Falco 0.44.1 (the peer build, see ../shared/peer) says of it at load time (`-V`): `ok`, or the
error message, plus the load warnings' messages. Run it where the peer is unpacked:

    tools/peer-matrix/gen-operator-matrix.py /work/peer/falco-peer/falco-peer > tests/Falconet.Rules.Tests/Data/operator-matrix.tsv

One rules file per check: Falco stops compiling a file at its first rule error.
"""
import concurrent.futures, json, os, subprocess, sys, tempfile

# One field per libsinsp type, with a literal of that type (scalar, and a list for list operators/modifiers).
FIELDS = [
    ("proc.name", "foo", "(foo, bar)"),              # CHARBUF
    ("fs.path.name", "/tmp/x", "(/tmp/x, /tmp/y)"),  # FSPATH
    ("evt.buffer", "foo", "(foo, bar)"),              # BYTEBUF
    ("proc.pid", "1", "(1, 2)"),                      # INT64
    ("evt.cpu", "1", "(1, 2)"),                       # INT16
    ("user.uid", "0", "(0, 1)"),                      # UINT32
    ("evt.num", "1", "(1, 2)"),                       # UINT64
    ("evt.latency", "1", "(1, 2)"),                   # RELTIME
    ("evt.rawtime", "1", "(1, 2)"),                   # ABSTIME
    ("proc.is_exe_writable", "true", "(true, false)"),  # BOOL
    ("fd.sport", "80", "(80, 443)"),                  # PORT
    ("fd.cport", "80", "(80, 443)"),                  # PORT
    ("fd.port", "80", "(80, 443)"),                   # PORT, either end (FILTER_ONLY)
    ("fd.lport", "80", "(80, 443)"),                  # PORT, local end
    ("fd.sip", "10.0.0.1", "(10.0.0.1, 10.0.0.2)"),   # IPADDR
    ("fd.cip", "10.0.0.1", "(10.0.0.1, 10.0.0.2)"),   # IPADDR
    ("fd.ip", "10.0.0.1", "(10.0.0.1, 10.0.0.2)"),    # IPADDR, either end
    ("fd.rip", "10.0.0.1", "(10.0.0.1, 10.0.0.2)"),   # IPADDR, remote end
    ("fd.snet", "10.0.0.0/8", "(10.0.0.0/8, 192.168.0.0/16)"),  # IPNET
    ("fd.cnet", "10.0.0.0/8", "(10.0.0.0/8, 192.168.0.0/16)"),  # IPNET
    ("fd.net", "10.0.0.0/8", "(10.0.0.0/8, 192.168.0.0/16)"),   # IPNET, either end
    ("fd.lnet", "10.0.0.0/8", "(10.0.0.0/8, 192.168.0.0/16)"),  # IPNET, local end
    ("fd.types", "file", "(file, ipv4)"),             # CHARBUF list (IS_LIST)
    ("fd.num", "1", "(1, 2)"),                        # INT64
    ("evt.rawres", "0", "(0, 1)"),                    # INT64
]

STRING_OPS = ["=", "==", "!=", "glob", "iglob", "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "regex"]
NUM_OPS = ["<", "<=", ">", ">="]
LIST_OPS = ["in", "intersects", "pmatch"]
MODIFIERS = ["oneof", "anyof", "allof"]


# Literal conversion, regexes, NUL bytes, escapes and buffers: values that are not of the field's type, and hints.
EXTRA = [
    "fd.net = ::/0", "fd.snet = ::/0", "fd.snet = 0.0.0.0/0", "fd.snet = 10.0.0.0/33", "fd.snet = ::1/129", "fd.snet = 10.0.0.0",
    "fd.snet = 10.0.0.1/8", "fd.sip = 1.2.3", "fd.sip = 1.2.3.4.5", "fd.sip = ::g", "fd.sip = 010.0.0.1", "fd.sip = ::ffff:1.2.3.4",
    "fd.sport = http", "fd.sport = 0x50", "fd.sport = -1", "fd.sport = 65536", "proc.pid = 1.5", "proc.pid = 0x10", "proc.pid = -5",
    "user.uid = -1", "proc.is_exe_writable = 1", "proc.is_exe_writable = TRUE",
    "proc.name regex '\\d+'", "proc.name regex '[0-9]+'", "proc.name regex 'abc'", "proc.name regex '^abc'", "proc.name regex 'abc$'",
    "proc.name regex '.*abc'", "proc.name regex 'abc.*'", "proc.name regex '^abc$'", "proc.name regex '(a'", "proc.name regex 'a{2}'",
    "proc.name regex '(?i)abc'", "proc.name regex '[[:alpha:]]+'", "proc.name regex '\\w+'", "proc.name regex 'a|b'",
    "proc.name = proc.pid", "proc.name = fd.name", "proc.name = 'fd.name'", "proc.name = fd.nope", "proc.name in (fd.name, x)",
    "proc.name = 'toupper(proc.name)'", "proc.name = 'len(proc.nope)'", "proc.name = toupper", "proc.name contains 'proc.args[1]'",
    "proc.name = 'a\\x00b'", "proc.name contains 'a\\x00'", "proc.name in ('a\\x00')", "proc.name = 'a\\x41'", "proc.name = 'a\\q'",
    "proc.name = 'a\\x4'", "proc.name = \"a\\'b\"", "proc.name = 'a\\\"b'", "proc.name = 'a\\ b'", "proc.name = \"tab\\there\"",
    "evt.buffer = 'a\\x00b'", "evt.buffer contains 'a\\x00'", "evt.buffer bcontains 00", "evt.buffer bcontains 0g",
    "evt.buffer bcontains 123", "evt.buffer bcontains ''", "evt.buffer bstartswith 4854", "evt.buffer bcontains 'de ad'",
    "evt.buffer startswith 'a\\x00'", "evt.buffer in ('a\\x00', b)",
]


def value_for(op, scalar):
    # bcontains/bstartswith take hex; regex takes a pattern that is not a plain string (no "simpler operator" hint).
    if op in ("bcontains", "bstartswith"):
        return "666f"
    if op == "regex":
        return "'f.o'" if not scalar[0].isdigit() else "'1.*2'"
    return scalar


def cases():
    for field, scalar, lst in FIELDS:
        yield f"{field} exists"
        for op in STRING_OPS + NUM_OPS:
            yield f"{field} {op} {value_for(op, scalar)}"
        for op in LIST_OPS:
            yield f"{field} {op} {lst}"
        for op in STRING_OPS:
            items = lst
            if op in ("bcontains", "bstartswith"):
                items = "(666f, 6261)"
            elif op == "regex":
                items = "('f.o', 'b.r')"
            for m in MODIFIERS:
                yield f"{field} {op} {m} {items}"
        for op in ["<", "in"]:
            yield f"{field} {op} oneof {lst}"
    yield from EXTRA


def run(peer, condition):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "matrix.yaml")
        with open(path, "w") as f:
            # The evt.type check keeps LOAD_NO_EVTTYPE out; the condition is a block scalar so quotes pass as is.
            f.write(f"- rule: r\n  desc: d\n  condition: >-\n    evt.type = open and {condition}\n  output: o\n  priority: INFO\n")
        out = subprocess.run([peer, "-V", path, "-o", "json_output=true"], capture_output=True, text=True, cwd=tmp).stdout
    result = json.loads(out)["falco_load_results"][0]
    errors = [e["message"] for e in result.get("errors", [])]
    warnings = [w["code"] + ": " + w["message"] for w in result.get("warnings", [])]
    return (errors[0] if errors else "ok"), " | ".join(warnings)


def main():
    peer = sys.argv[1]
    conditions = list(cases())
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda c: run(peer, c), conditions))
    print("# Generated by tools/peer-matrix/gen-operator-matrix.py from Falco 0.44.1's `-V` (the peer build).")
    print("# condition<TAB>ok|error message<TAB>warnings (code: message, joined by ' | ')")
    for c, (error, warnings) in zip(conditions, results):
        print(f"{c}\t{error}\t{warnings}")


main()
