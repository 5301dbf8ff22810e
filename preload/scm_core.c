// SPDX-License-Identifier: MIT
/*
 * scm_core.c - the fds of SCM_RIGHTS messages in a msghdr's control
 * buffer
 *
 * On the send side the buffer is the program's and may be malformed: a
 * header whose cmsg_len runs past msg_controllen, or is shorter than a
 * header.  The kernel refuses such a message (EINVAL), so it does not
 * matter which fds we see then, only that we never read outside the
 * buffer.  On the receive side the kernel wrote it; after MSG_CTRUNC the
 * last header's cmsg_len counts only the fds that fit.
 */
#include <stdint.h>
#include <string.h>

#include "scm_core.h"

/**
 * scm_rights() - the fds in @m's SCM_RIGHTS messages, in order
 * @m:		the msghdr
 * @fds:	filled with up to @max fds
 * @max:	room in @fds
 *
 * Return: how many were stored.
 */
size_t scm_rights(const struct msghdr *m, int *fds, size_t max)
{
	const uint8_t *base = m->msg_control, *p;
	size_t len = m->msg_controllen, off = 0, n = 0;

	if (!base)
		return 0;
	while (n < max && len - off >= sizeof(struct cmsghdr)) {
		struct cmsghdr c;
		size_t clen, i, count;

		p = base + off;
		memcpy(&c, p, sizeof(c));
		clen = c.cmsg_len;
		if (clen < CMSG_LEN(0) || clen > len - off)
			break;
		if (c.cmsg_level == SOL_SOCKET && c.cmsg_type == SCM_RIGHTS) {
			count = (clen - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < count && n < max; i++)
				memcpy(&fds[n++],
				       p + CMSG_LEN(0) + i * sizeof(int),
				       sizeof(int));
		}
		/* The next header starts at the aligned end of this one. */
		clen = CMSG_ALIGN(clen);
		if (clen > len - off)
			break;
		off += clen;
	}
	return n;
}
