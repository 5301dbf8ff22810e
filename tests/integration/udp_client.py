# SPDX-License-Identifier: MIT
"""udp_client.py - kernel-side UDP checks against the engine's services.

echo HOST PORT N MAXLEN: send N datagrams of random sizes (1..MAXLEN) and
    require each echo back byte-exact, in order (one in flight at a time).
refused HOST PORT: a datagram to a closed port must come back as ICMP port
    unreachable, which a connected socket reports as ECONNREFUSED.
"""

import errno
import os
import random
import socket
import sys


def family(host):
    """AF_INET6 for an IPv6 literal, else AF_INET."""
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def echo(host, port, n, maxlen):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.connect((host, port))
    s.settimeout(2)
    rng = random.Random(1)
    total = 0
    for i in range(n):
        data = os.urandom(rng.randint(1, maxlen))
        s.send(data)
        got = s.recv(65535)
        if got != data:
            sys.exit("datagram %d: sent %d bytes, got %d back, differing"
                     % (i, len(data), len(got)))
        total += len(data)
    print("echo: %d datagrams, %d bytes, byte-exact" % (n, total))


def refused(host, port):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.connect((host, port))
    s.settimeout(2)
    s.send(b"anyone there?")
    try:
        s.recv(100)
    except ConnectionRefusedError:
        print("refused: ECONNREFUSED (ICMP port unreachable)")
        return
    except socket.timeout:
        sys.exit("no ICMP port unreachable within 2 s")
    sys.exit("a closed port answered")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "echo":
        echo(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    elif cmd == "refused":
        refused(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("unknown command " + cmd)
