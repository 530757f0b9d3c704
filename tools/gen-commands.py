#!/usr/bin/env python3
"""
gen-commands.py -- generate Cinnabar's command metadata table.

Connects to a running, real Redis 7.0.x server (the oracle), reads
COMMAND INFO and COMMAND DOCS for every command (including subcommands)
over a tiny built-in RESP3 client (standard library only), and writes
one JSON file per command group to

    src/main/resources/commands/<group>.json

Each file is a JSON array of command objects sorted by name, pretty-printed
with 2-space indentation. Module commands (group "module") are skipped.

Summaries are written by us, not copied from Redis: on re-run the script
PRESERVES every "summary" already present in the existing JSON files and
puts the placeholder "TODO" where none exists yet (new commands). Fill the
TODOs in by hand afterwards.

Usage:
    redis-server --port 7411 --save '' --appendonly no --daemonize no &
    python3 tools/gen-commands.py --port 7411 [--host 127.0.0.1] [--out DIR]
    python3 tools/gen-commands.py --check   # validate existing files vs server
"""

import argparse
import glob
import json
import os
import socket
import sys

GROUPS = [
    "string", "list", "set", "sorted-set", "hash", "pubsub", "transactions",
    "connection", "server", "scripting", "hyperloglog", "cluster", "sentinel",
    "geo", "stream", "bitmap", "generic",
]

# Order of keys in a command object and in an argument object.
COMMAND_KEYS = [
    "name", "arity", "flags", "first_key", "last_key", "step",
    "acl_categories", "tips", "key_specs", "group", "since", "complexity",
    "summary", "doc_flags", "deprecated_since", "replaced_by", "arguments",
    "subcommands",
]
ARG_KEYS = [
    "name", "type", "display_text", "key_spec_index", "token", "since",
    "flags", "deprecated_since", "value", "arguments",
]

TODO = "TODO"

# Our own short phrasing of the replacement for deprecated commands.
# Commands not listed here fall back to Redis's text (markup cleaned up).
REPLACED_BY = {
    "brpoplpush": "`BLMOVE source destination RIGHT LEFT`",
    "cluster|slaves": "`CLUSTER REPLICAS`",
    "cluster|slots": "`CLUSTER SHARDS`",
    "georadius": "`GEOSEARCH` or `GEOSEARCHSTORE` using `BYRADIUS`",
    "georadius_ro": "`GEOSEARCH` using `BYRADIUS`",
    "georadiusbymember": "`GEOSEARCH` or `GEOSEARCHSTORE` using `FROMMEMBER` and `BYRADIUS`",
    "georadiusbymember_ro": "`GEOSEARCH` using `FROMMEMBER` and `BYRADIUS`",
    "getset": "`SET` using `GET`",
    "hmset": "`HSET`, which accepts several field/value pairs",
    "rpoplpush": "`LMOVE source destination RIGHT LEFT`",
    "slaveof": "`REPLICAOF`",
    "substr": "`GETRANGE`",
    "zrangebylex": "`ZRANGE` using `BYLEX`",
    "zrangebyscore": "`ZRANGE` using `BYSCORE`",
    "zrevrange": "`ZRANGE` using `REV`",
    "zrevrangebylex": "`ZRANGE` using `BYLEX` and `REV`",
    "zrevrangebyscore": "`ZRANGE` using `BYSCORE` and `REV`",
}


# --------------------------------------------------------------------------
# Minimal RESP3 client
# --------------------------------------------------------------------------

class RespError(Exception):
    pass


class Resp:
    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return RespError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode()
        if t == b"=":                       # verbatim string: "txt:..."
            return self._exact(int(rest)).decode()[4:]
        if t == b"!":
            return RespError(self._exact(int(rest)).decode())
        if t in (b"*", b"~", b">"):         # array, set, push
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        if t in (b"%", b"|"):               # map, attribute
            d = {}
            for _ in range(int(rest)):
                k = self._read()
                d[k] = self._read()
            if t == b"|":                   # attribute precedes the real reply
                return self._read()
            return d
        if t == b"_":
            return None
        if t == b"#":
            return rest == b"t"
        if t == b",":
            return float(rest)
        if t == b"(":
            return int(rest)
        raise ValueError("unexpected RESP type byte %r" % t)

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            b = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(b), b))
        self.sock.sendall(b"".join(out))
        r = self._read()
        if isinstance(r, RespError):
            raise r
        return r


# --------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------

def ordered(d, keys):
    """Return a dict with keys in the given order, unknown keys appended."""
    out = {k: d[k] for k in keys if k in d}
    for k in d:
        if k not in out:
            out[k] = d[k]
    return out


def conv_args(args):
    res = []
    for a in args:
        a = dict(a)
        a.pop("summary", None)
        if "arguments" in a:
            a["arguments"] = conv_args(a["arguments"])
        res.append(ordered(a, ARG_KEYS))
    return res


def build(info, docs, old_summaries):
    """info: one COMMAND INFO entry (list); docs: its DOCS map."""
    (name, arity, flags, first, last, step, acl,
     tips, key_specs, subs) = info[:10]
    name = name.lower()
    o = {
        "name": name,
        "arity": arity,
        "flags": list(flags),
        "first_key": first,
        "last_key": last,
        "step": step,
        "acl_categories": list(acl),
    }
    if tips:
        o["tips"] = list(tips)
    if key_specs:
        o["key_specs"] = key_specs
    o["group"] = docs.get("group")
    o["since"] = docs.get("since")
    if docs.get("complexity"):
        o["complexity"] = docs["complexity"]
    o["summary"] = old_summaries.get(name) or TODO
    if docs.get("doc_flags"):
        o["doc_flags"] = list(docs["doc_flags"])
    if docs.get("deprecated_since"):
        o["deprecated_since"] = docs["deprecated_since"]
    if docs.get("replaced_by"):
        o["replaced_by"] = REPLACED_BY.get(
            name, docs["replaced_by"].replace("`!", "`"))
    if docs.get("arguments"):
        o["arguments"] = conv_args(docs["arguments"])
    if subs:
        subdocs = {k.lower(): v for k, v in (docs.get("subcommands") or {}).items()}
        children = []
        for s in subs:
            sname = s[0].lower()
            if sname not in subdocs:
                raise SystemExit("no COMMAND DOCS for subcommand " + sname)
            children.append(build(s, subdocs[sname], old_summaries))
        o["subcommands"] = sorted(children, key=lambda c: c["name"])
    return ordered(o, COMMAND_KEYS)


def load_old_summaries(outdir):
    res = {}

    def walk(cmds):
        for c in cmds:
            s = c.get("summary")
            if s and s != TODO:
                res[c["name"]] = s
            walk(c.get("subcommands", []))

    for path in glob.glob(os.path.join(outdir, "*.json")):
        with open(path, encoding="utf-8") as f:
            walk(json.load(f))
    return res


def fetch(host, port):
    r = Resp(host, port)
    try:
        r.call("HELLO", "3")
        info = r.call("COMMAND", "INFO")      # 7.0: no args = all commands
        docs = r.call("COMMAND", "DOCS")      # 7.0: no args = all commands
        count = r.call("COMMAND", "COUNT")
        version = r.call("INFO", "server")
    finally:
        r.close()
    ver = ""
    for line in version.splitlines():
        if line.startswith("redis_version:"):
            ver = line.split(":", 1)[1].strip()
    docs = {k.lower(): v for k, v in docs.items()}
    return info, docs, count, ver


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=7411)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(
        here, "..", "src", "main", "resources", "commands"))
    ap.add_argument("--check", action="store_true",
                    help="only validate existing files against the server")
    opts = ap.parse_args()
    outdir = os.path.normpath(opts.out)

    info, docs, count, ver = fetch(opts.host, opts.port)
    if not ver.startswith("7.0."):
        print("warning: oracle is redis %s, expected 7.0.x" % ver,
              file=sys.stderr)

    old = load_old_summaries(outdir) if os.path.isdir(outdir) else {}
    by_group = {g: [] for g in GROUPS}
    skipped = []
    for entry in info:
        name = entry[0].lower()
        d = docs.get(name)
        if d is None:
            raise SystemExit("no COMMAND DOCS for " + name)
        g = d.get("group")
        if g == "module" or g not in by_group:
            skipped.append("%s (%s)" % (name, g))
            continue
        by_group[g].append(build(entry, d, old))

    for g in GROUPS:
        by_group[g].sort(key=lambda c: c["name"])
    total = sum(len(v) for v in by_group.values())
    nsub = sum(len(c.get("subcommands", [])) for v in by_group.values()
               for c in v)
    todos = []
    for cmds in by_group.values():
        for c in cmds:
            for x in [c] + c.get("subcommands", []):
                if x["summary"] == TODO:
                    todos.append(x["name"])

    if opts.check:
        on_disk = {}
        for g in GROUPS:
            p = os.path.join(outdir, g + ".json")
            with open(p, encoding="utf-8") as f:
                on_disk[g] = json.load(f)
        bad = 0
        for g in GROUPS:
            if on_disk[g] != by_group[g]:
                print("MISMATCH in %s.json" % g)
                bad += 1
        print("redis %s: COMMAND COUNT=%d, generated top-level=%d, "
              "subcommands=%d, TODO summaries=%d" %
              (ver, count, total, nsub, len(todos)))
        sys.exit(1 if bad or todos or (total + len(skipped)) != count else 0)

    os.makedirs(outdir, exist_ok=True)
    for g in GROUPS:
        cmds = by_group[g]
        path = os.path.join(outdir, g + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(cmds, f, indent=2, ensure_ascii=False)
            f.write("\n")
    print("redis %s: COMMAND COUNT=%d; wrote %d top-level commands and %d "
          "subcommands into %d files in %s" %
          (ver, count, total, nsub, len(GROUPS), outdir))
    if skipped:
        print("skipped (module/unknown group): " + ", ".join(skipped))
    if total + len(skipped) != count:
        print("WARNING: count mismatch", file=sys.stderr)
    if todos:
        print("%d summaries still TODO: %s" % (len(todos), " ".join(todos)))


if __name__ == "__main__":
    main()
