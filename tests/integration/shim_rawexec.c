// SPDX-License-Identifier: MIT
/*
 * shim_rawexec.c - exec through raw syscall(2), around libc's exec
 * wrappers, with a connection on an inheritable fd
 *
 * Usage: shim_rawexec MODE ADDR PORT
 * Connects to the echo server at ADDR:PORT, puts the connection on fd 5
 * (inheritable) and runs sh, which writes a line to fd 5 and prints the
 * echo ("got:hello-raw"), with an environment without LD_PRELOAD:
 *   execve          syscall(SYS_execve, "/bin/sh", ...)
 *   execveat        syscall(SYS_execveat, <fd of /bin>, "sh", ..., 0)
 *   execveat-empty  syscall(SYS_execveat, <fd of /bin/sh>, "", ...,
 *                   AT_EMPTY_PATH)
 *   execveat-libc   glibc's execveat(), the same as execveat
 *   fail            syscall(SYS_execve) of a missing file: ENOENT, and
 *                   the connection still works ("after-fail:ok")
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	static char *const sh[] = {
		"sh", "-c", "echo hello-raw >&5; read -r l <&5; echo got:$l",
		NULL
	};
	static char *const env[] = { "PATH=/usr/bin:/bin", NULL };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	const char *mode;
	char buf[64];
	int fd, dir;
	long rc;

	if (argc != 4 || inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1) {
		fprintf(stderr, "usage: %s MODE ADDR PORT\n", argv[0]);
		return 2;
	}
	mode = argv[1];
	sin.sin_port = htons((uint16_t)strtol(argv[3], NULL, 10));
	setvbuf(stdout, NULL, _IONBF, 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect");
	if (dup2(fd, 5) != 5)
		die("dup2");
	close(fd);
	/* The exec calls return only on failure. */
	if (!strcmp(mode, "execve")) {
		(void)syscall(SYS_execve, "/bin/sh", sh, env);
	} else if (!strcmp(mode, "execveat")) {
		dir = open("/bin", O_PATH | O_DIRECTORY | O_CLOEXEC);
		(void)syscall(SYS_execveat, dir, "sh", sh, env, 0);
	} else if (!strcmp(mode, "execveat-empty")) {
		dir = open("/bin/sh", O_PATH | O_CLOEXEC);
		(void)syscall(SYS_execveat, dir, "", sh, env, AT_EMPTY_PATH);
	} else if (!strcmp(mode, "execveat-libc")) {
		dir = open("/bin", O_PATH | O_DIRECTORY | O_CLOEXEC);
		(void)execveat(dir, "sh", sh, env, 0);
	} else if (!strcmp(mode, "fail")) {
		rc = syscall(SYS_execve, "/nonexistent/sh", sh, env);
		printf("exec: %ld %s\n", rc, strerror(errno));
		if (write(5, "after-fail\n", 11) != 11)
			die("write after the failed exec");
		rc = read(5, buf, sizeof(buf) - 1);
		printf("after-fail:%s\n",
		       rc == 11 && !memcmp(buf, "after-fail\n", 11) ? "ok"
								    : "WRONG");
		return 0;
	} else {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}
	die("exec");
	return 1;
}
