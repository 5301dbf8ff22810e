# SPDX-License-Identifier: MIT
# shim_linger.py HOST SINK_PORT STALL_PORT - close(2) with SO_LINGER
# {1, 1 s}, as the kernel runs it: against a peer that reads everything
# the close returns once the FIN is acknowledged (well inside the second);
# against a peer that reads nothing (a full window: the FIN cannot go)
# it returns after the second, without an error.  Prints one line per
# case; nothing printed depends on timing beyond quick/blocked.
import socket
import struct
import sys
import time

host, sink, stall = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def run(port, label):
    s = socket.create_connection((host, port), timeout=10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 1))
    s.setblocking(False)
    sent, chunk = 0, b"x" * 65536
    try:
        while sent < 4 << 20:
            sent += s.send(chunk)
    except BlockingIOError:
        pass
    t0 = time.monotonic()
    s.close()
    dt = time.monotonic() - t0
    kind = "blocked" if dt >= 0.8 else "quick"
    ok = dt < 0.8 if kind == "quick" else dt < 3
    print(f"{label}: close {kind}{'' if ok else ' TOO LONG'}")
    sys.stderr.write(f"{label}: {sent} bytes queued, close took {dt:.3f} s\n")


run(sink, "reading peer")
run(stall, "stalled peer")
