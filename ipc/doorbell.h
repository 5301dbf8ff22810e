/* SPDX-License-Identifier: MIT */
/*
 * doorbell.h - "wake me" flags in shared memory plus an eventfd
 *
 * Protocol (ipc/README.md has the proof sketch):
 *
 *   sleeper                               waker
 *   -------                               -----
 *   ipc_doorbell_wait_prepare(flag, v)    publish index (release)
 *     flag = v (release); fence seq_cst   fence seq_cst
 *   re-check the ring                     v = flag (acquire)
 *   if ready: ipc_doorbell_wait_cancel()  if v && edge &&
 *   else ipc_doorbell_wait(efd, ...)         ipc_doorbell_take(flag):
 *   loop: re-check everything armed         ipc_doorbell_ring(efd)
 *
 * The two seq_cst fences guarantee that at least one side sees the other's
 * store: either the sleeper's re-check sees the new index (and it does not
 * sleep), or the waker sees the flag (and rings).  Taking the flag with an
 * exchange makes the eventfd write one-shot per arming.
 */
#ifndef NSSTACK_IPC_DOORBELL_H
#define NSSTACK_IPC_DOORBELL_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

int ipc_doorbell_open(int *efd);
void ipc_doorbell_wait_prepare(_Atomic uint32_t *flag, uint32_t value);
void ipc_doorbell_wait_cancel(_Atomic uint32_t *flag);
bool ipc_doorbell_take(_Atomic uint32_t *flag);
int ipc_doorbell_ring(int efd);
int ipc_doorbell_drain(int efd);
int ipc_doorbell_wait(int efd, int ctl_fd, const struct timespec *timeout,
		      const sigset_t *sigmask);

#endif /* NSSTACK_IPC_DOORBELL_H */
