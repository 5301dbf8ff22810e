# SPDX-License-Identifier: MIT
# shim_fork.py - fork() scenarios for test_shim_fork.sh, run under the
# shim; each prints "ok ..." and exits 0, or raises.
#   echo-server ADDR PORT         kernel side: threaded TCP echo server
#   child-closes ADDR PORT        fork; the child closes its copy and exits;
#                                 the parent's connection echoes 1 MB
#   parent-closes ADDR PORT       fork; the parent closes its copy; the child
#                                 carries on and echoes 1 MB
#   prefork ADDR PORT N           listener + N worker processes accepting
#                                 (answer "worker <pid>\n"); runs until killed
#   kill-child ADDR PORT          a listener shared with a child that is
#                                 SIGKILLed; the parent still accepts (from
#                                 a kernel-side client named by argv[4])
#   dup-stdio ADDR PORT           dup2 the connection onto fds 0 and 1,
#                                 close the original, echo through 0/1
#   exec-inherit ADDR PORT        the connection on fd 5 (inheritable),
#                                 exec sh, which writes and reads it
#   exec-timeo ADDR PORT          SO_RCVTIMEO 0.3 s on fd 5, exec python:
#                                 its recv times out with EAGAIN
#   exec-cloexec ADDR PORT        a close-on-exec connection, then exec
#                                 true: the peer must see FIN
#   passfds ADDR PORT             subprocess.run(sh ..., pass_fds=[fd]) writes
#                                 to the connection; the parent reads the echo
#   exec-stdin ADDR PORT          send a line, dup2 the connection onto fd 0,
#                                 exec head -n1: it reads the echo as stdin
#   spawn ADDR PORT               os.posix_spawn(sh ...) writes to the
#                                 inherited connection; the parent reads
#   fin-server ADDR PORT FILE     kernel side: accept one connection, write
#                                 "fin" to FILE when it reads EOF
import hashlib
import os
import signal
import struct
import socket
import socketserver
import sys
import threading
import time

MB = 1 << 20


def echo_server(addr, port):
    class H(socketserver.BaseRequestHandler):
        def handle(self):
            while True:
                d = self.request.recv(65536)
                if not d:
                    return
                self.request.sendall(d)

    class S(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    S((addr, port), H).serve_forever()


def echo_check(s, n=MB):
    data = os.urandom(n)
    got = bytearray()

    def rd():
        while len(got) < n:
            d = s.recv(65536)
            if not d:
                break
            got.extend(d)

    t = threading.Thread(target=rd)
    t.start()
    s.sendall(data)
    t.join(60)
    if bytes(got) != data:
        raise SystemExit("echo differs: %d of %d bytes" % (len(got), n))
    return hashlib.sha256(data).hexdigest()[:12]


def connect(addr, port):
    s = socket.create_connection((addr, port), timeout=30)
    s.settimeout(30)
    return s


def child_closes(addr, port):
    s = connect(addr, port)
    echo_check(s, 1000)
    pid = os.fork()
    if pid == 0:
        s.close()
        os._exit(0)
    _, st = os.waitpid(pid, 0)
    assert st == 0, st
    h = echo_check(s)
    s.close()
    print("ok child-closes: parent echoed 1 MB after the child closed", h)


def parent_closes(addr, port):
    s = connect(addr, port)
    echo_check(s, 1000)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.read(r, 1)  # the parent has closed
        h = echo_check(s)
        s.close()
        print("ok parent-closes: the child echoed 1 MB", h, flush=True)
        os._exit(0)
    os.close(r)
    s.close()
    os.write(w, b"x")
    _, st = os.waitpid(pid, 0)
    assert st == 0, st


def prefork(addr, port, n):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(128)
    kids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            me = ("worker %d\n" % os.getpid()).encode()
            while True:
                c, _ = ls.accept()
                buf = b""
                while b"\r\n\r\n" not in buf:
                    d = c.recv(4096)
                    if not d:
                        break
                    buf += d
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n"
                          b"Connection: close\r\n\r\n%s" % (len(me), me))
                c.close()
        kids.append(pid)
    ls.close()  # the master keeps no copy, as nginx's master does not use it

    def stop(*_):
        for k in kids:
            os.kill(k, signal.SIGTERM)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    print("ok prefork: %d workers" % n, flush=True)
    while True:
        time.sleep(1)


def kill_child(addr, port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(8)
    pid = os.fork()
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    time.sleep(0.3)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print("ok kill-child: child killed, accepting", flush=True)
    ls.settimeout(30)
    c, _ = ls.accept()
    c.sendall(b"parent alive\n")
    c.close()
    ls.close()


def dup_stdio(addr, port):
    s = connect(addr, port)
    s.setblocking(True)  # fds 0 and 1 share the open file's O_NONBLOCK
    os.dup2(s.fileno(), 0)
    os.dup2(s.fileno(), 1)
    s.close()
    msg = b"through stdout\n"
    os.write(1, msg)
    got = b""
    while len(got) < len(msg):
        got += os.read(0, 100)
    if got != msg:
        raise SystemExit("stdin read %r" % got)
    os.close(1)
    sys.stderr.write("ok dup-stdio: wrote fd 1, read the echo on fd 0\n")


def exec_inherit(addr, port):
    s = connect(addr, port)
    s.setblocking(True)
    os.dup2(s.fileno(), 5, inheritable=True)
    s.close()
    os.execv("/bin/sh", ["sh", "-c",
                         "echo hello-exec >&5; read -r l <&5; echo got:$l"])


# The program exec'd by exec-timeo: fd 5 keeps its SO_RCVTIMEO.
TIMEO_CHILD = r"""
import socket, struct, time
s = socket.socket(fileno=5)
sec, usec = struct.unpack("ll", s.getsockopt(socket.SOL_SOCKET,
                                             socket.SO_RCVTIMEO, 16))
t0 = time.monotonic()
try:
    s.recv(10)
    print("recv returned")
except BlockingIOError:
    dt = time.monotonic() - t0
    print("rcvtimeo %d.%06d EAGAIN %s" % (sec, usec,
                                          "in time" if 0.25 < dt < 2 else dt))
"""


def exec_timeo(addr, port):
    s = connect(addr, port)
    s.setblocking(True)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO,
                 struct.pack("ll", 0, 300000))
    os.dup2(s.fileno(), 5, inheritable=True)
    s.close()
    os.execv(sys.executable, [sys.executable, "-c", TIMEO_CHILD])


def exec_cloexec(addr, port):
    s = connect(addr, port)
    assert not os.get_inheritable(s.fileno())
    s.sendall(b"x")
    os.execv("/bin/sleep", ["sleep", "2"])


def passfds(addr, port):
    import subprocess
    s = connect(addr, port)
    fd = s.fileno()
    subprocess.run(["/bin/sh", "-c", "echo from-child >&%d" % fd],
                   pass_fds=[fd], check=True)
    got = b""
    while not got.endswith(b"\n"):
        got += s.recv(100)
    assert got == b"from-child\n", got
    print("ok passfds: the child's write came back to the parent")


def exec_stdin(addr, port):
    s = connect(addr, port)
    s.setblocking(True)
    s.sendall(b"line-through-stdin\n")
    time.sleep(0.2)  # the echo is in our rx ring before the exec
    os.dup2(s.fileno(), 0)
    s.close()
    os.execv("/usr/bin/head", ["head", "-n1"])


def spawn(addr, port):
    s = connect(addr, port)
    fd = s.fileno()
    os.set_inheritable(fd, True)
    pid = os.posix_spawn("/bin/sh", ["sh", "-c", "echo spawned >&%d" % fd],
                         os.environ)
    _, st = os.waitpid(pid, 0)
    assert st == 0, st
    got = b""
    while not got.endswith(b"\n"):
        got += s.recv(100)
    assert got == b"spawned\n", got
    print("ok spawn: the posix_spawn child's write came back")


def fin_server(addr, port, path):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    c, _ = ls.accept()
    while c.recv(4096):
        pass
    with open(path, "w") as f:
        f.write("fin\n")


def main():
    cmd, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if cmd == "echo-server":
        echo_server(addr, port)
    elif cmd == "child-closes":
        child_closes(addr, port)
    elif cmd == "parent-closes":
        parent_closes(addr, port)
    elif cmd == "prefork":
        prefork(addr, port, int(sys.argv[4]))
    elif cmd == "kill-child":
        kill_child(addr, port)
    elif cmd == "dup-stdio":
        dup_stdio(addr, port)
    elif cmd == "exec-inherit":
        exec_inherit(addr, port)
    elif cmd == "exec-timeo":
        exec_timeo(addr, port)
    elif cmd == "exec-cloexec":
        exec_cloexec(addr, port)
    elif cmd == "passfds":
        passfds(addr, port)
    elif cmd == "exec-stdin":
        exec_stdin(addr, port)
    elif cmd == "spawn":
        spawn(addr, port)
    elif cmd == "fin-server":
        fin_server(addr, port, sys.argv[4])
    else:
        raise SystemExit("unknown " + cmd)


if __name__ == "__main__":
    main()
