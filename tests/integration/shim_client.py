# SPDX-License-Identifier: MIT
# shim_client.py - N request/replies of random sizes (<= 1400 bytes) to a
# UDP echo server, byte-exact: ADDR PORT N.  Prints "ok N" or fails.
import os
import random
import socket
import sys

addr = (sys.argv[1], int(sys.argv[2]))
n = int(sys.argv[3])
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(2.0)
rng = random.Random(7)
for i in range(n):
    msg = os.urandom(rng.randint(1, 1400))
    s.sendto(msg, addr)
    data, peer = s.recvfrom(2048)
    if data != msg or peer[:2] != addr:
        sys.exit(f"mismatch at {i}: {len(data)} vs {len(msg)} from {peer}")
print("ok", n)
if len(sys.argv) > 4:
    # Hold the socket open until killed (SIGKILL test).
    print("holding", flush=True)
    import time
    time.sleep(60)
