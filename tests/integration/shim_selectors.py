# SPDX-License-Identifier: MIT
# shim_selectors.py - selectors.EpollSelector over UDP sockets and a pipe,
# for test_shim_epoll.sh: LOCAL_IP SERVER_IP PORT COUNT.  Two sockets take
# turns sending COUNT datagrams in all; every echo is checked, and a pipe
# write in the middle must be reported too.  Prints "ok COUNT".
import os
import selectors
import socket
import subprocess
import sys

local, server, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sel = selectors.EpollSelector()
socks = []
for _ in range(2):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((local, 0))
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    socks.append(s)
r, w = os.pipe()
sel.register(r, selectors.EVENT_READ, "pipe")
sent = {}
got = 0
pipe_seen = False
for n in range(count):
    s = socks[n % 2]
    data = bytes((n + k) & 0xff for k in range(1 + (n * 13) % 900))
    s.sendto(data, (server, port))
    sent[s.fileno()] = data
    if n == count // 2:
        os.write(w, b"x")
    done = False
    while not done:
        events = sel.select(timeout=5)
        if not events:
            print(f"timeout at {n}")
            sys.exit(1)
        for key, mask in events:
            if key.data == "pipe":
                os.read(r, 1)
                pipe_seen = True
                continue
            msg, peer = key.fileobj.recvfrom(2048)
            if msg != sent[key.fileobj.fileno()]:
                print(f"echo {n} differs")
                sys.exit(1)
            got += 1
            done = True
# A child spawned with close_fds (vfork + close_range in the child, which
# shares our memory) must not take our engine sockets with it.
subprocess.run(["true"], check=True)
for s in socks:
    s.sendto(b"after spawn", (server, port))
    events = sel.select(timeout=5)
    if not events or s.recv(64) != b"after spawn":
        print(f"after spawn: {events}")
        sys.exit(1)
# Unregister and close: the selector keeps working with what is left.
sel.unregister(socks[0])
socks[0].close()
socks[1].sendto(b"last", (server, port))
events = sel.select(timeout=5)
if len(events) != 1 or events[0][0].fileobj.recv(16) != b"last":
    print(f"after close: {events}")
    sys.exit(1)
if not pipe_seen:
    print("pipe event lost")
    sys.exit(1)
print(f"ok {got}")
