// SPDX-License-Identifier: MIT
/*
 * test_app.c - the engine's app layer (stack/app.c) driven by a fake app
 * through a real socketpair and a real arena, including apps that write
 * garbage into their arena
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "arena.h"
#include "cmdring.h"
#include "ctl.h"
#include "ctlmsg.h"
#include "ctlsock.h"
#include "fake_l3.h"
#include "nsstack/shimproto.h"
#include "recring.h"
#include "testutil.h"
#include "udp.h"

/* One fake app: its end of the control socket and its view of the arena. */
struct fapp {
	int fd;
	int efd_engine, efd_app;
	struct ipc_arena arena;
	struct ipc_cmdring cmd;
	struct app *a;
	struct shim_sock_state *state;
};

static void fapp_attach(struct fapp *f)
{
	struct ipc_msg m = { .type = IPC_MSG_HELLO, .version = IPC_VERSION };
	uint8_t buf[IPC_MSG_MAX_LEN];
	int sv[2], fds[IPC_CTL_MAX_FDS];
	size_t nfds = 0, dropped = 0;
	ssize_t n;
	void *r;
	uint32_t slots;

	memset(f, 0, sizeof(*f));
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	m.u.hello.pid = (uint32_t)getpid();
	n = ipc_msg_encode(&m, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	cr_assert(app_is_hello(buf, (size_t)n));
	cr_assert_not(app_is_hello("{\"cmd\":1}", 9));
	cr_assert_eq(app_attach(&l3_eng, sv[0], buf, (size_t)n), 0);
	f->fd = sv[1];
	n = ipc_ctl_recv(f->fd, buf, sizeof(buf), fds, IPC_CTL_MAX_FDS, &nfds,
			 &dropped);
	cr_assert_gt(n, 0);
	cr_assert_eq(ipc_msg_decode(buf, (size_t)n, &m), 0);
	cr_assert_eq(m.type, IPC_MSG_WELCOME);
	cr_assert_eq(nfds, IPC_WFD_COUNT);
	cr_assert_eq(ipc_arena_map(&f->arena, fds[0], m.u.welcome.arena_size),
		     0);
	f->efd_engine = fds[1];
	f->efd_app = fds[2];
	r = ipc_arena_region(&f->arena, m.u.welcome.cmd_ring_off);
	cr_assert_not_null(r);
	cr_assert_eq(ipc_cmdring_info_check(r, f->arena.lay.region_len, &slots),
		     0);
	cr_assert_eq(ipc_cmdring_open(&f->cmd, r, f->arena.lay.region_len,
				      slots, false),
		     0);
	f->a = app_find(&l3_eng, m.u.welcome.client_id);
	cr_assert_not_null(f->a);
}

static void fapp_close(struct fapp *f)
{
	close(f->fd);
	close(f->efd_engine);
	close(f->efd_app);
	ipc_arena_close(&f->arena);
}

/* cmd() - submit, let the engine serve it, reap; returns cpl.err. */
static int cmd(struct fapp *f, struct ipc_cmd *c, struct ipc_cpl *cpl)
{
	struct ipc_cpl dummy;

	if (!cpl)
		cpl = &dummy;
	cr_assert_eq(ipc_cmd_submit(&f->cmd, c), 0);
	app_doorbell(f->a);
	cr_assert_eq(ipc_cpl_reap(&f->cmd, c->seq, cpl), 0);
	return cpl->err;
}

struct fsock {
	uint32_t id;
	struct ipc_recring tx, rx;
	uint64_t tx_off, rx_off;
};

static void open_ring(struct fapp *f, struct ipc_recring *r, uint64_t off,
		      bool producer)
{
	void *region = ipc_arena_region(&f->arena, off);
	uint32_t cap;

	cr_assert_not_null(region);
	cr_assert_eq(ipc_ring_info_check(region, f->arena.lay.region_len,
					 IPC_RING_RECORDS, &cap),
		     0);
	cr_assert_eq(ipc_recring_open(r, region, f->arena.lay.region_len, cap,
				      producer),
		     0);
}

static void describe(struct fapp *f)
{
	struct ipc_cmd c = { .op = IPC_OP_NOP, .arg = { SHIM_NOP_DESCRIBE } };
	struct ipc_cpl cpl;

	cr_assert_eq(cmd(f, &c, &cpl), 0);
	f->state = ipc_arena_region(&f->arena, cpl.val[0]);
	cr_assert_not_null(f->state);
	cr_assert_eq(cpl.val[1], SHIM_MAX_SOCKS);
}

static void fsock_open(struct fapp *f, struct fsock *s)
{
	struct ipc_cmd c = { .op = IPC_OP_SOCKET,
			     .arg = { AF_INET, SOCK_DGRAM, 0 } };
	struct ipc_cpl cpl;

	cr_assert_eq(cmd(f, &c, &cpl), 0);
	s->id = (uint32_t)cpl.result;
	s->tx_off = cpl.val[0];
	s->rx_off = cpl.val[1];
	open_ring(f, &s->tx, s->tx_off, true);
	open_ring(f, &s->rx, s->rx_off, false);
}

static int addr_cmd(struct fapp *f, uint16_t op, uint32_t id, uint32_t a,
		    uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(a) };
	struct ipc_cmd c = { .op = op, .sock = id, .arg = { sizeof(sin) } };

	memcpy(&c.arg[1], &sin, sizeof(sin));
	return cmd(f, &c, NULL);
}

static void setup(void)
{
	l3_setup();
	l3_peer_permanent();
	cr_assert_eq(app_init(&l3_eng), 0);
}

static void teardown(void)
{
	app_fini(&l3_eng);
	l3_teardown();
}

TestSuite(app, .init = setup, .fini = teardown);

/* The whole path: socket, bind, a datagram in, a datagram out, close. */
Test(app, datagrams_flow_both_ways_through_the_rings)
{
	struct fapp f;
	struct fsock s;
	struct ipc_rec_meta meta = { .addrlen = sizeof(struct sockaddr_in) };
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(4242),
				  .sin_addr.s_addr = htonl(L3_PEER) },
			   from;
	struct l3_frame fr;
	char buf[16];
	size_t reclen;

	fapp_attach(&f);
	describe(&f);
	fsock_open(&f, &s);
	cr_assert_eq(atomic_load(&f.state[SHIM_ID_SLOT(s.id)].id), s.id);
	cr_assert_eq(addr_cmd(&f, IPC_OP_BIND, s.id, L3_US, 5000), 0);
	l3_rx_udp(L3_PEER, 4242, L3_US, 5000, (const uint8_t *)"ping", 4);
	cr_assert_eq(
		ipc_recring_recv(&s.rx, &meta, buf, sizeof(buf), 0, &reclen),
		4);
	cr_assert_eq(memcmp(buf, "ping", 4), 0);
	memcpy(&from, meta.addr, sizeof(from));
	cr_assert_eq(ntohl(from.sin_addr.s_addr), L3_PEER);
	cr_assert_eq(ntohs(from.sin_port), 4242);

	memcpy(meta.addr, &to, sizeof(to));
	cr_assert_eq(ipc_recring_send(&s.tx, &meta, "pong", 4), 4);
	app_doorbell(f.a);
	cr_assert(l3_tx_pop(&fr));
	cr_assert_eq(fr.udp.dport, 4242);
	cr_assert_eq(fr.udp.payload_len, 4);
	cr_assert_eq(memcmp(fr.udp.payload, "pong", 4), 0);
	l3_frame_free(&fr);
	cr_assert_eq(app_stats(&l3_eng)->ShimTxDatagrams, 1);
	cr_assert_eq(app_stats(&l3_eng)->ShimRxDatagrams, 1);

	struct ipc_cmd c = { .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	cr_assert_eq(app_nsocks(f.a), 0);
	cr_assert_eq(l3_eng.udp->nsocks, 0);
	fapp_close(&f);
}

/* Ids the engine never gave, stale ids and bad lengths: errors, counted. */
Test(app, bad_ids_and_lengths_are_refused_and_counted)
{
	struct fapp f;
	struct fsock s;
	struct ipc_cmd c;
	uint32_t bad[] = { 0, SHIM_MAX_SOCKS, 0xffff, 0xffffffff };
	size_t i;

	fapp_attach(&f);
	fsock_open(&f, &s);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = bad[i] };
		cr_assert_eq(cmd(&f, &c, NULL), EBADF);
	}
	/* Same slot, another generation. */
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = s.id + (1u << 16) };
	cr_assert_eq(cmd(&f, &c, NULL), EBADF);
	c = (struct ipc_cmd){ .op = IPC_OP_BIND, .sock = s.id, .arg = { 29 } };
	cr_assert_eq(cmd(&f, &c, NULL), EINVAL);
	c = (struct ipc_cmd){ .op = IPC_OP_SETSOCKOPT,
			      .sock = s.id,
			      .arg = { SOL_SOCKET, SO_RCVBUF, 4096 } };
	cr_assert_eq(cmd(&f, &c, NULL), EINVAL);
	c = (struct ipc_cmd){ .op = IPC_OP_SETSOCKOPT,
			      .sock = s.id,
			      .arg = { 1ull << 40, SO_RCVBUF, 4 } };
	cr_assert_eq(cmd(&f, &c, NULL), EINVAL);
	c = (struct ipc_cmd){ .op = IPC_OP_GETNAME,
			      .sock = s.id,
			      .arg = { 7 } };
	cr_assert_eq(cmd(&f, &c, NULL), EINVAL);
	c = (struct ipc_cmd){ .op = IPC_OP_SOCKET, .arg = { AF_UNIX } };
	cr_assert_eq(cmd(&f, &c, NULL), EAFNOSUPPORT);
	c = (struct ipc_cmd){ .op = IPC_OP_LISTEN, .sock = s.id };
	cr_assert_eq(cmd(&f, &c, NULL), EOPNOTSUPP);
	/* An op past IPC_OP_MAX: the ipc layer's -EBADMSG, EINVAL here. */
	c = (struct ipc_cmd){ .op = IPC_OP_NOP };
	{
		struct ipc_cpl cpl;

		/* ipc_cmd_submit() refuses it, so rewrite the published slot. */
		cr_assert_eq(ipc_cmd_submit(&f.cmd, &c), 0);
		f.cmd.cmds[(f.cmd.cmd.mine - 1) & (f.cmd.cmd.cap - 1)].op = 999;
		app_doorbell(f.a);
		cr_assert_eq(ipc_cpl_reap(&f.cmd, c.seq, &cpl), 0);
		cr_assert_eq(cpl.err, EINVAL);
	}
	cr_assert_geq(app_stats(&l3_eng)->ShimBadCmds, 9);
	/* The socket survived all of it. */
	cr_assert_eq(app_nsocks(f.a), 1);
	/* A stale id after close no longer names anything. */
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&f, &c, NULL), EBADF);
	fapp_close(&f);
}

/* One app cannot name another's socket: ids index the app's own table. */
Test(app, an_app_cannot_reach_another_apps_sockets)
{
	struct fapp a, b;
	struct fsock sa;
	struct ipc_cmd c;

	fapp_attach(&a);
	fapp_attach(&b);
	fsock_open(&a, &sa);
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = sa.id };
	cr_assert_eq(cmd(&b, &c, NULL), EBADF);
	cr_assert_eq(app_nsocks(a.a), 1);
	cr_assert_eq(addr_cmd(&a, IPC_OP_BIND, sa.id, L3_US, 6000), 0);
	fapp_close(&b);
	fapp_close(&a);
}

/* Corrupt tx indices poison that socket only: EPROTO, counted. */
Test(app, corrupt_tx_ring_poisons_only_its_socket)
{
	struct fapp f;
	struct fsock s1, s2;
	struct ipc_ring_shm *shm;
	struct ipc_rec_meta meta = { .addrlen = sizeof(struct sockaddr_in) };
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(4242),
				  .sin_addr.s_addr = htonl(L3_PEER) };
	struct l3_frame fr;

	fapp_attach(&f);
	describe(&f);
	fsock_open(&f, &s1);
	fsock_open(&f, &s2);
	shm = ipc_arena_region(&f.arena, s1.tx_off);
	atomic_store(&shm->idx.tail, 0x7fffffffu); /* used > cap */
	(void)write(f.efd_engine, &(uint64_t){ 1 }, 8);
	app_doorbell(f.a);
	cr_assert_eq(app_stats(&l3_eng)->ShimBadRings, 1);
	cr_assert_eq(atomic_load(&f.state[SHIM_ID_SLOT(s1.id)].err), EPROTO);
	/* Serviced no more; the other socket still sends. */
	app_doorbell(f.a);
	cr_assert_eq(app_stats(&l3_eng)->ShimBadRings, 1);
	memcpy(meta.addr, &to, sizeof(to));
	cr_assert_eq(ipc_recring_send(&s2.tx, &meta, "ok", 2), 2);
	app_doorbell(f.a);
	cr_assert(l3_tx_pop(&fr));
	cr_assert_eq(fr.udp.payload_len, 2);
	l3_frame_free(&fr);
	fapp_close(&f);
}

/* A record header whose length runs past the published bytes. */
Test(app, record_longer_than_published_is_refused)
{
	struct fapp f;
	struct fsock s;
	struct ipc_ring_shm *shm;
	uint8_t *data;
	uint32_t len = 100000;

	fapp_attach(&f);
	describe(&f);
	fsock_open(&f, &s);
	shm = ipc_arena_region(&f.arena, s.tx_off);
	data = (uint8_t *)shm + shm->info.data_off;
	memcpy(data, &len, sizeof(len));
	atomic_store(&shm->idx.tail, 64);
	app_doorbell(f.a);
	cr_assert_eq(app_stats(&l3_eng)->ShimBadRings, 1);
	cr_assert_eq(l3_tx_count(), 0);
	fapp_close(&f);
}

/* Garbage indices in the command ring: the app is detached, sockets
 * closed, the engine carries on. */
Test(app, corrupt_command_ring_detaches_the_app)
{
	struct fapp f;
	struct fsock s;

	fapp_attach(&f);
	fsock_open(&f, &s);
	cr_assert_eq(l3_eng.udp->nsocks, 1);
	atomic_store(&f.cmd.cmd.shm->tail, 0x12345678u);
	app_doorbell(f.a);
	cr_assert_eq(app_count(&l3_eng), 0);
	cr_assert_eq(l3_eng.udp->nsocks, 0);
	fapp_close(&f);
}

/* The control socket hanging up releases every socket of the app. */
Test(app, detach_releases_all_sockets)
{
	struct fapp f;
	struct fsock s[3];
	int i;

	fapp_attach(&f);
	for (i = 0; i < 3; i++)
		fsock_open(&f, &s[i]);
	cr_assert_eq(l3_eng.udp->nsocks, 3);
	app_detach(f.a);
	cr_assert_eq(l3_eng.udp->nsocks, 0);
	cr_assert_eq(app_count(&l3_eng), 0);
	fapp_close(&f);
}

/* Random bytes over the whole arena, many times: never a crash. */
Test(app, random_arena_garbage_never_crashes)
{
	struct fapp f;
	struct fsock s[4];
	unsigned int seed = 1;
	int round, i;

	fapp_attach(&f);
	describe(&f);
	for (i = 0; i < 4; i++)
		fsock_open(&f, &s[i]);
	for (round = 0; round < 200 && app_count(&l3_eng); round++) {
		/* Scribble on every region in use (indices, headers, data). */
		uint64_t offs[] = { s[round % 4].tx_off, s[round % 4].rx_off };

		for (i = 0; i < 2; i++) {
			uint8_t *r = ipc_arena_region(&f.arena, offs[i]);
			int k;

			for (k = 0; k < 64; k++)
				r[rand_r(&seed) % 4096] = (uint8_t)rand_r(
					&seed);
		}
		l3_rx_udp(L3_PEER, 1, L3_US, 7, (const uint8_t *)"x", 1);
		app_doorbell(f.a);
	}
	/* Finally the command ring itself. */
	if (app_count(&l3_eng)) {
		uint8_t *r = (uint8_t *)f.cmd.cmd.shm;

		for (i = 0; i < 512; i++)
			r[rand_r(&seed) % 512] = (uint8_t)rand_r(&seed);
		app_doorbell(f.a);
	}
	fapp_close(&f);
}

/* A HELLO with the wrong version is refused with REJECT. */
Test(app, wrong_version_is_rejected)
{
	struct ipc_msg m = { .type = IPC_MSG_HELLO, .version = IPC_VERSION };
	uint8_t buf[IPC_MSG_MAX_LEN];
	int sv[2];
	ssize_t n;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	m.u.hello.pid = (uint32_t)getpid();
	n = ipc_msg_encode(&m, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	buf[4] = IPC_VERSION + 1; /* the version word, little-endian */
	cr_assert_neq(app_attach(&l3_eng, sv[0], buf, (size_t)n), 0);
	n = recv(sv[1], buf, sizeof(buf), 0);
	cr_assert_gt(n, 0);
	cr_assert_eq(ipc_msg_decode(buf, (size_t)n, &m), 0);
	cr_assert_eq(m.type, IPC_MSG_REJECT);
	cr_assert_eq(app_count(&l3_eng), 0);
	close(sv[1]);
}
