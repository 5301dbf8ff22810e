#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# connscale.py - many idle TCP connections, for bench/run.sh's connection
# scaling workload (same program on K and S).
#
#   connscale.py open HOST PORT N HOLD_S [SRC...]   open N connections
#       (non-blocking connect, at most 512 in flight in all), print one
#       JSON line {"n", "opened", "failed", "open_s", "procs"}, hold them
#       HOLD_S seconds (the caller measures memory meanwhile), close them
#       (at most 512 closes in flight: FIN, then wait for the server's),
#       print {"closed", "close_s"}, exit.  With SRC addresses the
#       connections are spread evenly over one process per address, each
#       bound to its address before connecting: a process may have only
#       RLIMIT_NOFILE open files, and one source address has only the
#       ephemeral port range (28232 ports by default) towards one server
#       port.  open_s and close_s run from the first process's start to
#       the last one's finish.
#   connscale.py serve ADDR PORT           the K server: discard (accept,
#       read and forget, close at end of stream), as the engine's discard
#       service on S.  SO_REUSEPORT: several serve processes on one port
#       share the connections, for the same open-files reason.
import errno
import json
import os
import resource
import select
import selectors
import socket
import sys
import time
import traceback

INFLIGHT = 512
# Linux include/uapi/linux/in.h; Python's socket module lacks it before 3.12.
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)


def raise_nofile():
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def connect_one(host, port, src):
    """A non-blocking socket whose connect has started, or None."""
    s = socket.socket()
    s.setblocking(False)
    if src:
        # Let connect() pick the port, by the whole 4-tuple, as it does
        # for an unbound socket; bind() alone would reserve one.
        s.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        s.bind((src, 0))
    err = s.connect_ex((host, port))
    if err not in (0, errno.EINPROGRESS):
        s.close()
        return None
    return s


def open_share(host, port, n, src, inflight):
    """Open n connections; return (held sockets, failed, t0, t1)."""
    sel = selectors.DefaultSelector()
    held, failed, started = [], 0, 0
    t0 = time.monotonic()
    while len(held) + failed < n:
        while started < n and started - len(held) - failed < inflight:
            s = connect_one(host, port, src)
            started += 1
            if s is None:
                failed += 1
            else:
                sel.register(s, selectors.EVENT_WRITE)
        if len(held) + failed == n:
            break
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
    return held, failed, t0, time.monotonic()


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


def worker(host, port, n, src, inflight, out_fd, hold_fd):
    """One client process: open its share, report, hold until the parent
    closes hold_fd, close the share, report."""
    held, failed, t0, t1 = open_share(host, port, n, src, inflight)
    os.write(out_fd, (json.dumps({"opened": len(held), "failed": failed,
                                  "t0": t0, "t1": t1}) + "\n").encode())
    os.read(hold_fd, 1)  # end of file: the hold is over
    clean, t0, t1 = close_share(held, inflight)
    os.write(out_fd, (json.dumps({"closed": clean, "t0": t0, "t1": t1}) +
                      "\n").encode())


def gather(kids, key):
    """One report line from every worker: (sum of key, seconds from the
    first start to the last finish); a worker that died counts 0."""
    total, t0s, t1s = 0, [], []
    for kid in kids:
        line = kid["out"].readline()
        if not line:  # the worker died; its traceback is on stderr
            continue
        r = json.loads(line)
        total += r[key]
        t0s.append(r["t0"])
        t1s.append(r["t1"])
    return total, round(max(t1s) - min(t0s), 3) if t1s else 0


def open_many(host, port, n, hold_s, srcs):
    srcs = srcs or [None]
    per = -(-n // len(srcs))
    limit = raise_nofile()
    if per + 64 > limit:
        sys.exit("connscale: %d connections per process exceed "
                 "RLIMIT_NOFILE %d: give more SRC addresses" % (per, limit))
    inflight = max(1, INFLIGHT // len(srcs))
    kids = []
    for i, src in enumerate(srcs):
        share = n // len(srcs) + (i < n % len(srcs))
        out_r, out_w = os.pipe()
        hold_r, hold_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                for fd in [k["out"].fileno() for k in kids] + \
                        [k["hold"] for k in kids] + [out_r, hold_w]:
                    os.close(fd)
                worker(host, port, share, src, inflight, out_w, hold_r)
            except BaseException:
                traceback.print_exc()
                code = 1
            os._exit(code)
        os.close(out_w)
        os.close(hold_r)
        kids.append({"pid": pid, "out": os.fdopen(out_r), "hold": hold_w})
    opened, open_s = gather(kids, "opened")
    print(json.dumps({"n": n, "opened": opened, "failed": n - opened,
                      "open_s": open_s, "procs": len(srcs)}), flush=True)
    time.sleep(hold_s)
    for kid in kids:
        os.close(kid["hold"])
    closed, close_s = gather(kids, "closed")
    print(json.dumps({"closed": closed, "close_s": close_s}), flush=True)
    code = 0
    for kid in kids:
        _, status = os.waitpid(kid["pid"], 0)
        code |= status != 0
    sys.exit(code)


def serve(addr, port):
    """Discard: accept, read and forget, close at end of stream (as the
    engine's discard service does)."""
    raise_nofile()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
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
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        open_many(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                  float(sys.argv[5]), sys.argv[6:])
