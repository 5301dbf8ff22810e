# SPDX-License-Identifier: MIT
# shim_echo.py - echo server for the shim tests: ADDR PORT [tcp]; UDP
# unless "tcp" is given (then every connection is echoed in a thread);
# exits when killed.
import socket
import sys
import threading

fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET


def echo_conn(c):
    with c:
        while True:
            data = c.recv(65536)
            if not data:
                return
            c.sendall(data)


if len(sys.argv) > 3 and sys.argv[3] == "tcp":
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], int(sys.argv[2])))
    s.listen(16)
    while True:
        c, _ = s.accept()
        threading.Thread(target=echo_conn, args=(c,), daemon=True).start()

s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
