// SPDX-License-Identifier: MIT
/*
 * test_shim_core.c - the parts of libnsshim.so without libc hooks: the fd
 * table (preload/fdtable.c) and the kernel-or-engine rule
 * (preload/decide.c)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>

#include "decide.h"
#include "fdtable.h"
#include "scm_core.h"
#include "testutil.h"

struct obj {
	struct fdt_obj o;
	int released;
};

static void release(struct fdt_obj *o)
{
	((struct obj *)o)->released++;
}

Test(fdtable, dups_share_one_object_released_by_the_last_close)
{
	struct fdtable t;
	struct obj x = { .o.release = release };
	struct fdt_obj *old, *got;

	cr_assert_eq(fdt_init(&t, 64), 0);
	cr_assert_eq(fdt_set(&t, 3, &x.o, &old), 0);
	cr_assert_null(old);
	cr_assert_eq(fdt_set(&t, 7, &x.o, &old), 0); /* dup(3) = 7 */
	cr_assert_eq(fdt_count(&t), 2);
	got = fdt_get(&t, 7);
	cr_assert_eq(got, &x.o);
	fdt_put(fdt_take(&t, 3)); /* close(3) */
	cr_assert_eq(x.released, 0);
	fdt_put(fdt_take(&t, 7)); /* close(7): a borrower still holds it */
	cr_assert_eq(x.released, 0);
	fdt_put(got);
	cr_assert_eq(x.released, 1);
	cr_assert_null(fdt_get(&t, 3));
	fdt_fini(&t);
}

/*
 * epoll asks on every close whether another fd still names the socket
 * (the kernel drops an epitem with the file's last reference): the table
 * counts names, so dup, dup2 over a name, close and the fork child's
 * clearing all keep the answer right without a scan.
 */
Test(fdtable, names_count_the_fds_naming_an_object)
{
	struct fdtable t;
	struct obj x = { .o.release = release }, y = { .o.release = release };
	struct fdt_obj *old;

	cr_assert_eq(fdt_init(&t, 64), 0);
	cr_assert_not(fdt_named(&t, &x.o));
	cr_assert_eq(fdt_set(&t, 3, &x.o, &old), 0);
	cr_assert_eq(fdt_set(&t, 7, &x.o, &old), 0); /* dup */
	cr_assert_eq(fdt_set(&t, 9, &y.o, &old), 0);
	cr_assert_eq(x.o.names, 2);
	fdt_put(fdt_take(&t, 3));
	cr_assert(fdt_named(&t, &x.o), "fd 7 still names it");
	cr_assert_eq(fdt_set(&t, 7, &y.o, &old), 0); /* dup2(9, 7) */
	cr_assert_eq(old, &x.o);
	fdt_put(old);
	cr_assert_not(fdt_named(&t, &x.o));
	cr_assert_eq(y.o.names, 2);
	fdt_clear_locked(&t, 9);
	fdt_clear_locked(&t, 10); /* empty: nothing to forget */
	cr_assert_eq(y.o.names, 1);
	fdt_put(fdt_take(&t, 7));
	cr_assert_not(fdt_named(&t, &y.o));
	cr_assert_eq(fdt_count(&t), 0);
	fdt_fini(&t);
}

Test(fdtable, out_of_range_fds_are_never_engine_fds)
{
	struct fdtable t;
	struct obj x = { .o.release = release };
	struct fdt_obj *old;

	cr_assert_eq(fdt_init(&t, 8), 0);
	cr_assert_eq(fdt_set(&t, 8, &x.o, &old), -EBADF);
	cr_assert_eq(fdt_set(&t, -1, &x.o, &old), -EBADF);
	cr_assert_null(fdt_get(&t, -1));
	cr_assert_null(fdt_get(&t, 1000));
	cr_assert_null(fdt_take(&t, 1000));
	cr_assert_eq(atomic_load(&x.o.refs), 0);
	fdt_fini(&t);
}

Test(fdtable, replacing_an_fd_hands_back_the_old_object)
{
	struct fdtable t;
	struct obj x = { .o.release = release }, y = { .o.release = release };
	struct fdt_obj *old;

	cr_assert_eq(fdt_init(&t, 8), 0);
	cr_assert_eq(fdt_set(&t, 4, &x.o, &old), 0);
	cr_assert_eq(fdt_set(&t, 4, &y.o, &old), 0); /* dup2(y, 4) */
	cr_assert_eq(old, &x.o);
	fdt_put(old);
	cr_assert_eq(x.released, 1);
	fdt_put(fdt_take(&t, 4));
	cr_assert_eq(y.released, 1);
	fdt_fini(&t);
}

static struct fdtable race_t;

static void *racer(void *arg)
{
	struct fdt_obj *o;
	int i;

	(void)arg;
	for (i = 0; i < 20000; i++) {
		o = fdt_get(&race_t, 5);
		fdt_put(o);
	}
	return NULL;
}

/* Lookups racing with close: the object is released exactly once. */
Test(fdtable, concurrent_lookups_and_close_release_once)
{
	struct obj x = { .o.release = release };
	struct fdt_obj *old;
	pthread_t th[2];
	int i;

	cr_assert_eq(fdt_init(&race_t, 8), 0);
	cr_assert_eq(fdt_set(&race_t, 5, &x.o, &old), 0);
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, racer, NULL);
	fdt_put(fdt_take(&race_t, 5));
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	cr_assert_eq(x.released, 1);
	fdt_fini(&race_t);
}

static struct sockaddr_in sin4(const char *a, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET,
				 .sin_port = htons(port) };

	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

#define SA(s) ((const struct sockaddr *)(const void *)&(s))

Test(decide, only_inet_udp_and_tcp_sockets_are_candidates)
{
	cr_assert_eq(shim_decide_socket(AF_INET, SOCK_DGRAM, 0),
		     ROUTE_UNDECIDED);
	cr_assert_eq(shim_decide_socket(
			     AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			     IPPROTO_UDP),
		     ROUTE_UNDECIDED);
	cr_assert_eq(shim_decide_socket(AF_INET, SOCK_STREAM, 0),
		     ROUTE_UNDECIDED);
	cr_assert_eq(shim_decide_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
					IPPROTO_TCP),
		     ROUTE_UNDECIDED);
	cr_assert_eq(shim_decide_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP),
		     ROUTE_KERNEL);
	cr_assert_eq(shim_decide_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP),
		     ROUTE_KERNEL);
	cr_assert_eq(shim_decide_socket(AF_INET6, SOCK_STREAM, 0),
		     ROUTE_UNDECIDED);
	cr_assert_eq(shim_decide_socket(AF_UNIX, SOCK_DGRAM, 0), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_socket(AF_NETLINK, SOCK_DGRAM, 0),
		     ROUTE_KERNEL);
	cr_assert_eq(shim_decide_socket(AF_INET6, SOCK_DGRAM, 0),
		     ROUTE_UNDECIDED);
	cr_assert_eq(shim_decide_socket(AF_INET6, SOCK_RAW, 0), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP),
		     ROUTE_KERNEL);
}

Test(decide, bind_loopback_and_any_stay_on_the_kernel_by_default)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 5000);
	struct sockaddr_in any = sin4("0.0.0.0", 5000);
	struct sockaddr_in eng = sin4("192.0.2.2", 5000);
	struct sockaddr_in dns = sin4("192.0.2.2", 53);

	cr_assert_eq(shim_decide_bind(SA(lo), sizeof(lo), true), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_bind(SA(any), sizeof(any), false),
		     ROUTE_KERNEL);
	cr_assert_eq(shim_decide_bind(SA(any), sizeof(any), true),
		     ROUTE_ENGINE);
	cr_assert_eq(shim_decide_bind(SA(eng), sizeof(eng), false),
		     ROUTE_ENGINE);
	cr_assert_eq(shim_decide_bind(SA(dns), sizeof(dns), false),
		     ROUTE_KERNEL);
	cr_assert_eq(shim_decide_bind(SA(eng), 4, false), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_bind(NULL, 0, false), ROUTE_KERNEL);
}

Test(decide, destinations_outside_loopback_and_dns_go_to_the_engine)
{
	struct sockaddr_in peer = sin4("192.0.2.1", 7777);
	struct sockaddr_in lo = sin4("127.0.0.53", 7777);
	struct sockaddr_in dns = sin4("198.51.100.1", 53);
	struct sockaddr_in any = sin4("0.0.0.0", 7777);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	cr_assert_eq(shim_decide_dest(SA(peer), sizeof(peer)), ROUTE_ENGINE);
	cr_assert_eq(shim_decide_dest(SA(lo), sizeof(lo)), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_dest(SA(dns), sizeof(dns)), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_dest(SA(any), sizeof(any)), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_dest(&unspec, sizeof(unspec)),
		     ROUTE_UNDECIDED);
	cr_assert_eq(shim_decide_dest(NULL, 0), ROUTE_UNDECIDED);
	cr_assert_eq(shim_decide_dest(SA(peer), 8), ROUTE_KERNEL);
}

static struct sockaddr_in6 sin6(const char *a, uint16_t port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6,
				  .sin6_port = htons(port) };

	inet_pton(AF_INET6, a, &s.sin6_addr);
	return s;
}

Test(decide, inet6_binds_follow_the_ipv4_rules)
{
	struct sockaddr_in6 lo = sin6("::1", 5000);
	struct sockaddr_in6 lo4 = sin6("::ffff:127.0.0.1", 5000);
	struct sockaddr_in6 any = sin6("::", 5000);
	struct sockaddr_in6 real = sin6("2001:db8:1::2", 5000);

	cr_assert_eq(shim_decide_bind(SA(lo), sizeof(lo), true), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_bind(SA(lo4), sizeof(lo4), true),
		     ROUTE_KERNEL);
	cr_assert_eq(shim_decide_bind(SA(any), sizeof(any), true),
		     ROUTE_ENGINE);
	cr_assert_eq(shim_decide_bind(SA(any), sizeof(any), false),
		     ROUTE_KERNEL);
	cr_assert_eq(shim_decide_bind(SA(real), sizeof(real), true),
		     ROUTE_ENGINE);
	cr_assert_eq(shim_decide_bind(SA(any), 16, true), ROUTE_KERNEL);
}

Test(decide, inet6_destinations_follow_the_ipv4_rules)
{
	struct sockaddr_in6 map = sin6("::ffff:192.0.2.1", 80);
	struct sockaddr_in6 real = sin6("2001:db8:1::1", 80);
	struct sockaddr_in6 lo = sin6("::1", 80);
	struct sockaddr_in6 any = sin6("::", 80);
	struct sockaddr_in6 dns = sin6("2001:db8:1::1", 53);

	cr_assert_eq(shim_decide_dest(SA(map), sizeof(map)), ROUTE_ENGINE);
	cr_assert_eq(shim_decide_dest(SA(real), sizeof(real)), ROUTE_ENGINE);
	cr_assert_eq(shim_decide_dest(SA(lo), sizeof(lo)), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_dest(SA(any), sizeof(any)), ROUTE_KERNEL);
	cr_assert_eq(shim_decide_dest(SA(dns), sizeof(dns)), ROUTE_KERNEL);
}

/*
 * scm_rights(): the fds of every SCM_RIGHTS message in a control buffer,
 * skipping other messages, never reading past msg_controllen (the
 * program's buffer on sendmsg() may be malformed).
 */
static void put_cmsg(uint8_t *buf, size_t *off, int level, int type,
		     const void *data, size_t len)
{
	struct cmsghdr c = { .cmsg_len = CMSG_LEN(len),
			     .cmsg_level = level,
			     .cmsg_type = type };

	memcpy(buf + *off, &c, sizeof(c));
	memcpy(buf + *off + CMSG_LEN(0), data, len);
	*off += CMSG_SPACE(len);
}

Test(scm_core, takes_fds_of_every_rights_message_in_order)
{
	union {
		uint8_t b[256];
		struct cmsghdr align;
	} u;
	int two[2] = { 7, 9 }, one = 11, got[8];
	struct ucred cr = { .pid = 1 };
	struct msghdr m = { .msg_control = u.b };
	size_t off = 0;

	memset(&u, 0, sizeof(u));
	put_cmsg(u.b, &off, SOL_SOCKET, SCM_RIGHTS, two, sizeof(two));
	put_cmsg(u.b, &off, SOL_SOCKET, SCM_CREDENTIALS, &cr, sizeof(cr));
	put_cmsg(u.b, &off, SOL_SOCKET, SCM_RIGHTS, &one, sizeof(one));
	m.msg_controllen = off;
	cr_assert_eq(scm_rights(&m, got, 8), 3);
	cr_assert_eq(got[0], 7);
	cr_assert_eq(got[1], 9);
	cr_assert_eq(got[2], 11);
	/* @max bounds what is stored. */
	cr_assert_eq(scm_rights(&m, got, 2), 2);
	/* The last message without its trailing padding is whole (as the
	 * kernel takes it); cut inside its data, it is not read at all. */
	m.msg_controllen = off - 1;
	cr_assert_eq(scm_rights(&m, got, 8), 3);
	m.msg_controllen = off - 5;
	cr_assert_eq(scm_rights(&m, got, 8), 2);
	m.msg_control = NULL;
	cr_assert_eq(scm_rights(&m, got, 8), 0);
}

Test(scm_core, malformed_lengths_stop_the_walk)
{
	union {
		uint8_t b[128];
		struct cmsghdr align;
	} u;
	int fds[4] = { 3, 4, 5, 6 }, got[8];
	struct msghdr m = { .msg_control = u.b };
	struct cmsghdr c;
	size_t off = 0;

	memset(&u, 0, sizeof(u));
	put_cmsg(u.b, &off, SOL_SOCKET, SCM_RIGHTS, fds, sizeof(fds));
	m.msg_controllen = off;
	/* cmsg_len past the buffer. */
	memcpy(&c, u.b, sizeof(c));
	c.cmsg_len = off + 64;
	memcpy(u.b, &c, sizeof(c));
	cr_assert_eq(scm_rights(&m, got, 8), 0);
	/* cmsg_len shorter than a header (would loop forever at 0). */
	c.cmsg_len = 3;
	memcpy(u.b, &c, sizeof(c));
	cr_assert_eq(scm_rights(&m, got, 8), 0);
	/* A buffer shorter than a header. */
	c.cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(u.b, &c, sizeof(c));
	m.msg_controllen = sizeof(c) - 1;
	cr_assert_eq(scm_rights(&m, got, 8), 0);
	m.msg_controllen = off;
	cr_assert_eq(scm_rights(&m, got, 8), 4);
	cr_assert_eq(got[3], 6);
}
