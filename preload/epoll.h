/* SPDX-License-Identifier: MIT */
/*
 * epoll.h - the shim's epoll sets: what the close and dup hooks tell them
 */
#ifndef NSSHIM_EPOLL_H
#define NSSHIM_EPOLL_H

#include <poll.h>
#include <stdbool.h>
#include <sys/select.h>

#include "fdtable.h"

void shim_epoll_forget(int fd, struct fdt_obj *o);
void shim_epoll_dup(int fd, int nfd, struct fdt_obj *old);
struct fdt_obj *shim_forget_fd(int fd);
bool shim_fd_pending(int fd);
void shim_epoll_refresh_poll(const struct pollfd *fds, nfds_t n);
void shim_epoll_refresh_select(int nfds, const fd_set *r);

#endif /* NSSHIM_EPOLL_H */
