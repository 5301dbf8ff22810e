#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# idlemem.py - the client of bench/idlemem.sh: open N connections to an
# echo service, echo a few bytes on each, then hold them all idle.
#
#   idlemem.py HOST PORT N HOLD_S [BYTES]
#
# Connects one at a time (blocking, 5 s timeout), sends BYTES (16; 0: no
# data at all) and reads them back on each, prints one JSON line {"n", "opened", "echoed"} once
# every connection is idle, holds them HOLD_S seconds (the caller measures
# the engine's memory meanwhile), then closes them and exits.
import json
import resource
import socket
import sys
import time

MSG = b"0123456789abcdef"


def main():
    host, port, n, hold_s = (sys.argv[1], int(sys.argv[2]),
                             int(sys.argv[3]), float(sys.argv[4]))
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    msg = MSG * 64
    msg = msg[:int(sys.argv[5])] if len(sys.argv) > 5 else MSG
    held, echoed = [], 0
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=5)
        held.append(s)
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            chunk = s.recv(len(msg) - len(got))
            if not chunk:
                break
            got += chunk
        echoed += got == msg
    print(json.dumps({"n": n, "opened": len(held), "echoed": echoed}),
          flush=True)
    time.sleep(hold_s)
    for s in held:
        s.close()
    sys.exit(0 if echoed == n else 1)


if __name__ == "__main__":
    main()
