#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# shim_scm.py - engine sockets passed with SCM_RIGHTS between two
# separately started processes (both under libnsshim.so); the receiver
# listens on an AF_UNIX path, the sender connects to it.
#   udp-echo ADDR PORT              kernel side: UDP echo server
#   send-tcp PATH KADDR KPORT FILE  connect to a kernel echo server, send
#                                   "early\n" (its echo stays unread), pass
#                                   the connection and a kernel fd (FILE,
#                                   opened for writing) in one message, close
#                                   both and exit
#   recv-tcp PATH                   once the sender is gone: take both fds,
#                                   read "early\n", echo 1 MB (sha256) via an
#                                   epoll selector, write "kernel-fd-ok" to
#                                   the kernel fd
#   send-listen PATH EADDR EPORT    listen on the engine, pass the listener,
#                                   keep it open until the receiver says done
#   recv-listen PATH N              take it with MSG_CMSG_CLOEXEC, accept N
#                                   kernel clients ("hi N" -> "got hi N")
#   send-udp PATH EADDR KADDR KPORT a UDP socket connected to a kernel echo
#                                   server, passed, closed
#   recv-udp PATH                   once the sender is gone: 5 datagrams
#                                   echoed through it
#   send-two PATH KADDR KPORT       two connections in one message
#   recv-trunc PATH                 room for one fd only: MSG_CTRUNC, the
#                                   first connection works
import fcntl
import hashlib
import os
import select
import selectors
import socket
import sys
import time

FD_ROOM = socket.CMSG_SPACE(4 * 8)


def die(msg):
    print("FAIL " + msg, flush=True)
    sys.exit(1)


def udp_echo(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        d, peer = s.recvfrom(65536)
        s.sendto(d, peer)


def connect_unix(path):
    u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(100):
        try:
            u.connect(path)
            return u
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.1)
    die("cannot reach " + path)


def accept_unix(path):
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(1)
    print("ready", flush=True)
    u, _ = ls.accept()
    ls.close()
    return u


def wait_sender_gone(u):
    # The message stays queued after the sender exits: its fds are in
    # flight, held by nobody but the kernel.
    p = select.poll()
    p.register(u, select.POLLRDHUP)
    if not p.poll(20000):
        die("sender did not exit")


def recv_fds(u, room, flags=0):
    msg, anc, mflags, _ = u.recvmsg(64, room, flags)
    fds = []
    for level, typ, data in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            n = len(data) // 4
            fds += list(memoryview(data)[:n * 4].cast("i"))
    return msg, fds, mflags


def read_exact(s, n):
    got = b""
    while len(got) < n:
        d = s.recv(n - len(got))
        if not d:
            die("EOF after %d of %d bytes" % (len(got), n))
        got += d
    return got


def send_tcp(path, kaddr, kport, fname):
    c = socket.create_connection((kaddr, kport), timeout=10)
    c.sendall(b"early\n")
    time.sleep(0.5)  # its echo arrives in our rx ring, never read here
    f = os.open(fname, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    u = connect_unix(path)
    socket.send_fds(u, [b"tcp"], [c.fileno(), f])
    c.close()
    os.close(f)
    u.close()
    print("sent", flush=True)


def echo_mb(c):
    data = os.urandom(1 << 20)
    c.setblocking(False)
    sel = selectors.EpollSelector()
    sel.register(c, selectors.EVENT_READ | selectors.EVENT_WRITE)
    sent, got = 0, bytearray()
    deadline = time.monotonic() + 60
    while len(got) < len(data):
        if time.monotonic() > deadline:
            die("echo stalled at %d/%d" % (len(got), len(data)))
        for _, ev in sel.select(5):
            if ev & selectors.EVENT_WRITE and sent < len(data):
                try:
                    sent += c.send(data[sent:sent + 65536])
                except BlockingIOError:
                    pass
                if sent == len(data):
                    sel.modify(c, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                try:
                    d = c.recv(65536)
                except BlockingIOError:
                    continue
                if not d:
                    die("EOF during echo")
                got += d
    c.setblocking(True)
    if hashlib.sha256(got).digest() != hashlib.sha256(data).digest():
        die("echo differs")
    return len(got)


def recv_tcp(path):
    u = accept_unix(path)
    wait_sender_gone(u)
    msg, fds, mflags = recv_fds(u, FD_ROOM)
    if msg != b"tcp" or len(fds) != 2 or mflags & socket.MSG_CTRUNC:
        die("got %r %r flags %#x" % (msg, fds, mflags))
    c = socket.socket(fileno=fds[0])
    if c.family != socket.AF_INET or c.type != socket.SOCK_STREAM:
        die("received socket is %r %r" % (c.family, c.type))
    peer = c.getpeername()
    c.settimeout(10)  # O_NONBLOCK came with the file, as on the kernel
    early = read_exact(c, 6)
    if early != b"early\n":
        die("first bytes %r" % early)
    n = echo_mb(c)
    c.close()
    os.write(fds[1], b"kernel-fd-ok\n")
    os.close(fds[1])
    print("ok tcp peer=%s:%d early=%r echo=%d" % (peer[0], peer[1],
                                                   early.decode().strip(),
                                                   n), flush=True)


def send_listen(path, eaddr, eport):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((eaddr, eport))
    ls.listen(16)
    u = connect_unix(path)
    socket.send_fds(u, [b"listen"], [ls.fileno()])
    print("sent", flush=True)
    if u.recv(16) != b"done":
        die("receiver did not finish")
    ls.close()
    u.close()


def recv_listen(path, n):
    u = accept_unix(path)
    msg, fds, _ = recv_fds(u, FD_ROOM, socket.MSG_CMSG_CLOEXEC)
    if msg != b"listen" or len(fds) != 1:
        die("got %r %r" % (msg, fds))
    if not fcntl.fcntl(fds[0], fcntl.F_GETFD) & fcntl.FD_CLOEXEC:
        die("MSG_CMSG_CLOEXEC did not set FD_CLOEXEC")
    ls = socket.socket(fileno=fds[0])
    if ls.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) != 1:
        die("received socket is not a listener")
    print("listening", flush=True)
    for _ in range(n):
        c, _ = ls.accept()
        line = b""
        while not line.endswith(b"\n"):
            d = c.recv(100)
            if not d:
                break
            line += d
        c.sendall(b"got " + line)
        c.close()
    ls.close()
    u.sendall(b"done")
    u.close()
    print("ok listen accepted=%d" % n, flush=True)


def send_udp(path, eaddr, kaddr, kport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((eaddr, 0))
    s.connect((kaddr, kport))
    u = connect_unix(path)
    socket.send_fds(u, [b"udp"], [s.fileno()])
    s.close()
    u.close()
    print("sent", flush=True)


def recv_udp(path):
    u = accept_unix(path)
    wait_sender_gone(u)
    msg, fds, _ = recv_fds(u, FD_ROOM)
    if msg != b"udp" or len(fds) != 1:
        die("got %r %r" % (msg, fds))
    s = socket.socket(fileno=fds[0])
    if s.type != socket.SOCK_DGRAM:
        die("received socket is %r" % s.type)
    s.settimeout(5)
    for i in range(5):
        d = b"dgram-%d" % i
        s.send(d)
        r = s.recv(100)
        if r != d:
            die("datagram %d echoed %r" % (i, r))
    s.close()
    print("ok udp echoed=5", flush=True)


def send_two(path, kaddr, kport):
    a = socket.create_connection((kaddr, kport), timeout=10)
    b = socket.create_connection((kaddr, kport), timeout=10)
    u = connect_unix(path)
    socket.send_fds(u, [b"two"], [a.fileno(), b.fileno()])
    a.close()
    b.close()
    u.close()
    print("sent", flush=True)


def recv_trunc(path):
    u = accept_unix(path)
    wait_sender_gone(u)
    msg, fds, mflags = recv_fds(u, socket.CMSG_LEN(4))
    if msg != b"two" or len(fds) != 1 or not mflags & socket.MSG_CTRUNC:
        die("got %r %r flags %#x" % (msg, fds, mflags))
    c = socket.socket(fileno=fds[0])
    c.settimeout(10)  # O_NONBLOCK came with the file, as on the kernel
    c.sendall(b"first\n")
    r = read_exact(c, 6)
    if r != b"first\n":
        die("echo %r" % r)
    c.close()
    print("ok trunc fds=1 ctrunc=1 echo=%r" % r.decode().strip(), flush=True)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "udp-echo":
        udp_echo(a[0], int(a[1]))
    elif cmd == "send-tcp":
        send_tcp(a[0], a[1], int(a[2]), a[3])
    elif cmd == "recv-tcp":
        recv_tcp(a[0])
    elif cmd == "send-listen":
        send_listen(a[0], a[1], int(a[2]))
    elif cmd == "recv-listen":
        recv_listen(a[0], int(a[1]))
    elif cmd == "send-udp":
        send_udp(a[0], a[1], a[2], int(a[3]))
    elif cmd == "recv-udp":
        recv_udp(a[0])
    elif cmd == "send-two":
        send_two(a[0], a[1], int(a[2]))
    elif cmd == "recv-trunc":
        recv_trunc(a[0])
    else:
        die("unknown command " + cmd)


if __name__ == "__main__":
    main()
