// SPDX-License-Identifier: MIT
/*
 * dhcp6_duid.c - the DHCPv6 client's identity: DUID-LL from the MAC, or a
 * DUID-LLT kept in a file (RFC 8415 11), and the IAID (12)
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dhcp6_client.h"
#include "log.h"
#include "wire/cursor.h"

/** dhcp6c_duid_ll() - DUID-LL (RFC 8415 11.4) for Ethernet @mac */
int dhcp6c_duid_ll(const uint8_t mac[6], uint8_t *duid, size_t cap)
{
	if (cap < 10)
		return -ENOBUFS;
	st_be16(duid, 3);     /* DUID-LL */
	st_be16(duid + 2, 1); /* hardware type Ethernet (RFC 826) */
	memcpy(duid + 4, mac, 6);
	return 10;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A DUID in the file's one "duid HEX" line; 0 if none. */
static size_t duid_file_read(const char *path, uint8_t *duid)
{
	char line[512], hex[2 * DHCP6_DUID_MAX + 2];
	size_t n = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		size_t len;

		if (sscanf(line, "duid %261s", hex) != 1)
			continue;
		len = strlen(hex);
		if (len % 2 || len / 2 < DHCP6_DUID_MIN ||
		    len / 2 > DHCP6_DUID_MAX)
			continue;
		for (n = 0; n < len / 2; n++) {
			int hi = hexval(hex[2 * n]),
			    lo = hexval(hex[2 * n + 1]);

			if (hi < 0 || lo < 0)
				break;
			duid[n] = (uint8_t)(hi << 4 | lo);
		}
		if (n != len / 2)
			n = 0;
	}
	fclose(f);
	return n;
}

static void duid_file_write(const char *path, const uint8_t *duid, size_t len)
{
	char tmp[PATH_MAX + 8];
	FILE *f;
	int ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return;
	f = fopen(tmp, "we");
	if (!f) {
		log_warn("dhcp6: %s: %s", tmp, strerror(errno));
		return;
	}
	fprintf(f, "# nsstackd DHCPv6 DUID (RFC 8415 11)\nduid ");
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", duid[i]);
	fprintf(f, "\n");
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path)) {
		log_warn("dhcp6: cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
}

/**
 * dhcp6_duid_get() - our DUID (RFC 8415 11) into @duid
 * @path: a file keeping a DUID-LLT, or "" for DUID-LL from @mac
 *
 * With @path: the file's DUID, or a new DUID-LLT (11.2: hardware type 1,
 * seconds since midnight UTC, January 1, 2000, modulo 2^32, and @mac)
 * written there atomically.  Return: its length.
 */
size_t dhcp6_duid_get(const char *path, const uint8_t mac[6], uint8_t *duid,
		      size_t cap)
{
	size_t n;

	if (cap < 14)
		return 0;
	if (!path[0])
		return (size_t)dhcp6c_duid_ll(mac, duid, cap);
	n = duid_file_read(path, duid);
	if (n)
		return n;
	st_be16(duid, 1); /* DUID-LLT */
	st_be16(duid + 2, 1);
	st_be32(duid + 4, (uint32_t)(time(NULL) - 946684800));
	memcpy(duid + 8, mac, 6);
	duid_file_write(path, duid, 14);
	return 14;
}

/**
 * dhcp6_iaid() - the IAID of interface @name: FNV-1a of the name, the same
 * across restarts as RFC 8415 12 asks
 */
uint32_t dhcp6_iaid(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}
