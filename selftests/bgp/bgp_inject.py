#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw BGP test injector: speaks just enough BGP-4 to bring a session up,
announces 192.0.2.0/24, then sends one crafted UPDATE (or other message)
and reports what the daemon made of it:

  reset C/S        the daemon sent NOTIFICATION code C subcode S
  withdrawn        session up, the route is gone      (treat-as-withdraw)
  kept             session up, the route is still there (attribute-discard
                   or nothing wrong)

The verdict on the route comes from peeredged's control socket.

usage: bgp_inject.py --local A --peer B --as N --peer-as M --ctl SOCK
                     --neighbor NAME CASE      (CASE: see CASES; "fuzz:N")
"""
import argparse
import json
import random
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16


def msg(mtype, body):
    return MARKER + struct.pack("!HB", 19 + len(body), mtype) + body


def attr(flags, code, value):
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, code, len(value)) + value
    return struct.pack("!BBB", flags, code, len(value)) + value


def update(attrs=b"", nlri=b"", withdrawn=b""):
    return msg(2, struct.pack("!H", len(withdrawn)) + withdrawn +
               struct.pack("!H", len(attrs)) + attrs + nlri)


class Peer:
    def __init__(self, a):
        self.a = a
        self.origin = attr(0x40, 1, b"\x00")
        self.path = attr(0x40, 2, struct.pack("!BBI", 2, 1, a.peer_as))
        self.nh = attr(0x40, 3, socket.inet_aton(a.local))
        self.nlri = b"\x18\xc0\x00\x02"        # 192.0.2.0/24

    def good(self, extra=b""):
        return update(self.origin + self.path + self.nh + extra, self.nlri)


def cases(p):
    o, path, nh, nlri = p.origin, p.path, p.nh, p.nlri
    foreign = attr(0x40, 2, struct.pack("!BBII", 2, 2, 65099, p.a.peer_as))
    return {
        # RFC 7606 treat-as-withdraw
        "origin-value": update(attr(0x40, 1, b"\x07") + path + nh, nlri),
        "as-path-zero-segment": update(o + attr(0x40, 2, struct.pack("!BBI", 2, 1, p.a.peer_as) + b"\x02\x00") + nh, nlri),
        "next-hop-multicast": update(o + path + attr(0x40, 3, bytes([224, 0, 0, 1])), nlri),
        "communities-length": update(o + path + nh + attr(0xc0, 8, b"\x00\x01\x00\x02\x00"), nlri),
        "large-communities-length": update(o + path + nh + attr(0xc0, 32, bytes(11)), nlri),
        "missing-next-hop": update(o + path, nlri),
        "flags-conflict": update(attr(0xc0, 1, b"\x00") + path + nh, nlri),
        # RFC 4271 6.3 / RFC 7606 7.2: leftmost AS must be the peer's...
        "foreign-first-as": update(o + foreign + nh, nlri),
        # ... unless the neighbor is a route server (enforce-first-as off)
        "foreign-first-as-rs": update(o + foreign + nh, nlri),
        # RFC 7606 attribute-discard
        "atomic-aggregate-length": p.good(attr(0x40, 6, b"\x00")),
        "aggregator-length": p.good(attr(0xc0, 7, bytes(7))),
        "local-pref-from-ebgp": p.good(attr(0x40, 5, struct.pack("!I", 200))),
        "unknown-optional-transitive": p.good(attr(0xc0, 250, b"abc")),
        # session reset
        "duplicate-mp-unreach": update(o + path + nh + attr(0x80, 15, b"\x00\x02\x01") * 2, nlri),
        "nlri-length-33": update(o + path + nh, b"\x21\x0a\x00\x00\x00\x00"),
        "unrecognized-well-known": update(o + path + nh + attr(0x40, 99, b"\x00"), nlri),
        "attribute-block-overrun": msg(2, b"\x00\x00\x00\xff" + o),
        "bad-marker": b"\x00" * 16 + struct.pack("!HB", 19, 4),
        "bad-type": msg(9, b""),
    }


class Reader:
    """Splits the TCP stream into BGP messages."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def _complete(self):
        return len(self.buf) >= 19 and len(self.buf) >= struct.unpack("!H", self.buf[16:18])[0]

    def next(self, deadline):
        while not self._complete():
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                return None
            except OSError:
                return b"EOF"
            if not chunk:
                return b"EOF"
            self.buf += chunk
        n = max(19, struct.unpack("!H", self.buf[16:18])[0])
        m, self.buf = self.buf[:n], self.buf[n:]
        return m

    def until(self, want, seconds):
        """The first message of type want or a NOTIFICATION within seconds."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            m = self.next(deadline)
            if m is None or m == b"EOF":
                return m
            if m[18] == 3 or m[18] == want:
                return m
        return None


def ctl(path, *words):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    req = b"".join(w.encode() + b"\0" for w in words)
    s.sendall(struct.pack("!I", len(req)) + req)
    hdr = b""
    while len(hdr) < 8:
        hdr += s.recv(8 - len(hdr))
    status, n = struct.unpack("!II", hdr)
    body = b""
    while len(body) < n:
        body += s.recv(n - len(body))
    return status, body.decode()


def has_route(a):
    _, out = ctl(a.ctl, "-j", "route", "show", "192.0.2.0/24", "neighbor", a.neighbor)
    return any(r["prefix"] == "192.0.2.0/24" for r in json.loads(out)["routes"])


def main():
    ap = argparse.ArgumentParser()
    for o in ("local", "peer", "ctl", "neighbor"):
        ap.add_argument("--" + o, required=True)
    ap.add_argument("--as", dest="peer_as", type=int, required=True)
    ap.add_argument("--peer-as", dest="remote_as", type=int, required=True)
    ap.add_argument("case")
    a = ap.parse_args()
    p = Peer(a)

    s = socket.create_connection((a.peer, 179), timeout=5, source_address=(a.local, 0))
    caps = bytes([65, 4]) + struct.pack("!I", a.peer_as) + bytes([1, 4, 0, 1, 0, 1])
    opt = bytes([2, len(caps)]) + caps
    s.sendall(msg(1, struct.pack("!BHHIB", 4, a.peer_as if a.peer_as < 65536 else 23456, 30,
                                 struct.unpack("!I", socket.inet_aton(a.local))[0], len(opt)) + opt))
    r = Reader(s)
    if not r.until(1, 5):
        sys.exit("no OPEN from the daemon")
    s.sendall(msg(4, b""))
    if not r.until(4, 5):
        sys.exit("no KEEPALIVE from the daemon")
    s.sendall(p.good())
    deadline = time.time() + 5
    while not has_route(a):
        if time.time() > deadline:
            sys.exit("the valid announcement never arrived")
        time.sleep(0.05)

    if a.case.startswith("fuzz:"):
        # Random mutations of a valid UPDATE; the daemon must survive.
        rng = random.Random(7)
        base = bytearray(p.good(attr(0xc0, 8, b"\x1f\x8b\x1f\x47")))
        for _ in range(int(a.case[5:])):
            m = bytearray(base)
            for _ in range(rng.randint(1, 4)):
                m[rng.randrange(19, len(m))] = rng.randrange(256)
            try:
                s.sendall(bytes(m))
            except OSError:
                break       # reset by the daemon: a fine outcome
        print("fuzzed")
        return
    s.sendall(cases(p)[a.case])
    m = r.until(3, 1.0)
    if m and m != b"EOF" and m[18] == 3:
        print("reset %d/%d" % (m[19], m[20]))
        return
    print("kept" if has_route(a) else "withdrawn")


if __name__ == "__main__":
    main()
