#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# tcp_client.py - kernel-side TCP clients for the engine's built-in
# services (echo 7, discard 9, chargen 19), used by test_tcp_*.sh.
# Each mode prints one line of results and exits non-zero on a mismatch.
import hashlib
import os
import selectors
import socket
import sys
import threading
import time

# NST_TCP_HOST: the server (default the engine); 2001:db8:1::2 runs the
# same clients over IPv6, test_tcp_netem.sh points its kernel baseline
# elsewhere.
HOST = os.environ.get("NST_TCP_HOST", "192.0.2.2")


def conn(port, timeout=30):
    s = socket.create_connection((HOST, port), timeout=timeout)
    return s


def mbit(nbytes, secs):
    return nbytes * 8 / secs / 1e6


def echo(path):
    """Echo a file through port 7 and compare SHA-256 both ways."""
    data = open(path, "rb").read()
    s = conn(7, timeout=120)
    err = []

    def writer():
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(e)

    t0 = time.monotonic()
    t = threading.Thread(target=writer)
    t.start()
    h = hashlib.sha256()
    n = 0
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        h.update(b)
        n += len(b)
    t.join()
    dt = time.monotonic() - t0
    ok = not err and n == len(data) and \
        h.hexdigest() == hashlib.sha256(data).hexdigest()
    print(f"echo {n} bytes sha256 {'match' if ok else 'MISMATCH'} "
          f"{mbit(n, dt):.1f} Mbit/s")
    return 0 if ok else 1


def discard(nbytes):
    """Send nbytes to port 9; the server closes only after reading all."""
    s = conn(9, timeout=120)
    chunk = bytes(range(256)) * 4096
    t0 = time.monotonic()
    left = nbytes
    while left:
        k = min(left, len(chunk))
        s.sendall(chunk[:k])
        left -= k
    s.shutdown(socket.SHUT_WR)
    eof = s.recv(1) == b""
    dt = time.monotonic() - t0
    print(f"discard {nbytes} bytes {'acknowledged' if eof else 'NO EOF'} "
          f"{mbit(nbytes, dt):.1f} Mbit/s")
    return 0 if eof else 1


def chargen_pattern():
    out = bytearray()
    for line in range(95):
        out += bytes(32 + (line + i) % 95 for i in range(72)) + b"\r\n"
    return bytes(out)


def chargen(nbytes):
    """Read nbytes from port 19 and check them against RFC 864."""
    pat = chargen_pattern()
    s = conn(19, timeout=120)
    t0 = time.monotonic()
    got = 0
    bad = 0
    while got < nbytes:
        b = s.recv(min(1 << 20, nbytes - got))
        if not b:
            break
        off = got % len(pat)
        need = (pat * (2 + len(b) // len(pat)))[off:off + len(b)]
        if b != need:
            bad += 1
        got += len(b)
    dt = time.monotonic() - t0
    s.close()
    ok = got == nbytes and not bad
    print(f"chargen {got} bytes pattern {'ok' if ok else 'BAD'} "
          f"{mbit(got, dt):.1f} Mbit/s")
    return 0 if ok else 1


def sequential(count):
    """count short echo connections, one after another."""
    fails = 0
    t0 = time.monotonic()
    for i in range(count):
        try:
            s = conn(7, timeout=10)
            msg = f"hello {i}\n".encode()
            s.sendall(msg)
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                b = s.recv(4096)
                if not b:
                    break
                got += b
            s.close()
            if got != msg:
                fails += 1
        except OSError:
            fails += 1
    dt = time.monotonic() - t0
    print(f"sequential {count} connections, {fails} failed, "
          f"{count / dt:.0f} conn/s")
    return 0 if fails == 0 else 1


def zerowin(stall):
    """Fill echo without reading for `stall` seconds, then read it all."""
    s = conn(7, timeout=60)
    s.setblocking(False)
    data = bytearray()
    blob = bytes(range(256)) * 256
    end = time.monotonic() + stall
    while time.monotonic() < end:
        try:
            n = s.send(blob)
            data += blob[:n]
        except BlockingIOError:
            time.sleep(0.05)
    s.setblocking(True)
    s.shutdown(socket.SHUT_WR)
    got = bytearray()
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        got += b
    ok = got == data
    print(f"zerowin sent {len(data)} bytes while not reading for {stall}s, "
          f"echoed {len(got)} {'exact' if ok else 'MISMATCH'}")
    return 0 if ok and len(data) > 0 else 1


def many(count):
    """count simultaneous echo connections driven by one selector."""
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(count):
        s = socket.socket(socket.AF_INET6 if ":" in HOST else socket.AF_INET)
        s.setblocking(False)
        s.connect_ex((HOST, 7))
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE, [i, b"", False])
    done = 0
    ok = 0
    deadline = time.monotonic() + 60
    while done < count and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=1):
            s = key.fileobj
            st = key.data
            msg = f"conn {st[0]}\n".encode()
            if ev & selectors.EVENT_WRITE and not st[2]:
                try:
                    s.send(msg)
                except OSError:
                    sel.unregister(s)
                    done += 1
                    continue
                st[2] = True
                sel.modify(s, selectors.EVENT_READ, st)
            elif ev & selectors.EVENT_READ:
                try:
                    b = s.recv(4096)
                except OSError:
                    b = b""
                st[1] += b
                if st[1] == msg or not b:
                    ok += st[1] == msg
                    sel.unregister(s)
                    done += 1
    for s in socks:
        s.close()
    print(f"many {count} simultaneous connections, {ok} echoed")
    return 0 if ok == count else 1


if __name__ == "__main__":
    mode, arg = sys.argv[1], sys.argv[2]
    fn = {"echo": echo, "discard": lambda a: discard(int(a)),
          "chargen": lambda a: chargen(int(a)),
          "sequential": lambda a: sequential(int(a)),
          "zerowin": lambda a: zerowin(float(a)),
          "many": lambda a: many(int(a))}[mode]
    sys.exit(fn(arg))
