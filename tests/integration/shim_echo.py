# SPDX-License-Identifier: MIT
# shim_echo.py - UDP echo server for test_shim_udp.sh: ADDR PORT; exits
# when killed.
import socket
import sys

fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
