// SPDX-License-Identifier: MIT
/*
 * shim_scribble.c - a hostile app for the fault tests: run under
 * libnsshim.so, it makes an engine UDP socket, then overwrites its own
 * shared-memory arena with random bytes and keeps kicking the engine, as a
 * buggy or malicious program could.  The engine must survive and keep
 * serving other apps (test_shim_faults.sh checks that).
 *
 *   shim_scribble HOST PORT SEED ROUNDS
 *
 * Each round writes a few random runs of bytes (random offset, mostly in
 * the first 2 MiB where the rings in use are; random length and content)
 * into the arena, then sends and receives without blocking so
 * the engine reads the damaged rings.  The program may well be killed by
 * its own shim's reaction to the damage (or exit on an error); that is
 * allowed.  It prints "scribbled N bytes" when it gets to the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint64_t rng_state;

/* xorshift64*: reproducible from the seed, good enough for garbage. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* find_arena() - the mapping of the shim's memfd arena in this process. */
static int find_arena(uint8_t **start, size_t *len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long long lo, hi;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *end;

		if (!strstr(line, "nsstack-arena"))
			continue;
		lo = strtoull(line, &end, 16);
		if (*end != '-')
			continue;
		hi = strtoull(end + 1, &end, 16);
		if (*end != ' ' || hi <= lo)
			continue;
		fclose(f);
		/* The address is the mapping's, read from the kernel. */
		*start = (uint8_t *)lo; // NOLINT(performance-no-int-to-ptr)
		*len = hi - lo;
		return 0;
	}
	fclose(f);
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint8_t *arena, buf[256];
	size_t len, total = 0;
	long rounds;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: %s HOST PORT SEED ROUNDS\n", argv[0]);
		return 2;
	}
	sin.sin_port = htons((uint16_t)strtoul(argv[2], NULL, 10));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "bad host %s\n", argv[1]);
		return 2;
	}
	rng_state = strtoull(argv[3], NULL, 0) | 1;
	rounds = strtol(argv[4], NULL, 10);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    send(fd, "hello", 5, 0) != 5) {
		perror("socket/connect/send");
		return 1;
	}
	if (find_arena(&arena, &len)) {
		fprintf(stderr,
			"no nsstack-arena mapping: not on the engine\n");
		return 1;
	}
	for (long r = 0; r < rounds; r++) {
		for (int k = 0; k < 4; k++) {
			/* Mostly the first 2 MiB: the command ring, the
			 * state region (1.25 MiB) and the first sockets'
			 * rings live there. */
			size_t span = rnd() % 4 ? (len < 2u << 20 ? len
								  : 2u << 20)
						: len;
			size_t off = rnd() % span;
			size_t n = 1 + rnd() % 512;

			if (n > len - off)
				n = len - off;
			for (size_t i = 0; i < n; i++)
				arena[off + i] = (uint8_t)rnd();
			total += n;
		}
		(void)send(fd, buf, 1 + rnd() % sizeof(buf), MSG_DONTWAIT);
		(void)recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	}
	printf("scribbled %zu bytes\n", total);
	return 0;
}
