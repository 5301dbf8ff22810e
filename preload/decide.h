/* SPDX-License-Identifier: MIT */
/*
 * decide.h - which sockets the shim sends to the engine
 */
#ifndef NSSHIM_DECIDE_H
#define NSSHIM_DECIDE_H

#include <stdbool.h>
#include <sys/socket.h>

enum shim_route {
	ROUTE_KERNEL,	 /* leave it to the kernel, for good */
	ROUTE_ENGINE,	 /* make it an engine socket */
	ROUTE_UNDECIDED, /* not yet: decide at bind, connect or send */
};

enum shim_route shim_decide_socket(int domain, int type, int protocol);
enum shim_route shim_decide_bind(const struct sockaddr *sa, socklen_t len,
				 bool bind_any_engine);
enum shim_route shim_decide_dest(const struct sockaddr *sa, socklen_t len);

#endif /* NSSHIM_DECIDE_H */
