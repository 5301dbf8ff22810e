/* SPDX-License-Identifier: MIT */
/*
 * ctlsock.h - AF_UNIX SOCK_SEQPACKET control channel: messages with file
 * descriptors, and the peer's credentials
 */
#ifndef NSSTACK_IPC_CTLSOCK_H
#define NSSTACK_IPC_CTLSOCK_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

ssize_t ipc_ctl_send(int sock, const void *buf, size_t len, const int *fds,
		     size_t nfds);
ssize_t ipc_ctl_recv(int sock, void *buf, size_t cap, int *fds, size_t max_fds,
		     size_t *nfds, size_t *ndropped);
int ipc_ctl_peercred(int sock, struct ucred *cred);

#endif /* NSSTACK_IPC_CTLSOCK_H */
