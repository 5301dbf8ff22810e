#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# shim_threads.py - threads asleep at once on engine sockets
#   server ADDR PORT      kernel side: a connection that opens with
#                         "I<n>\n" is idle connection n and is left alone;
#                         one that opens with "P\n" is the pinger: each
#                         "p" is echoed, and "W" sends every idle
#                         connection n its tag (tag(n)), then answers "w"
#   client ADDR PORT N S  N threads each block in recv() on an idle
#                         connection while the main thread ping-pongs for
#                         S seconds; prints one JSON line:
#                         {"idle_switches": context switches of the idle
#                         threads during the pings, "pings", "p50_us",
#                         "tags_ok": idle threads that got their own tag}
import json
import selectors
import socket
import sys
import threading
import time


def tag(n):
    return b"tag%05d" % n


def server(addr, port):
    sel = selectors.DefaultSelector()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1024)
    sel.register(ls, selectors.EVENT_READ)
    idle, hello = {}, {}
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is ls:
                c, _ = ls.accept()
                hello[c] = b""
                sel.register(c, selectors.EVENT_READ)
                continue
            data = s.recv(4096)
            if not data:
                sel.unregister(s)
                idle = {n: c for n, c in idle.items() if c is not s}
                hello.pop(s, None)
                s.close()
                continue
            if s in hello:
                hello[s] += data
                if b"\n" not in hello[s]:
                    continue
                line, data = hello.pop(s).split(b"\n", 1)
                if line.startswith(b"I"):
                    idle[int(line[1:])] = s
                    continue
            for b in data:
                if b == ord("p"):
                    s.sendall(b"p")
                elif b == ord("W"):
                    for n, c in idle.items():
                        c.sendall(tag(n))
                    s.sendall(b"w")


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            break
        buf += d
    return buf


def switches(tid):
    with open("/proc/self/task/%d/status" % tid) as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    return 0


def client(addr, port, n, secs):
    conns = []
    for i in range(n):
        c = socket.create_connection((addr, port))
        c.sendall(b"I%d\n" % i)
        conns.append(c)
    ping = socket.create_connection((addr, port))
    ping.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    ping.sendall(b"P\n")
    got = [None] * n

    def sleeper(i):
        got[i] = recv_exact(conns[i], len(tag(i)))

    threads = [threading.Thread(target=sleeper, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # every sleeper is blocked in recv() by now
    tids = [t.native_id for t in threads]
    before = sum(switches(t) for t in tids)
    rtts = []
    end = time.monotonic() + secs
    while time.monotonic() < end:
        t0 = time.monotonic()
        ping.sendall(b"p")
        if recv_exact(ping, 1) != b"p":
            sys.exit("ping: bad echo")
        rtts.append(time.monotonic() - t0)
    after = sum(switches(t) for t in tids)
    ping.sendall(b"W")
    if recv_exact(ping, 1) != b"w":
        sys.exit("wake: bad answer")
    for t in threads:
        t.join(10)
    ok = sum(1 for i in range(n) if got[i] == tag(i))
    rtts.sort()
    print(json.dumps({"threads": n, "idle_switches": after - before,
                      "pings": len(rtts),
                      "p50_us": round(rtts[len(rtts) // 2] * 1e6, 1),
                      "tags_ok": ok}))


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]))
    else:
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
               float(sys.argv[5]))
