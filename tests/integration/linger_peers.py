# SPDX-License-Identifier: MIT
# linger_peers.py ADDR SINK_PORT STALL_PORT - kernel-side peers for
# shim_linger.py: SINK reads and discards until EOF; STALL has a 4 KiB
# receive buffer and never reads (its window closes), holding each
# connection until the peer gives up or 30 s pass.
import socket
import sys
import threading
import time

addr, sink_port, stall_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def listener(port, rcvbuf=None):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    ls.bind((addr, port))
    ls.listen(8)
    return ls


def sink():
    ls = listener(sink_port)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=drain, args=(c,), daemon=True).start()


def drain(c):
    while c.recv(1 << 16):
        pass
    c.close()


def stall():
    ls = listener(stall_port, 4096)
    held = []
    while True:
        c, _ = ls.accept()
        held.append((c, time.monotonic()))


threading.Thread(target=sink, daemon=True).start()
stall()
