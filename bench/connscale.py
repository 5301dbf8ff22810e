#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# connscale.py - many idle TCP connections, for bench/run.sh's connection
# scaling workload (same program on K and S).
#
#   connscale.py open HOST PORT N HOLD_S   open N connections (non-blocking
#       connect, at most 512 in flight), print one JSON line
#       {"n", "opened", "failed", "open_s"}, hold them HOLD_S seconds (the
#       caller measures memory meanwhile), close them, exit
#   connscale.py serve ADDR PORT           accept and hold connections,
#       reading nothing (the K server; on S the engine's discard service
#       holds them)
import json
import resource
import selectors
import socket
import sys
import time

INFLIGHT = 512


def raise_nofile():
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def open_many(host, port, n, hold_s):
    sel = selectors.DefaultSelector()
    held, failed, started = [], 0, 0
    t0 = time.monotonic()
    while len(held) + failed < n:
        while started < n and started - len(held) - failed < INFLIGHT:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex((host, port))
            sel.register(s, selectors.EVENT_WRITE)
            started += 1
        for key, _ in sel.select(timeout=10) or [(None, None)]:
            if key is None:  # nothing progressed for 10 s: give up
                failed = n - len(held)
                break
            s = key.fileobj
            sel.unregister(s)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                failed += 1
                s.close()
            else:
                held.append(s)
    dt = time.monotonic() - t0
    print(json.dumps({"n": n, "opened": len(held), "failed": failed,
                      "open_s": round(dt, 3)}), flush=True)
    time.sleep(hold_s)
    for s in held:
        s.close()


def serve(addr, port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4096)
    held = []
    while True:
        c, _ = ls.accept()
        held.append(c)


if __name__ == "__main__":
    raise_nofile()
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        open_many(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                  float(sys.argv[5]))
