/* SPDX-License-Identifier: MIT */
/*
 * scm_core.h - the fds of SCM_RIGHTS messages in a msghdr's control
 * buffer, read within the buffer's bounds (no libc hooks: unit-tested)
 */
#ifndef NSSHIM_SCM_CORE_H
#define NSSHIM_SCM_CORE_H

#include <stddef.h>
#include <sys/socket.h>

/* The kernel's limit on fds in one SCM_RIGHTS message (SCM_MAX_FD). */
#define SCM_FDS_MAX 253u

size_t scm_rights(const struct msghdr *m, int *fds, size_t max);

#endif /* NSSHIM_SCM_CORE_H */
