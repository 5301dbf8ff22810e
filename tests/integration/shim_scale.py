#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# shim_scale.py - many engine sockets in one shimmed process
#   echo-server ADDR PORT   kernel side: one-thread selectors echo server
#                           for thousands of connections
#   many ADDR PORT N        open N TCP connections, then send each its own
#                           3 bytes and check each echo; prints
#                           "ok N <seconds>"
#   exhaust ADDR            bind UDP sockets to ADDR:0 until one fails;
#                           prints "<count> <errno name>"
import errno
import os
import resource
import selectors
import socket
import sys
import time


def echo_server(addr, port):
    sel = selectors.DefaultSelector()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4096)
    ls.setblocking(False)
    sel.register(ls, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is ls:
                try:
                    c, _ = ls.accept()
                except BlockingIOError:
                    continue
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ)
                continue
            c = key.fileobj
            try:
                d = c.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                d = b""
            if not d:
                sel.unregister(c)
                c.close()
                continue
            c.setblocking(True)
            c.sendall(d)
            c.setblocking(False)


def tag(i):
    return b"%c%c%c" % (65 + i % 26, 65 + i // 26 % 26, 65 + i // 676 % 26)


def many(addr, port, n):
    t0 = time.monotonic()
    socks = []
    for i in range(n):
        s = socket.create_connection((addr, port), timeout=30)
        socks.append(s)
    for i, s in enumerate(socks):
        s.sendall(tag(i))
    for i, s in enumerate(socks):
        got = b""
        while len(got) < 3:
            d = s.recv(3 - len(got))
            if not d:
                raise SystemExit("connection %d: EOF after %r" % (i, got))
            got += d
        if got != tag(i):
            raise SystemExit("connection %d: echoed %r, sent %r" %
                             (i, got, tag(i)))
    for s in socks:
        s.close()
    print("ok %d %.1f" % (n, time.monotonic() - t0), flush=True)


def raised(addr, port, n):
    """As nginx's worker_rlimit_nofile: raise the soft fd limit after
    start (the shim is initialised by then), then use fds above the old
    limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * n), hard))
    many(addr, port, n)


def exhaust(addr):
    socks = []
    while len(socks) < 20000:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind((addr, 0))
        except OSError as e:
            s.close()
            print(len(socks), errno.errorcode.get(e.errno, e.errno),
                  flush=True)
            break
        socks.append(s)
    for s in socks:
        s.close()


def main():
    cmd = sys.argv[1]
    if cmd == "echo-server":
        echo_server(sys.argv[2], int(sys.argv[3]))
    elif cmd == "many":
        many(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "raise":
        raised(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "exhaust":
        exhaust(sys.argv[2])
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
