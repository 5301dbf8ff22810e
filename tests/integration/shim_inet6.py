# SPDX-License-Identifier: MIT
# shim_inet6.py - AF_INET6 TCP sockets under the shim, as the kernel names
# them: KERNEL4 PORT.  A kernel-side listener must accept on KERNEL4:PORT.
# Prints one line per check and exits non-zero on the first mismatch.
import socket
import struct
import sys
import time

k4, port = sys.argv[1], int(sys.argv[2])


def check(what, got, want):
    if got != want:
        sys.exit(f"{what}: got {got!r}, want {want!r}")
    print(f"{what}: {got!r}")


# A dual-stack client to a v4-mapped peer: an engine TCB.
c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
c.connect(("::ffff:" + k4, port))
check("peer", c.getpeername()[:2], ("::ffff:" + k4, port))
check("local is v4-mapped", c.getsockname()[0].startswith("::ffff:"), True)
check("SO_DOMAIN", c.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN),
      socket.AF_INET6)
check("IPV6_V6ONLY", c.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY), 0)
# TCP_INFO in Linux's layout, longer than a command's 16 bytes.
ti = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
check("TCP_INFO long", len(ti) >= 104, True)
check("tcpi_state ESTABLISHED", ti[0], 1)
rtt = struct.unpack_from("@I", ti, 68)[0]
check("tcpi_rtt set", rtt > 0, True)
c.sendall(b"x" * 1000)
c.close()

# A dual-stack listener on :: (iperf3 -s, node).
ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("::", port + 1))
ls.listen(4)
check("listener name", ls.getsockname()[:2], ("::", port + 1))
print("listening", flush=True)
a, peer = ls.accept()
check("accepted peer", peer[0], "::ffff:" + k4)
check("accepted local", a.getsockname()[:2][0].startswith("::ffff:"), True)
check("data", a.recv(100), b"hello6")
a.close()
ls.close()

# IPV6_V6ONLY=1: an IPv6-only engine listener (the engine honours it).
v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
v6.bind(("::", port + 2))
v6.listen(1)
check("v6only stays v6only",
      v6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY), 1)
print("v6only listening", flush=True)
time.sleep(2)  # the test looks for it among the kernel's listeners
v6.close()
