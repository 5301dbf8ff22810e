#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# connscale.py - many idle TCP connections, for bench/run.sh's connection
# scaling workload (same program on K and S).
#
#   connscale.py open HOST PORT N HOLD_S   open N connections (non-blocking
#       connect, at most 512 in flight), print one JSON line
#       {"n", "opened", "failed", "open_s"}, hold them HOLD_S seconds (the
#       caller measures memory meanwhile), close them (at most 512 closes
#       in flight: FIN, then wait for the server's), print
#       {"closed", "close_s"}, exit
#   connscale.py serve ADDR PORT           the K server: discard (accept,
#       read and forget, close at end of stream), as the engine's discard
#       service on S
import json
import resource
import select
import selectors
import socket
import sys
import time

INFLIGHT = 512


def raise_nofile():
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def close_share(held, inflight):
    """Close every connection gracefully, at most inflight at a time:
    shut down our side (FIN), close once the server's FIN arrives (EOF).
    An unpaced close of 100k sockets floods the TAP queue, and FINs lost
    there leave connections behind in the engine.  Return (closed
    cleanly, t0, t1)."""
    sel = selectors.DefaultSelector()
    clean, pending, i = 0, 0, 0
    t0 = time.monotonic()
    while i < len(held) or pending:
        while i < len(held) and pending < inflight:
            s = held[i]
            i += 1
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:  # reset by the server meanwhile
                s.close()
                continue
            sel.register(s, selectors.EVENT_READ)
            pending += 1
        events = sel.select(timeout=10)
        if not events:  # nothing progressed for 10 s: give up
            break
        for key, _ in events:
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = None
            if data:  # a discard server sends nothing; ignore it
                continue
            sel.unregister(s)
            s.close()
            pending -= 1
            clean += data == b""
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    for s in held[i:]:
        s.close()
    return clean, t0, time.monotonic()


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
    closed, t0, t1 = close_share(held, INFLIGHT)
    print(json.dumps({"closed": closed, "close_s": round(t1 - t0, 3)}),
          flush=True)


def serve(addr, port):
    """Discard: accept, read and forget, close at end of stream (as the
    engine's discard service does)."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4096)
    ls.setblocking(False)
    ep = select.epoll()
    ep.register(ls.fileno(), select.EPOLLIN)
    held = {}  # fd -> socket
    while True:
        for fd, _ in ep.poll():
            if fd == ls.fileno():
                while True:
                    try:
                        c, _ = ls.accept()
                    except BlockingIOError:
                        break
                    c.setblocking(False)
                    held[c.fileno()] = c
                    ep.register(c.fileno(), select.EPOLLIN)
                continue
            c = held[fd]
            try:
                if c.recv(65536):
                    continue
            except BlockingIOError:
                continue
            except OSError:
                pass
            ep.unregister(fd)
            del held[fd]
            c.close()


if __name__ == "__main__":
    raise_nofile()
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        open_many(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                  float(sys.argv[5]))
