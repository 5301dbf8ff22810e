#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# tcp_bulk.py - one bulk TCP stream for a bounded time, counted on the
# client side; used by bench/tcp_bulk.sh on both the kernel (K) and the
# engine (S) topology with the same parameters.
#
#   tcp_bulk.py send HOST PORT SECONDS   write to a discard (RFC 863) server
#   tcp_bulk.py recv HOST PORT SECONDS   read from a chargen (RFC 864) server
#   tcp_bulk.py serve ADDR               discard on 9 and chargen on 19, for K
#
# Prints one JSON line: {"mode", "bytes", "seconds", "mbit", "cpu_s"}
# (cpu_s: this process's user+system CPU for the transfer).
import json
import resource
import socket
import sys
import threading
import time

CHUNK = 1 << 20


def cpu_s():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


CPU0 = cpu_s()


def report(mode, n, dt):
    print(json.dumps({"mode": mode, "bytes": n, "seconds": round(dt, 3),
                      "mbit": round(n * 8 / dt / 1e6, 1),
                      "cpu_s": round(cpu_s() - CPU0, 4)}))


def send(host, port, secs):
    s = socket.create_connection((host, port), timeout=30)
    buf = memoryview(bytes(range(256)) * (CHUNK // 256))
    n = 0
    t0 = time.monotonic()
    end = t0 + secs
    while time.monotonic() < end:
        n += s.send(buf)
    s.shutdown(socket.SHUT_WR)
    s.settimeout(30)
    s.recv(1)  # discard closes once it has read everything
    report("send", n, time.monotonic() - t0)


def recv(host, port, secs):
    s = socket.create_connection((host, port), timeout=30)
    buf = bytearray(CHUNK)
    n = 0
    t0 = time.monotonic()
    end = t0 + secs
    while time.monotonic() < end:
        k = s.recv_into(buf)
        if not k:
            break
        n += k
    report("recv", n, time.monotonic() - t0)
    s.close()


def discard_conn(c):
    buf = bytearray(CHUNK)
    while c.recv_into(buf):
        pass
    c.close()


def chargen_conn(c):
    buf = memoryview(bytes(range(256)) * (CHUNK // 256))
    try:
        while True:
            c.send(buf)
    except OSError:
        pass
    c.close()


def listener(addr, port, fn):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(8)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=fn, args=(c,), daemon=True).start()


def serve(addr):
    threading.Thread(target=listener, args=(addr, 9, discard_conn),
                     daemon=True).start()
    listener(addr, 19, chargen_conn)


if __name__ == "__main__":
    m = sys.argv[1]
    if m == "serve":
        serve(sys.argv[2])
    else:
        {"send": send, "recv": recv}[m](sys.argv[2], int(sys.argv[3]),
                                        float(sys.argv[4]))
