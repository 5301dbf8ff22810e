/* SPDX-License-Identifier: MIT */
/*
 * ctl.h - the control socket's framing, shared by nsstackd, nsctl and the
 * shim
 *
 * The control socket is AF_UNIX SOCK_SEQPACKET: message boundaries are kept,
 * so no length prefix is needed.  A request is one message of JSON, shorter
 * than NSSTACK_CTL_CHUNK bytes: {"cmd": "link", "args": {...}}.
 *
 * A reply is one JSON document, {"ok": true, "data": ...} or
 * {"ok": false, "errno": N, "error": "text"}, sent as one or more messages:
 * every message but the last is exactly NSSTACK_CTL_CHUNK bytes, and the
 * last is shorter (possibly empty).  A client concatenates messages until it
 * reads one shorter than NSSTACK_CTL_CHUNK.  The chunk size is well below
 * the default socket buffer (net.core.wmem_default, 208 KiB), so one chunk
 * always fits; the engine queues the rest and sends it as the socket drains.
 */
#ifndef NSSTACK_CTL_PROTO_H
#define NSSTACK_CTL_PROTO_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define NSSTACK_CTL_CHUNK 16384

/*
 * nsstack_ctl_default_path() - $XDG_RUNTIME_DIR/nsstack.sock when that
 * variable names a directory path, else /run/nsstack.sock
 *
 * Return: 0, or -1 when the result does not fit in @n bytes.
 */
static inline int nsstack_ctl_default_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int len;

	if (xdg && xdg[0] == '/')
		len = snprintf(buf, n, "%s/nsstack.sock", xdg);
	else
		len = snprintf(buf, n, "/run/nsstack.sock");
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

#endif /* NSSTACK_CTL_PROTO_H */
