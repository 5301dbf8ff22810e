/* SPDX-License-Identifier: MIT */
/*
 * epoll.h - the shim's epoll sets: what the close and dup hooks tell them
 */
#ifndef NSSHIM_EPOLL_H
#define NSSHIM_EPOLL_H

#include <stdbool.h>

#include "fdtable.h"

void shim_epoll_forget(int fd, struct fdt_obj *o);
void shim_epoll_dup(int fd, int nfd, struct fdt_obj *old);
struct fdt_obj *shim_forget_fd(int fd);
bool shim_fd_pending(int fd);

#endif /* NSSHIM_EPOLL_H */
