/* SPDX-License-Identifier: MIT */
/*
 * inet6.h - AF_INET6 stream sockets on IPv4 engine TCBs
 */
#ifndef NSSHIM_INET6_H
#define NSSHIM_INET6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>

bool inet6_is_v4mapped(const struct in6_addr *a);
int inet6_to_v4(const struct sockaddr *sa, socklen_t len,
		struct sockaddr_in *out);
void inet6_from_v4(const struct sockaddr_in *sin, struct sockaddr *sa,
		   socklen_t *len);

#endif /* NSSHIM_INET6_H */
