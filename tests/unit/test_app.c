// SPDX-License-Identifier: MIT
/*
 * test_app.c - the engine's app layer (stack/app.c) driven by a fake app
 * through a real socketpair and a real arena, including apps that write
 * garbage into their arena; datagram sockets, then stream sockets against
 * a fake TCP peer
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
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
#include "bytering.h"
#include "fake_l3.h"
#include "fake_tcp.h"
#include "fake_tcp6.h"
#include "nsstack/shimproto.h"
#include "recring.h"
#include "tcp.h"
#include "testutil.h"
#include "udp.h"

/* One fake app: its end of the control socket and its view of the arena. */
struct fapp {
	int fd;
	int efd_engine, efd_app;
	struct ipc_bells to_engine;
	struct ipc_arena arena;
	struct ipc_cmdring cmd;
	struct app *a;
	struct shim_sock_state *state;
};

static void fapp_attach_flags(struct fapp *f, uint32_t flags)
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
	m.u.hello.flags = flags;
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
	f->to_engine = (struct ipc_bells){ .shared = f->efd_engine };
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

static void fapp_attach(struct fapp *f)
{
	fapp_attach_flags(f, 0);
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

/*
 * SHIM_MAX_SOCKS sockets per app, each with its own slot, state words and
 * rings (the last slot's too); one more is EMFILE, as socket() at the fd
 * limit; a closed slot is reused under a new generation.
 */
static struct fapp f_many;

Test(app, sockets_run_out_at_shim_max_socks_with_emfile)
{
	static uint32_t ids[SHIM_MAX_SOCKS];
	struct ipc_cmd c = { .op = IPC_OP_SOCKET,
			     .arg = { AF_INET, SOCK_DGRAM, 0 } };
	struct ipc_rec_meta meta;
	struct ipc_cpl cpl;
	struct fsock last;
	char buf[8];
	size_t reclen;
	unsigned int i;

	fapp_attach(&f_many);
	describe(&f_many);
	cr_assert_leq((uint64_t)((uint8_t *)f_many.state - f_many.arena.base) +
			      SHIM_STATE_LEN,
		      f_many.arena.lay.size);
	for (i = 0; i < SHIM_MAX_SOCKS - 1; i++) {
		cr_assert_eq(cmd(&f_many, &c, &cpl), 0, "socket %u", i);
		ids[i] = (uint32_t)cpl.result;
		cr_assert_eq(SHIM_ID_SLOT(ids[i]), i);
	}
	fsock_open(&f_many, &last);
	ids[i] = last.id;
	cr_assert_eq(SHIM_ID_SLOT(last.id), SHIM_MAX_SOCKS - 1);
	cr_assert_eq(app_nsocks(f_many.a), SHIM_MAX_SOCKS);
	cr_assert_eq(cmd(&f_many, &c, &cpl), EMFILE);

	/* The last slot is a working socket: its state words and scratch
	 * area are inside the state region, its rings carry a datagram. */
	cr_assert_eq(atomic_load(&f_many.state[SHIM_MAX_SOCKS - 1].id),
		     last.id);
	memset((uint8_t *)f_many.state + SHIM_SCRATCH_OFF +
		       (size_t)(SHIM_MAX_SOCKS - 1) * SHIM_SCRATCH_LEN,
	       0xa5, SHIM_SCRATCH_LEN);
	cr_assert_eq(addr_cmd(&f_many, IPC_OP_BIND, last.id, L3_US, 5001), 0);
	l3_rx_udp(L3_PEER, 4242, L3_US, 5001, (const uint8_t *)"last", 4);
	cr_assert_eq(
		ipc_recring_recv(&last.rx, &meta, buf, sizeof(buf), 0, &reclen),
		4);
	cr_assert_eq(memcmp(buf, "last", 4), 0);

	/* A freed slot in the middle is found again, under a new id. */
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = ids[1000] };
	cr_assert_eq(cmd(&f_many, &c, NULL), 0);
	c = (struct ipc_cmd){ .op = IPC_OP_SOCKET,
			      .arg = { AF_INET, SOCK_DGRAM, 0 } };
	cr_assert_eq(cmd(&f_many, &c, &cpl), 0);
	cr_assert_eq(SHIM_ID_SLOT((uint32_t)cpl.result), 1000);
	cr_assert_neq((uint32_t)cpl.result, ids[1000]);
	cr_assert_eq(cmd(&f_many, &c, &cpl), EMFILE);
	app_detach(f_many.a);
	cr_assert_eq(l3_eng.udp->nsocks, 0);
	fapp_close(&f_many);
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
	(void)ipc_doorbell_ring(f.efd_engine);
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

/*
 * Stream sockets.  The fake peer (fake_tcp.h) plays 192.0.2.1; the fake
 * app drives the engine through commands and byte rings.
 */
struct fstream {
	uint32_t id;
	struct ipc_bytering tx, rx;
	uint64_t tx_off, rx_off;
};

static void open_bytering(struct fapp *f, struct ipc_bytering *r, uint64_t off,
			  bool producer)
{
	void *region = ipc_arena_region(&f->arena, off);
	uint32_t cap;

	cr_assert_not_null(region);
	cr_assert_eq(ipc_ring_info_check(region, f->arena.lay.region_len,
					 IPC_RING_BYTES, &cap),
		     0);
	cr_assert_eq(ipc_bytering_open(r, region, f->arena.lay.region_len, cap,
				       producer),
		     0);
}

static void fstream_rings(struct fapp *f, struct fstream *s)
{
	open_bytering(f, &s->tx, s->tx_off, true);
	open_bytering(f, &s->rx, s->rx_off, false);
}

static void fstream_open(struct fapp *f, struct fstream *s)
{
	struct ipc_cmd c = { .op = IPC_OP_SOCKET,
			     .arg = { AF_INET, SOCK_STREAM, IPPROTO_TCP } };
	struct ipc_cpl cpl;

	cr_assert_eq(cmd(f, &c, &cpl), 0);
	s->id = (uint32_t)cpl.result;
	s->tx_off = cpl.val[0];
	s->rx_off = cpl.val[1];
	fstream_rings(f, s);
}

static uint32_t sevents(struct fapp *f, uint32_t id)
{
	return atomic_load(&f->state[SHIM_ID_SLOT(id)].events);
}

static uint32_t serr(struct fapp *f, uint32_t id)
{
	return atomic_load(&f->state[SHIM_ID_SLOT(id)].err);
}

/* fstream_connect() - CONNECT, then the peer completes the handshake. */
static void fstream_connect(struct fapp *f, struct fstream *s,
			    struct ft_peer *pp)
{
	struct tcp_opts o = { .present = TCP_OPT_MSS, .mss = 1460 };

	cr_assert_eq(addr_cmd(f, IPC_OP_CONNECT, s->id, L3_PEER, FT_PPORT),
		     EINPROGRESS);
	cr_assert_eq(sevents(f, s->id) & (SHIM_EV_CONNECTED | SHIM_EV_HUP), 0);
	ft_answer_syn(pp, &o);
	cr_assert(sevents(f, s->id) & SHIM_EV_CONNECTED);
}

/* Bytes the engine sent to the peer, until a FIN (*@fin) or silence. */
static size_t collect(struct ft_peer *pp, uint8_t *out, size_t cap, bool *fin)
{
	struct ft_seg seg;
	size_t n = 0;

	*fin = false;
	while (ft_recv(pp, &seg)) {
		size_t k = seg.th.payload_len;

		cr_assert_leq(n + k, cap);
		memcpy(out + n, seg.th.payload, k);
		n += k;
		if (seg.th.flags & TCP_FIN)
			*fin = true;
		if (seg.th.flags & TCP_RST)
			cr_assert_fail("unexpected RST");
		ft_free(&seg);
	}
	return n;
}

static struct tcb *the_tcb(enum tcp_state st)
{
	struct tcb *t;

	for (t = l3_eng.tcp->all; t; t = t->all_next)
		if (t->state == st)
			return t;
	cr_assert_fail("no TCB in %s", tcp_state_name(st));
	return NULL;
}

/* Active open, bytes both ways, the peer's FIN after the data. */
Test(app, stream_connects_and_moves_bytes_both_ways)
{
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	uint8_t buf[64];
	bool fin;

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	/* A fresh socket is CLOSED: POLLHUP, as on Linux. */
	cr_assert(sevents(&f, s.id) & SHIM_EV_HUP);
	fstream_connect(&f, &s, &pp);
	cr_assert_eq(ipc_bytering_write(&s.tx, "hello", 5), 5);
	app_doorbell(f.a);
	cr_assert_eq(collect(&pp, buf, sizeof(buf), &fin), 5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_not(fin);
	pp.ack += 5;
	ft_send(&pp, TCP_ACK | TCP_PSH, "world", 5);
	ft_send(&pp, TCP_FIN, NULL, 0);
	/* The data is in the ring before RDHUP is seen. */
	cr_assert(sevents(&f, s.id) & SHIM_EV_RDHUP);
	cr_assert_eq(ipc_bytering_read(&s.rx, buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "world", 5), 0);
	cr_assert_eq(app_stats(&l3_eng)->ShimTcpTxBytes, 5);
	cr_assert_eq(app_stats(&l3_eng)->ShimTcpRxBytes, 5);
	struct ipc_cmd c = { .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	cr_assert_eq(app_nsocks(f.a), 0);
	(void)collect(&pp, buf, sizeof(buf), &fin);
	cr_assert(fin);
	fapp_close(&f);
}

/* A refused connect is published as the pending error and HUP. */
Test(app, refused_connect_posts_econnrefused)
{
	struct fapp f;
	struct fstream s;
	struct ft_seg seg;
	struct ft_peer pp = { .port = FT_PPORT, .win = 0 };

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	cr_assert_eq(addr_cmd(&f, IPC_OP_CONNECT, s.id, L3_PEER, FT_PPORT),
		     EINPROGRESS);
	cr_assert(ft_pop(&seg));
	pp.lport = seg.th.sport;
	ft_send_raw(&pp, 0, seg.th.seq + 1, TCP_RST | TCP_ACK, NULL, NULL, 0);
	ft_free(&seg);
	cr_assert_eq(serr(&f, s.id), ECONNREFUSED);
	cr_assert(sevents(&f, s.id) & SHIM_EV_ERR);
	cr_assert(sevents(&f, s.id) & SHIM_EV_HUP);
	cr_assert_not(sevents(&f, s.id) & SHIM_EV_CONNECTED);
	fapp_close(&f);
}

/*
 * CLOSE with more queued than TCP's send buffer holds: every byte goes
 * out before the FIN, in order.
 */
Test(app, close_drains_the_tx_ring_before_the_fin)
{
	enum { N = 100000 };
	static uint8_t data[N], got[N + 1];
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	size_t n = 0, i;
	bool fin = false;
	int rounds;

	for (i = 0; i < N; i++)
		data[i] = (uint8_t)(i * 7 + i / 251);
	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	fstream_connect(&f, &s, &pp);
	cr_assert_eq(ipc_bytering_write(&s.tx, data, N), N);
	struct ipc_cmd c = { .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	/* Gone for the app at once; the engine still owns the bytes. */
	cr_assert_eq(cmd(&f, &c, NULL), EBADF);
	for (rounds = 0; rounds < 1000 && !fin; rounds++) {
		size_t k = collect(&pp, got + n, sizeof(got) - n, &fin);

		n += k;
		pp.ack += (uint32_t)k;
		if (!fin)
			ft_send(&pp, TCP_ACK, NULL, 0);
	}
	cr_assert(fin);
	cr_assert_eq(n, N);
	cr_assert_eq(memcmp(got, data, N), 0);
	cr_assert_eq(app_nsocks(f.a), 0);
	fapp_close(&f);
}

/* SHUT_WR waits for the bytes already queued: the FIN comes after them. */
/*
 * shutdown(SHUT_WR) then close() with bytes still queued (what python's
 * socketserver does after a large response): both wait for the tx ring.
 * When it drains, the FIN of the deferred shutdown runs the readiness
 * callbacks, which found the socket closing and released it under the
 * service that was still using it (an engine segfault, one run in four
 * of test_shim_tcp's threaded http.server).
 */
Test(app, deferred_shutdown_and_close_release_the_socket_once)
{
	enum { N = 100000 };
	static uint8_t data[N], got[N + 1];
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	struct ipc_cmd c;
	size_t n = 0;
	bool fin = false;
	int rounds;

	int v = 4096;

	memset(data, 'q', sizeof(data));
	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	fstream_connect(&f, &s, &pp);
	/* A small send buffer: most bytes wait in the ring. */
	c = (struct ipc_cmd){ .op = IPC_OP_SETSOCKOPT,
			      .sock = s.id,
			      .arg = { SOL_SOCKET, SO_SNDBUF, sizeof(v) } };
	memcpy(&c.arg[3], &v, sizeof(v));
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	cr_assert_eq(ipc_bytering_write(&s.tx, data, N), N);
	c = (struct ipc_cmd){ .op = IPC_OP_SHUTDOWN,
			      .sock = s.id,
			      .arg = { SHUT_WR } };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	for (rounds = 0; rounds < 1000 && !fin; rounds++) {
		size_t k = collect(&pp, got + n, sizeof(got) - n, &fin);

		n += k;
		pp.ack += (uint32_t)k;
		if (!fin)
			ft_send(&pp, TCP_ACK, NULL, 0);
	}
	cr_assert(fin);
	cr_assert_eq(n, N);
	cr_assert_eq(app_nsocks(f.a), 0);
	fapp_close(&f);
}

Test(app, shutdown_wr_is_ordered_after_queued_bytes)
{
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	struct ipc_cmd c;
	uint8_t buf[64];
	bool fin;

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	c = (struct ipc_cmd){ .op = IPC_OP_SHUTDOWN,
			      .sock = s.id,
			      .arg = { SHUT_WR } };
	cr_assert_eq(cmd(&f, &c, NULL), ENOTCONN);
	fstream_connect(&f, &s, &pp);
	/* Queued, but not drained before the command runs. */
	cr_assert_eq(ipc_bytering_write(&s.tx, "last words", 10), 10);
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	cr_assert_eq(collect(&pp, buf, sizeof(buf), &fin), 10);
	cr_assert(fin);
	cr_assert_eq(memcmp(buf, "last words", 10), 0);
	cr_assert(sevents(&f, s.id) & SHIM_EV_WRHUP);
	c.arg[0] = 99;
	cr_assert_eq(cmd(&f, &c, NULL), EINVAL);
	fapp_close(&f);
}

/* Closing with bytes the app never read resets, as the kernel does. */
Test(app, close_with_unread_bytes_resets)
{
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	struct ft_seg seg;
	bool rst = false;

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	fstream_connect(&f, &s, &pp);
	ft_send(&pp, TCP_ACK | TCP_PSH, "unread", 6);
	ft_drain();
	struct ipc_cmd c = { .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	while (ft_pop(&seg)) {
		rst |= (seg.th.flags & TCP_RST) != 0;
		cr_assert_not(seg.th.flags & TCP_FIN);
		ft_free(&seg);
	}
	cr_assert(rst);
	fapp_close(&f);
}

/*
 * A full rx ring leaves the bytes in TCP: the window shrinks to zero;
 * the app's reading (and kick) resumes the flow.
 */
Test(app, full_rx_ring_keeps_bytes_in_tcp_and_closes_the_window)
{
	static uint8_t chunk[1000], sink[1 << 16];
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	struct ft_seg seg;
	struct tcb *t;
	uint32_t cap;
	size_t sent = 0, read = 0, accepted;
	ssize_t n;
	int i;
	bool zero = false;

	memset(chunk, 'z', sizeof(chunk));
	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	fstream_connect(&f, &s, &pp);
	cap = s.rx.s.cap;
	t = the_tcb(TCPS_ESTABLISHED);
	for (i = 0; i < 1000 && !zero; i++) {
		ft_send(&pp, TCP_ACK, chunk, sizeof(chunk));
		sent += sizeof(chunk);
		while (ft_recv(&pp, &seg)) {
			zero |= seg.th.window == 0;
			ft_free(&seg);
		}
	}
	cr_assert(zero, "the window never closed after %zu bytes", sent);
	cr_assert_eq(ipc_bytering_used(&s.rx), (ssize_t)cap);
	cr_assert_gt(t->rcv.len, 0);
	/* Everything TCP accepted is in the ring or still in TCP. */
	accepted = t->rcv_nxt - (FT_PEER_ISN + 1);
	cr_assert_eq(accepted, cap + t->rcv.len);
	/* The app reads; its kick rings the engine (armed on the full
	 * ring), which refills from TCP until TCP holds nothing. */
	for (i = 0; i < 64 && (t->rcv.len || ipc_bytering_used(&s.rx)); i++) {
		while ((n = ipc_bytering_read(&s.rx, sink, sizeof(sink))) > 0)
			read += (size_t)n;
		if (i == 0)
			cr_assert_eq(ipc_bytering_kick(&s.rx, &f.to_engine), 1);
		else
			(void)ipc_bytering_kick(&s.rx, &f.to_engine);
		app_doorbell(f.a);
	}
	cr_assert_eq(t->rcv.len, 0);
	cr_assert_eq(read + (size_t)ipc_bytering_used(&s.rx), accepted);
	fapp_close(&f);
}

/* LISTEN, ACCEPT (EAGAIN, then the connection with its peer address). */
Test(app, accept_hands_over_queued_connections)
{
	struct fapp f;
	struct fstream ln, s;
	struct ft_peer pp;
	struct ipc_cmd c;
	struct ipc_cpl cpl;
	struct tcp_opts o;
	struct sockaddr_in peer = { 0 };
	uint32_t ip;
	uint16_t port;
	uint8_t buf[16];

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &ln);
	c = (struct ipc_cmd){ .op = IPC_OP_ACCEPT, .sock = ln.id };
	cr_assert_eq(cmd(&f, &c, NULL), EINVAL); /* not listening */
	cr_assert_eq(addr_cmd(&f, IPC_OP_BIND, ln.id, L3_US, 80), 0);
	c = (struct ipc_cmd){ .op = IPC_OP_LISTEN,
			      .sock = ln.id,
			      .arg = { 8 } };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	c = (struct ipc_cmd){ .op = IPC_OP_ACCEPT, .sock = ln.id };
	cr_assert_not(sevents(&f, ln.id) & SHIM_EV_ACCEPT);
	/* The peer connects and sends before anyone accepts (no ACCEPT
	 * came yet, so no accept ring: the command hands it over). */
	memset(&o, 0, sizeof(o));
	ft_syn(&pp, 80, &o);
	ft_send(&pp, TCP_ACK, NULL, 0);
	ft_send(&pp, TCP_ACK | TCP_PSH, "early", 5);
	ft_drain();
	cr_assert(sevents(&f, ln.id) & SHIM_EV_ACCEPT);
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	s.id = (uint32_t)cpl.result;
	s.tx_off = cpl.val[0] & 0xffffffffu;
	s.rx_off = cpl.val[0] >> 32;
	fstream_rings(&f, &s);
	ip = (uint32_t)cpl.val[1];
	port = (uint16_t)(cpl.val[1] >> 32);
	memcpy(&peer.sin_addr, &ip, 4);
	memcpy(&peer.sin_port, &port, 2);
	cr_assert_eq(ntohl(peer.sin_addr.s_addr), L3_PEER);
	cr_assert_eq(ntohs(peer.sin_port), FT_PPORT);
	cr_assert_not(sevents(&f, ln.id) & SHIM_EV_ACCEPT);
	cr_assert(sevents(&f, s.id) & SHIM_EV_CONNECTED);
	cr_assert_eq(ipc_bytering_read(&s.rx, buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "early", 5), 0);
	cr_assert_eq(app_stats(&l3_eng)->ShimAccepts, 1);
	cr_assert_eq(app_nsocks(f.a), 2);
	/* Stream-only commands on a datagram socket, datagram on stream. */
	{
		struct fsock u;

		fsock_open(&f, &u);
		c = (struct ipc_cmd){ .op = IPC_OP_ACCEPT, .sock = u.id };
		cr_assert_eq(cmd(&f, &c, NULL), EOPNOTSUPP);
		c = (struct ipc_cmd){ .op = IPC_OP_SHUTDOWN,
				      .sock = u.id,
				      .arg = { SHUT_WR } };
		cr_assert_eq(cmd(&f, &c, NULL), EOPNOTSUPP);
	}
	c = (struct ipc_cmd){ .op = IPC_OP_SOCKET,
			      .arg = { AF_INET, SOCK_STREAM, IPPROTO_UDP } };
	cr_assert_eq(cmd(&f, &c, NULL), EPROTONOSUPPORT);
	c = (struct ipc_cmd){ .op = IPC_OP_SOCKET,
			      .arg = { AF_INET, SOCK_SEQPACKET, 0 } };
	cr_assert_eq(cmd(&f, &c, NULL), ESOCKTNOSUPPORT);
	fapp_close(&f);
}

/* Garbage tx indices poison one stream socket; its neighbour still works. */
/*
 * The accept ring (nsstack/shimproto.h): after one ACCEPT, connections
 * are accepted for the app as they complete the handshake.
 */

static uint64_t forkkey(struct fapp *f, uint32_t *client);
static int share(struct fapp *f, uint32_t parent, uint64_t secret, uint32_t id,
		 struct fstream *out);

/* peer_connect() - a peer from @port completes a handshake to @lport;
 * false if the engine did not answer the SYN (a full queue drops it). */
static bool peer_connect(struct ft_peer *pp, uint16_t port, uint16_t lport)
{
	struct tcp_opts o;
	struct ft_seg seg;
	bool synack = false;

	memset(&o, 0, sizeof(o));
	memset(pp, 0, sizeof(*pp));
	pp->port = port;
	pp->lport = lport;
	pp->seq = FT_PEER_ISN;
	pp->win = 65535;
	ft_send_raw(pp, pp->seq, 0, TCP_SYN, &o, NULL, 0);
	pp->seq++;
	while (ft_recv(pp, &seg)) {
		if (seg.th.flags == (TCP_SYN | TCP_ACK)) {
			synack = true;
			pp->ack = seg.th.seq + 1;
		}
		ft_free(&seg);
	}
	if (synack)
		ft_send(pp, TCP_ACK, NULL, 0);
	return synack;
}

/* listen_on() - bind @ln to port @port and listen with @backlog. */
static void listen_on(struct fapp *f, struct fstream *ln, uint16_t port,
		      uint64_t backlog)
{
	struct ipc_cmd c;

	fstream_open(f, ln);
	cr_assert_eq(addr_cmd(f, IPC_OP_BIND, ln->id, L3_US, port), 0);
	c = (struct ipc_cmd){ .op = IPC_OP_LISTEN,
			      .sock = ln->id,
			      .arg = { backlog } };
	cr_assert_eq(cmd(f, &c, NULL), 0);
}

/* arm() - one ACCEPT on an empty queue: EAGAIN, and the ring is armed. */
static void arm(struct fapp *f, struct fstream *ln)
{
	struct ipc_cmd c = { .op = IPC_OP_ACCEPT, .sock = ln->id };

	cr_assert_eq(cmd(f, &c, NULL), EAGAIN);
}

/* take() - the app reads one record from @ln's accept ring; false if
 * none (the kick tells the engine, as the shim's does). */
static bool take(struct fapp *f, struct fstream *ln,
		 struct shim_accept_rec *rec)
{
	if (ipc_bytering_used(&ln->rx) < (ssize_t)sizeof(*rec))
		return false;
	cr_assert_eq(ipc_bytering_read(&ln->rx, rec, sizeof(*rec)),
		     (ssize_t)sizeof(*rec));
	(void)ipc_bytering_kick(&ln->rx, &f->to_engine);
	return true;
}

/* peer_reset() - pop what the engine sent: did it reset @pp (and, in
 * *@fin, send it a FIN)?  @other, if any, gets the same for a second
 * peer (segments to other peers are dropped). */
static bool peer_reset2(const struct ft_peer *pp, bool *fin,
			const struct ft_peer *other, bool *other_rst)
{
	struct ft_seg seg;
	bool rst = false;

	if (fin)
		*fin = false;
	if (other_rst)
		*other_rst = false;
	while (ft_pop(&seg)) {
		bool r = (seg.th.flags & TCP_RST) != 0;

		if (seg.th.dport == pp->port) {
			rst |= r;
			if (fin && (seg.th.flags & TCP_FIN))
				*fin = true;
		} else if (other && other_rst && seg.th.dport == other->port) {
			*other_rst |= r;
		}
		ft_free(&seg);
	}
	return rst;
}

static bool peer_reset(const struct ft_peer *pp, bool *fin)
{
	return peer_reset2(pp, fin, NULL, NULL);
}

Test(app, accept_ring_hands_over_connections_without_a_command)
{
	struct fapp f;
	struct fstream ln, s;
	struct ft_peer pp;
	struct shim_accept_rec rec;
	struct sockaddr_in peer;
	struct tcb *lt;
	uint8_t buf[16];

	fapp_attach(&f);
	describe(&f);
	listen_on(&f, &ln, 80, 8);
	arm(&f, &ln);
	lt = tcp_listener_lookup(&l3_eng, L3_US, 80);
	cr_assert_not_null(lt);
	cr_assert(peer_connect(&pp, FT_PPORT, 80));
	ft_send(&pp, TCP_ACK | TCP_PSH, "early", 5);
	ft_drain();
	/* Accepted already: the queue is empty, the record waits. */
	cr_assert_not(sevents(&f, ln.id) & SHIM_EV_ACCEPT);
	cr_assert_eq(lt->aq_len, 0);
	cr_assert_eq(lt->aq_handed, 1);
	cr_assert_eq(app_stats(&l3_eng)->ShimAcceptRing, 1);
	cr_assert_eq(app_nsocks(f.a), 2);
	cr_assert(take(&f, &ln, &rec));
	cr_assert_not(take(&f, &ln, &rec));
	cr_assert_eq(rec.addrlen, sizeof(peer));
	memcpy(&peer, rec.addr, sizeof(peer));
	cr_assert_eq(peer.sin_family, AF_INET);
	cr_assert_eq(ntohl(peer.sin_addr.s_addr), L3_PEER);
	cr_assert_eq(ntohs(peer.sin_port), FT_PPORT);
	s.id = rec.id;
	s.tx_off = rec.tx_off;
	s.rx_off = rec.rx_off;
	fstream_rings(&f, &s);
	cr_assert(sevents(&f, s.id) & SHIM_EV_CONNECTED);
	cr_assert_eq(ipc_bytering_read(&s.rx, buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "early", 5), 0);
	/* The app's kick (its doorbell) tells the engine it took it. */
	app_doorbell(f.a);
	cr_assert_eq(lt->aq_handed, 0);
	/* Taken sockets are the app's: the listener's close leaves it. */
	struct ipc_cmd c = { .op = IPC_OP_CLOSE, .sock = ln.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	cr_assert_not(peer_reset(&pp, NULL));
	cr_assert_eq(app_nsocks(f.a), 1);
	cr_assert_eq(ipc_bytering_write(&s.tx, "late", 4), 4);
	(void)ipc_bytering_kick(&s.tx, &f.to_engine);
	app_doorbell(f.a);
	cr_assert_eq(collect(&pp, buf, sizeof(buf), &(bool){ false }), 4);
	fapp_close(&f);
}

/* A socket the app closes right after taking its record (before the
 * engine saw the ring's head move) closes with a FIN, not a reset. */
Test(app, accepted_then_closed_at_once_closes_with_a_fin)
{
	struct fapp f;
	struct fstream ln;
	struct ft_peer pp;
	struct shim_accept_rec rec;
	struct ipc_cmd c;
	bool fin;

	fapp_attach(&f);
	describe(&f);
	listen_on(&f, &ln, 80, 8);
	arm(&f, &ln);
	cr_assert(peer_connect(&pp, FT_PPORT, 80));
	cr_assert_eq(ipc_bytering_read(&ln.rx, &rec, sizeof(rec)),
		     (ssize_t)sizeof(rec));
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = rec.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	cr_assert_not(peer_reset(&pp, &fin));
	cr_assert(fin);
	cr_assert_eq(app_nsocks(f.a), 1);
	fapp_close(&f);
}

/* Records in the ring count against the backlog, as the kernel's queue. */
Test(app, accept_ring_counts_against_the_backlog)
{
	struct fapp f;
	struct fstream ln;
	struct ft_peer pp[3];
	struct shim_accept_rec rec;
	struct tcb *lt;
	uint64_t drops;

	fapp_attach(&f);
	describe(&f);
	listen_on(&f, &ln, 80, 1); /* room for backlog + 1 = 2 */
	arm(&f, &ln);
	lt = tcp_listener_lookup(&l3_eng, L3_US, 80);
	drops = l3_eng.stats.tcp.TcpExtListenOverflows;
	cr_assert(peer_connect(&pp[0], FT_PPORT, 80));
	cr_assert(peer_connect(&pp[1], FT_PPORT + 1, 80));
	cr_assert_eq(lt->aq_handed, 2);
	cr_assert_not(peer_connect(&pp[2], FT_PPORT + 2, 80));
	cr_assert_eq(l3_eng.stats.tcp.TcpExtListenOverflows, drops + 1);
	/* accept() makes room: the peer's retry gets in. */
	cr_assert(take(&f, &ln, &rec));
	app_doorbell(f.a);
	cr_assert_eq(lt->aq_handed, 1);
	cr_assert(peer_connect(&pp[2], FT_PPORT + 2, 80));
	cr_assert_eq(lt->aq_handed, 2);
	fapp_close(&f);
}

/* Closing the listener resets what waits in its ring, as Linux resets
 * its accept queue; the app's death does the same. */
Test(app, listener_close_resets_connections_left_in_the_ring)
{
	struct fapp f;
	struct fstream ln;
	struct ft_peer pp[2];
	struct ipc_cmd c;
	bool rst1;

	fapp_attach(&f);
	describe(&f);
	listen_on(&f, &ln, 80, 8);
	arm(&f, &ln);
	cr_assert(peer_connect(&pp[0], FT_PPORT, 80));
	cr_assert(peer_connect(&pp[1], FT_PPORT + 1, 80));
	cr_assert_eq(app_nsocks(f.a), 3);
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = ln.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	cr_assert(peer_reset2(&pp[0], NULL, &pp[1], &rst1));
	cr_assert(rst1);
	cr_assert_eq(app_nsocks(f.a), 0);
	cr_assert_null(tcp_listener_lookup(&l3_eng, L3_US, 80));
	fapp_close(&f);
}

Test(app, app_death_resets_untaken_and_closes_taken_connections)
{
	struct fapp f;
	struct fstream ln;
	struct ft_peer pp[2];
	struct shim_accept_rec rec;
	bool fin, rst1;

	fapp_attach(&f);
	describe(&f);
	listen_on(&f, &ln, 80, 8);
	arm(&f, &ln);
	cr_assert(peer_connect(&pp[0], FT_PPORT, 80));
	cr_assert(peer_connect(&pp[1], FT_PPORT + 1, 80));
	/* The app took the first record, then died before its kick. */
	cr_assert_eq(ipc_bytering_read(&ln.rx, &rec, sizeof(rec)),
		     (ssize_t)sizeof(rec));
	app_detach(f.a);
	cr_assert_eq(app_count(&l3_eng), 0);
	cr_assert_not(peer_reset2(&pp[0], &fin, &pp[1], &rst1));
	cr_assert(fin);
	cr_assert(rst1);
	cr_assert_null(tcp_listener_lookup(&l3_eng, L3_US, 80));
	fapp_close(&f);
}

/* A head the app moved off a record boundary stops the ring; ACCEPT
 * still serves, and the engine neither crashes nor leaks. */
Test(app, garbage_accept_ring_head_falls_back_to_the_command)
{
	struct fapp f;
	struct fstream ln;
	struct ft_peer pp[2];
	struct ipc_cmd c;
	struct ipc_cpl cpl;
	uint64_t bad;
	uint8_t b;

	fapp_attach(&f);
	describe(&f);
	listen_on(&f, &ln, 80, 8);
	arm(&f, &ln);
	cr_assert(peer_connect(&pp[0], FT_PPORT, 80));
	bad = app_stats(&l3_eng)->ShimBadRings;
	/* Read 1 byte: the head is no longer on a record boundary. */
	cr_assert_eq(ipc_bytering_read(&ln.rx, &b, 1), 1);
	(void)ipc_bytering_kick(&ln.rx, &f.to_engine);
	cr_assert(peer_connect(&pp[1], FT_PPORT + 1, 80));
	ft_drain();
	cr_assert_eq(app_stats(&l3_eng)->ShimBadRings, bad + 1);
	cr_assert(sevents(&f, ln.id) & SHIM_EV_ACCEPT);
	c = (struct ipc_cmd){ .op = IPC_OP_ACCEPT, .sock = ln.id };
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	cr_assert_not(sevents(&f, ln.id) & SHIM_EV_ACCEPT);
	cr_assert_eq(cmd(&f, &c, NULL), EAGAIN);
	/* Random head values never crash the engine either. */
	for (int i = 0; i < 64; i++) {
		atomic_store(&ln.rx.s.shm->head, (uint32_t)random());
		app_doorbell(f.a);
	}
	app_detach(f.a);
	cr_assert_null(tcp_listener_lookup(&l3_eng, L3_US, 80));
	fapp_close(&f);
}

/* A listener shared by two apps gets no records: whoever asks, gets. */
Test(app, shared_listener_gets_no_accept_ring)
{
	struct fapp p, ch;
	struct fstream ln, cl;
	struct ft_peer pp;
	struct ipc_cmd c;
	uint32_t pid_;
	uint64_t key;

	fapp_attach(&p);
	describe(&p);
	listen_on(&p, &ln, 80, 8);
	key = forkkey(&p, &pid_);
	fapp_attach_flags(&ch, IPC_HELLO_F_CHILD);
	describe(&ch);
	cr_assert_eq(share(&ch, pid_, key, ln.id, &cl), 0);
	arm(&p, &ln);
	arm(&ch, &cl);
	cr_assert(peer_connect(&pp, FT_PPORT, 80));
	cr_assert_eq(ipc_bytering_used(&ln.rx), 0);
	cr_assert_eq(ipc_bytering_used(&cl.rx), 0);
	cr_assert(sevents(&ch, cl.id) & SHIM_EV_ACCEPT);
	c = (struct ipc_cmd){ .op = IPC_OP_ACCEPT, .sock = cl.id };
	cr_assert_eq(cmd(&ch, &c, NULL), 0);
	app_detach(ch.a);
	app_detach(p.a);
	fapp_close(&ch);
	fapp_close(&p);
}

Test(app, corrupt_stream_ring_poisons_only_its_socket)
{
	struct fapp f;
	struct fstream s1, s2;
	struct ft_peer p1, p2;
	struct ipc_ring_shm *shm;
	uint8_t buf[16];
	bool fin;

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s1);
	fstream_connect(&f, &s1, &p1);
	fstream_open(&f, &s2);
	fstream_connect(&f, &s2, &p2);
	shm = ipc_arena_region(&f.arena, s1.tx_off);
	atomic_store(&shm->idx.tail, 0x7fffffffu); /* used > cap */
	app_doorbell(f.a);
	cr_assert_eq(app_stats(&l3_eng)->ShimBadRings, 1);
	cr_assert_eq(serr(&f, s1.id), EPROTO);
	app_doorbell(f.a);
	cr_assert_eq(app_stats(&l3_eng)->ShimBadRings, 1);
	cr_assert_eq(ipc_bytering_write(&s2.tx, "fine", 4), 4);
	app_doorbell(f.a);
	cr_assert_eq(collect(&p2, buf, sizeof(buf), &fin), 4);
	/* The poisoned socket still closes and is released. */
	struct ipc_cmd c = { .op = IPC_OP_CLOSE, .sock = s1.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	cr_assert_eq(app_nsocks(f.a), 1);
	fapp_close(&f);
}

/* Random bytes over stream rings and state never crash the engine. */
Test(app, random_stream_garbage_never_crashes)
{
	struct fapp f;
	struct fstream s[3];
	struct ft_peer pp[3];
	unsigned int seed = 7;
	int round, i;

	fapp_attach(&f);
	describe(&f);
	for (i = 0; i < 3; i++) {
		fstream_open(&f, &s[i]);
		fstream_connect(&f, &s[i], &pp[i]);
	}
	for (round = 0; round < 200; round++) {
		struct ipc_cmd c = { .op = (uint16_t)(rand_r(&seed) %
						      IPC_OP_MAX),
				     .sock = s[round % 3].id };
		uint64_t offs[] = { s[round % 3].tx_off, s[round % 3].rx_off };

		for (i = 0; i < 2; i++) {
			uint8_t *r = ipc_arena_region(&f.arena, offs[i]);
			int k;

			for (k = 0; k < 32; k++)
				r[rand_r(&seed) % 4096] = (uint8_t)rand_r(
					&seed);
		}
		for (i = 0; i < IPC_CMD_NARGS; i++)
			c.arg[i] = (uint64_t)rand_r(&seed)
				   << (rand_r(&seed) % 40);
		if (c.op == IPC_OP_SOCKET)
			c.op = IPC_OP_GETNAME;
		(void)cmd(&f, &c, NULL);
		ft_send(&pp[round % 3], TCP_ACK, "x", 1);
		ft_drain();
		app_doorbell(f.a);
	}
	fapp_close(&f);
}

/* The app's death closes its stream sockets, listeners included. */
Test(app, detach_closes_stream_sockets)
{
	struct fapp f;
	struct fstream s, ln;
	struct ft_peer pp;
	struct ipc_cmd c;
	uint8_t buf[16];
	bool fin;

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	fstream_connect(&f, &s, &pp);
	fstream_open(&f, &ln);
	cr_assert_eq(addr_cmd(&f, IPC_OP_BIND, ln.id, L3_US, 81), 0);
	c = (struct ipc_cmd){ .op = IPC_OP_LISTEN, .sock = ln.id };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	app_detach(f.a);
	cr_assert_eq(app_count(&l3_eng), 0);
	(void)collect(&pp, buf, sizeof(buf), &fin);
	cr_assert(fin);
	cr_assert_null(tcp_listener_lookup(&l3_eng, L3_US, 81));
	fapp_close(&f);
}

/*
 * Sharing (fork): a child app holds the parent's engine sockets too,
 * proven by the parent's secret; the socket lives until its last holder.
 */

/* forkkey() - @f's secret and client id. */
static uint64_t forkkey(struct fapp *f, uint32_t *client)
{
	struct ipc_cmd c = { .op = IPC_OP_NOP, .arg = { SHIM_NOP_FORKKEY } };
	struct ipc_cpl cpl;

	cr_assert_eq(cmd(f, &c, &cpl), 0);
	cr_assert_neq(cpl.val[0], 0);
	*client = (uint32_t)cpl.val[1];
	return cpl.val[0];
}

/* share() - SHARE @id of @parent into @f; cpl.err, rings opened on 0. */
static int share(struct fapp *f, uint32_t parent, uint64_t secret, uint32_t id,
		 struct fstream *out)
{
	struct ipc_cmd c = { .op = IPC_OP_SHARE,
			     .sock = id,
			     .arg = { parent, secret } };
	struct ipc_cpl cpl;
	int err = cmd(f, &c, &cpl);

	if (err)
		return err;
	out->id = (uint32_t)cpl.result;
	out->tx_off = cpl.val[0] & 0xffffffffu;
	out->rx_off = cpl.val[0] >> 32;
	fstream_rings(f, out);
	return 0;
}

Test(app, share_needs_the_parents_secret)
{
	struct fapp p, ch;
	struct fstream s, cs;
	struct ft_peer pp;
	uint32_t pid_, cid;
	uint64_t key, ckey;

	fapp_attach(&p);
	describe(&p);
	fstream_open(&p, &s);
	fstream_connect(&p, &s, &pp);
	key = forkkey(&p, &pid_);
	fapp_attach_flags(&ch, IPC_HELLO_F_CHILD);
	describe(&ch);
	ckey = forkkey(&ch, &cid);
	cr_assert_neq(key, ckey);
	cr_assert_eq(share(&ch, pid_, key ^ 1, s.id, &cs), EPERM);
	cr_assert_eq(share(&ch, pid_, ckey, s.id, &cs), EPERM);
	cr_assert_eq(share(&ch, pid_ + 100, key, s.id, &cs), EPERM);
	cr_assert_eq(share(&ch, cid, ckey, s.id, &cs), EPERM); /* itself */
	cr_assert_eq(share(&ch, pid_, key, s.id + 1, &cs), EBADF);
	cr_assert_eq(app_stats(&l3_eng)->ShimShareDenied, 4);
	cr_assert_eq(app_nsocks(ch.a), 0);
	cr_assert_eq(share(&ch, pid_, key, s.id, &cs), 0);
	cr_assert_eq(app_nsocks(ch.a), 1);
	cr_assert(sevents(&ch, cs.id) & SHIM_EV_CONNECTED);
	cr_assert_eq(app_stats(&l3_eng)->ShimShares, 1);
	app_detach(ch.a);
	app_detach(p.a);
	fapp_close(&ch);
	fapp_close(&p);
}

/* Oldest holder receives; both send; closes only at the last holder. */
Test(app, shared_stream_lives_until_its_last_holder)
{
	struct fapp p, ch;
	struct fstream s, cs;
	struct ft_peer pp;
	uint8_t buf[16];
	uint32_t pid_;
	uint64_t key;
	bool fin;
	size_t n;

	fapp_attach(&p);
	describe(&p);
	fstream_open(&p, &s);
	fstream_connect(&p, &s, &pp);
	key = forkkey(&p, &pid_);
	fapp_attach_flags(&ch, IPC_HELLO_F_CHILD);
	describe(&ch);
	cr_assert_eq(share(&ch, pid_, key, s.id, &cs), 0);
	/* Both holders send, each in its own order. */
	cr_assert_eq(ipc_bytering_write(&s.tx, "ab", 2), 2);
	app_doorbell(p.a);
	n = collect(&pp, buf, sizeof(buf), &fin);
	cr_assert_eq(n, 2);
	pp.ack += 2;
	ft_send(&pp, TCP_ACK, NULL, 0); /* Nagle holds "cd" until then */
	cr_assert_eq(ipc_bytering_write(&cs.tx, "cd", 2), 2);
	app_doorbell(ch.a);
	n += collect(&pp, buf + n, sizeof(buf) - n, &fin);
	cr_assert_eq(n, 4);
	cr_assert_eq(memcmp(buf, "abcd", 4), 0);
	pp.ack += 2;
	/* The parent, the oldest holder, receives. */
	ft_send(&pp, TCP_ACK | TCP_PSH, "xy", 2);
	ft_drain();
	cr_assert_eq(ipc_bytering_used(&s.rx), 2);
	cr_assert_eq(ipc_bytering_used(&cs.rx), 0);
	cr_assert_eq(ipc_bytering_read(&s.rx, buf, 1), 1);
	/* The parent closes with "y" unread: no FIN, no RST; the child gets
	 * "y" and receives from now on. */
	struct ipc_cmd c = { .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&p, &c, NULL), 0);
	cr_assert_eq(app_nsocks(p.a), 0);
	cr_assert_eq(collect(&pp, buf, sizeof(buf), &fin), 0);
	cr_assert_not(fin);
	ft_send(&pp, TCP_ACK | TCP_PSH, "zz", 2);
	ft_drain();
	cr_assert_eq(ipc_bytering_read(&cs.rx, buf, sizeof(buf)), 3);
	cr_assert_eq(memcmp(buf, "yzz", 3), 0);
	/* The child's death releases the last holder: FIN. */
	app_detach(ch.a);
	n = collect(&pp, buf, sizeof(buf), &fin);
	cr_assert(fin);
	cr_assert_eq(n, 0);
	app_detach(p.a);
	fapp_close(&ch);
	fapp_close(&p);
}

/* A shared listener wakes every holder; the one that accepts gets it. */
Test(app, shared_listener_serves_whoever_accepts)
{
	struct fapp p, ch;
	struct fstream ln, cl;
	struct ft_peer pp;
	struct tcp_opts o;
	struct ipc_cmd c;
	struct ipc_cpl cpl;
	uint32_t pid_;
	uint64_t key;

	fapp_attach(&p);
	describe(&p);
	fstream_open(&p, &ln);
	cr_assert_eq(addr_cmd(&p, IPC_OP_BIND, ln.id, L3_US, 80), 0);
	c = (struct ipc_cmd){ .op = IPC_OP_LISTEN,
			      .sock = ln.id,
			      .arg = { 8 } };
	cr_assert_eq(cmd(&p, &c, NULL), 0);
	key = forkkey(&p, &pid_);
	fapp_attach_flags(&ch, IPC_HELLO_F_CHILD);
	describe(&ch);
	cr_assert_eq(share(&ch, pid_, key, ln.id, &cl), 0);
	memset(&o, 0, sizeof(o));
	ft_syn(&pp, 80, &o);
	ft_send(&pp, TCP_ACK, NULL, 0);
	ft_drain();
	cr_assert(sevents(&p, ln.id) & SHIM_EV_ACCEPT);
	cr_assert(sevents(&ch, cl.id) & SHIM_EV_ACCEPT);
	c = (struct ipc_cmd){ .op = IPC_OP_ACCEPT, .sock = cl.id };
	cr_assert_eq(cmd(&ch, &c, &cpl), 0);
	cr_assert_eq(app_nsocks(ch.a), 2);
	cr_assert_not(sevents(&p, ln.id) & SHIM_EV_ACCEPT);
	cr_assert_not(sevents(&ch, cl.id) & SHIM_EV_ACCEPT);
	c = (struct ipc_cmd){ .op = IPC_OP_ACCEPT, .sock = ln.id };
	cr_assert_eq(cmd(&p, &c, NULL), EAGAIN);
	/* The child goes; the parent's listener stays. */
	app_detach(ch.a);
	cr_assert_not_null(tcp_listener_lookup(&l3_eng, L3_US, 80));
	app_detach(p.a);
	cr_assert_null(tcp_listener_lookup(&l3_eng, L3_US, 80));
	fapp_close(&ch);
	fapp_close(&p);
}

/* scratch() - the fake app's view of socket @id's scratch area. */
static uint8_t *scratch(struct fapp *f, uint32_t id)
{
	return (uint8_t *)f->state + SHIM_SCRATCH_OFF +
	       (size_t)SHIM_ID_SLOT(id) * SHIM_SCRATCH_LEN;
}

/*
 * An AF_INET6 datagram socket: IPv4 peers come as ::ffff:a.b.c.d, its
 * name (28 bytes) and long option values travel through the scratch area,
 * lengths past it are refused.
 */
Test(app, inet6_datagram_sockets_use_the_scratch_area)
{
	struct fapp f;
	struct fsock s;
	struct ipc_cmd c = { .op = IPC_OP_SOCKET,
			     .arg = { AF_INET6, SOCK_DGRAM, 0 } };
	struct ipc_cpl cpl;
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(5000) };
	struct ipc_rec_meta meta;
	struct ipv6_mreq mr = { .ipv6mr_interface = 0 };
	char buf[16];
	size_t reclen;
	int v = 0;

	fapp_attach(&f);
	describe(&f);
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	s.id = (uint32_t)cpl.result;
	open_ring(&f, &s.tx, cpl.val[0], true);
	open_ring(&f, &s.rx, cpl.val[1], false);

	c = (struct ipc_cmd){ .op = IPC_OP_BIND,
			      .sock = s.id,
			      .arg = { sizeof(s6) } };
	memcpy(&c.arg[1], &s6, sizeof(s6));
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	l3_rx_udp(L3_PEER, 4242, L3_US, 5000, (const uint8_t *)"ping", 4);
	memset(&meta, 0, sizeof(meta));
	cr_assert_eq(
		ipc_recring_recv(&s.rx, &meta, buf, sizeof(buf), 0, &reclen),
		4);
	cr_assert_eq(meta.addrlen, sizeof(s6));
	memcpy(&s6, meta.addr, sizeof(s6));
	cr_assert_eq(s6.sin6_family, AF_INET6);
	cr_assert_eq(ntohs(s6.sin6_port), 4242);
	cr_assert(IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr));

	/* getsockname: a sockaddr_in6 does not fit the completion. */
	memset(scratch(&f, s.id), 0xa5, SHIM_SCRATCH_LEN);
	c = (struct ipc_cmd){ .op = IPC_OP_GETNAME,
			      .sock = s.id,
			      .arg = { SHIM_NAME_SOCK } };
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	cr_assert_eq(cpl.result, sizeof(s6));
	memcpy(&s6, scratch(&f, s.id), sizeof(s6));
	cr_assert_eq(s6.sin6_family, AF_INET6);
	cr_assert_eq(ntohs(s6.sin6_port), 5000);

	/* IPV6_JOIN_GROUP: 20 bytes, by the scratch area. */
	inet_pton(AF_INET6, "ff15::1234", &mr.ipv6mr_multiaddr);
	memcpy(scratch(&f, s.id), &mr, sizeof(mr));
	c = (struct ipc_cmd){ .op = IPC_OP_SETSOCKOPT,
			      .sock = s.id,
			      .arg = { IPPROTO_IPV6, IPV6_JOIN_GROUP,
				       sizeof(mr) } };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	/* A short value inline, a long read back through the scratch area. */
	v = 7;
	c = (struct ipc_cmd){ .op = IPC_OP_SETSOCKOPT,
			      .sock = s.id,
			      .arg = { IPPROTO_IPV6, IPV6_UNICAST_HOPS,
				       sizeof(v) } };
	memcpy(&c.arg[3], &v, sizeof(v));
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	memset(scratch(&f, s.id), 0, SHIM_SCRATCH_LEN);
	c = (struct ipc_cmd){ .op = IPC_OP_GETSOCKOPT,
			      .sock = s.id,
			      .arg = { IPPROTO_IPV6, IPV6_UNICAST_HOPS, 64 } };
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	cr_assert_eq(cpl.result, sizeof(int));
	memcpy(&v, scratch(&f, s.id), sizeof(v));
	cr_assert_eq(v, 7);
	/* Past the scratch area: refused before anything is read. */
	c = (struct ipc_cmd){ .op = IPC_OP_SETSOCKOPT,
			      .sock = s.id,
			      .arg = { IPPROTO_IPV6, IPV6_JOIN_GROUP,
				       SHIM_SCRATCH_LEN + 1 } };
	cr_assert_eq(cmd(&f, &c, NULL), EINVAL);
	c = (struct ipc_cmd){ .op = IPC_OP_GETSOCKOPT,
			      .sock = s.id,
			      .arg = { SOL_SOCKET, SO_RCVBUF,
				       SHIM_SCRATCH_LEN + 1 } };
	cr_assert_eq(cmd(&f, &c, NULL), EINVAL);
	fapp_close(&f);
}

/*
 * AF_INET6 stream sockets are AF_INET6 TCBs: the fake engine also has
 * 2001:db8:1::2 (fake_tcp6.h), the peer is 2001:db8:1::1.
 */
static void setup6(void)
{
	ft6_setup();
	cr_assert_eq(app_init(&l3_eng), 0);
}

TestSuite(app6, .init = setup6, .fini = teardown);

static void fstream6_open(struct fapp *f, struct fstream *s)
{
	struct ipc_cmd c = { .op = IPC_OP_SOCKET,
			     .arg = { AF_INET6, SOCK_STREAM, 0 } };
	struct ipc_cpl cpl;

	cr_assert_eq(cmd(f, &c, &cpl), 0);
	s->id = (uint32_t)cpl.result;
	s->tx_off = cpl.val[0];
	s->rx_off = cpl.val[1];
	fstream_rings(f, s);
}

static int addr6_cmd(struct fapp *f, uint16_t op, uint32_t id,
		     const struct ip6_addr *a, uint16_t port)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port) };
	struct ipc_cmd c = { .op = op, .sock = id, .arg = { sizeof(s6) } };

	if (a)
		memcpy(s6.sin6_addr.s6_addr, a->b, 16);
	memcpy(&c.arg[1], &s6, sizeof(s6));
	return cmd(f, &c, NULL);
}

/* GETNAME of @id: a sockaddr_in6, which comes in the scratch area. */
static struct sockaddr_in6 getname6(struct fapp *f, uint32_t id, uint64_t which)
{
	struct ipc_cmd c = { .op = IPC_OP_GETNAME,
			     .sock = id,
			     .arg = { which } };
	struct sockaddr_in6 s6;
	struct ipc_cpl cpl;

	memset(scratch(f, id), 0xa5, SHIM_SCRATCH_LEN);
	cr_assert_eq(cmd(f, &c, &cpl), 0);
	cr_assert_eq(cpl.result, sizeof(s6));
	memcpy(&s6, scratch(f, id), sizeof(s6));
	cr_assert_eq(s6.sin6_family, AF_INET6);
	return s6;
}

/* Bind, names, IPV6_V6ONLY, an active open to a v6 peer, bytes both ways. */
Test(app6, inet6_stream_socket_connects_to_an_ipv6_peer)
{
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	struct ft6_seg seg;
	struct sockaddr_in6 s6;
	struct ipc_cmd c;
	struct ipc_cpl cpl;
	struct tcp_opts o;
	uint8_t buf[16];
	int v = 1;

	fapp_attach(&f);
	describe(&f);
	fstream6_open(&f, &s);
	c = (struct ipc_cmd){ .op = IPC_OP_SETSOCKOPT,
			      .sock = s.id,
			      .arg = { IPPROTO_IPV6, IPV6_V6ONLY, sizeof(v) } };
	memcpy(&c.arg[3], &v, sizeof(v));
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	v = 0;
	c = (struct ipc_cmd){ .op = IPC_OP_GETSOCKOPT,
			      .sock = s.id,
			      .arg = { IPPROTO_IPV6, IPV6_V6ONLY, sizeof(v) } };
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	memcpy(&v, cpl.val, sizeof(v));
	cr_assert_eq(v, 1);
	cr_assert_eq(addr6_cmd(&f, IPC_OP_BIND, s.id, &ft6_us, 4000), 0);
	s6 = getname6(&f, s.id, SHIM_NAME_SOCK);
	cr_assert_eq(memcmp(s6.sin6_addr.s6_addr, ft6_us.b, 16), 0);
	cr_assert_eq(ntohs(s6.sin6_port), 4000);
	c = (struct ipc_cmd){ .op = IPC_OP_GETNAME,
			      .sock = s.id,
			      .arg = { SHIM_NAME_PEER } };
	cr_assert_eq(cmd(&f, &c, NULL), ENOTCONN);

	cr_assert_eq(addr6_cmd(&f, IPC_OP_CONNECT, s.id, &ft6_peer, FT_PPORT),
		     EINPROGRESS);
	memset(&o, 0, sizeof(o));
	o.present = TCP_OPT_MSS;
	o.mss = 1440;
	ft_answer_syn_af(AF_INET6, &pp, &o);
	cr_assert(sevents(&f, s.id) & SHIM_EV_CONNECTED);
	s6 = getname6(&f, s.id, SHIM_NAME_PEER);
	cr_assert_eq(memcmp(s6.sin6_addr.s6_addr, ft6_peer.b, 16), 0);
	cr_assert_eq(ntohs(s6.sin6_port), FT_PPORT);

	cr_assert_eq(ipc_bytering_write(&s.tx, "hello", 5), 5);
	app_doorbell(f.a);
	cr_assert(ft6_recv(&pp, &seg));
	cr_assert_eq(seg.th.payload_len, 5);
	cr_assert_eq(memcmp(seg.th.payload, "hello", 5), 0);
	ft6_free(&seg);
	pp.ack += 5;
	ft6_send(&pp, TCP_ACK | TCP_PSH, "world", 5);
	cr_assert_eq(ipc_bytering_read(&s.rx, buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "world", 5), 0);
	fapp_close(&f);
}

/* ACCEPT on [::]: a v6 peer's sockaddr_in6 comes in the scratch area. */
Test(app6, inet6_listener_hands_the_peer_over_in_the_scratch_area)
{
	struct fapp f;
	struct fstream ln, s;
	struct ft_peer pp;
	struct sockaddr_in6 s6;
	struct ipc_cmd c;
	struct ipc_cpl cpl;
	struct tcp_opts o;
	uint8_t buf[16];

	fapp_attach(&f);
	describe(&f);
	fstream6_open(&f, &ln);
	cr_assert_eq(addr6_cmd(&f, IPC_OP_BIND, ln.id, NULL, 80), 0);
	s6 = getname6(&f, ln.id, SHIM_NAME_SOCK);
	cr_assert(IN6_IS_ADDR_UNSPECIFIED(&s6.sin6_addr));
	c = (struct ipc_cmd){ .op = IPC_OP_LISTEN,
			      .sock = ln.id,
			      .arg = { 8 } };
	cr_assert_eq(cmd(&f, &c, NULL), 0);
	memset(&o, 0, sizeof(o));
	ft_syn_af(AF_INET6, &pp, 80, &o);
	ft6_send(&pp, TCP_ACK | TCP_PSH, "early", 5);
	ft6_drain();
	cr_assert(sevents(&f, ln.id) & SHIM_EV_ACCEPT);
	memset(scratch(&f, ln.id), 0xa5, SHIM_SCRATCH_LEN);
	c = (struct ipc_cmd){ .op = IPC_OP_ACCEPT, .sock = ln.id };
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	cr_assert_eq(cpl.val[1], 0);
	memcpy(&s6, scratch(&f, ln.id), sizeof(s6));
	cr_assert_eq(s6.sin6_family, AF_INET6);
	cr_assert_eq(memcmp(s6.sin6_addr.s6_addr, ft6_peer.b, 16), 0);
	cr_assert_eq(ntohs(s6.sin6_port), FT_PPORT);
	s.id = (uint32_t)cpl.result;
	s.tx_off = cpl.val[0] & 0xffffffffu;
	s.rx_off = cpl.val[0] >> 32;
	fstream_rings(&f, &s);
	cr_assert_eq(ipc_bytering_read(&s.rx, buf, sizeof(buf)), 5);
	cr_assert_eq(memcmp(buf, "early", 5), 0);
	s6 = getname6(&f, s.id, SHIM_NAME_SOCK);
	cr_assert_eq(memcmp(s6.sin6_addr.s6_addr, ft6_us.b, 16), 0);
	cr_assert_eq(ntohs(s6.sin6_port), 80);
	fapp_close(&f);
}

/*
 * Passing sockets with SCM_RIGHTS (app_pass.c): PASS and ADOPT on the
 * fake app's control socket, as the shim sends them.
 */

/* ctl_call() - @m (with @fd_out if >= 0) to @f's engine; the RESULT's
 * err, *@res filled, *@fd_in the fd that came with it or -1. */
static uint32_t ctl_call(struct fapp *f, const struct ipc_msg *m, int fd_out,
			 struct ipc_result *res, int *fd_in)
{
	uint8_t buf[IPC_MSG_MAX_LEN];
	int fds[IPC_CTL_MAX_FDS];
	size_t nfds = 0;
	struct ipc_msg r;
	ssize_t n;

	n = ipc_msg_encode(m, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	cr_assert_eq(ipc_ctl_send(f->fd, buf, (size_t)n,
				  fd_out >= 0 ? &fd_out : NULL, fd_out >= 0),
		     n);
	app_ctl_ready(f->a);
	n = ipc_ctl_recv(f->fd, buf, sizeof(buf), fds, IPC_CTL_MAX_FDS, &nfds,
			 NULL);
	cr_assert_gt(n, 0);
	cr_assert_eq(ipc_msg_decode(buf, (size_t)n, &r), 0);
	cr_assert_eq(r.type, IPC_MSG_RESULT);
	*res = r.u.result;
	cr_assert_leq(nfds, 1);
	if (fd_in)
		*fd_in = nfds ? fds[0] : -1;
	else if (nfds)
		close(fds[0]);
	return res->err;
}

/* pass() - PASS of @f's socket @id: the new anchor (or -1), RESULT err. */
static uint32_t pass(struct fapp *f, uint32_t id, int *anchor)
{
	struct ipc_msg m = { .type = IPC_MSG_PASS, .version = IPC_VERSION };
	struct ipc_result res;

	m.u.pass.sock = id;
	return ctl_call(f, &m, -1, &res, anchor);
}

/* adopt() - ADOPT of @fd by @f; RESULT err, the stream's rings opened. */
static uint32_t adopt(struct fapp *f, int fd, struct fstream *out,
		      struct ipc_result *res)
{
	struct ipc_msg m = { .type = IPC_MSG_ADOPT, .version = IPC_VERSION };
	uint32_t err = ctl_call(f, &m, fd, res, NULL);

	if (err || !out)
		return err;
	out->id = res->sock;
	out->tx_off = res->offs & 0xffffffffu;
	out->rx_off = res->offs >> 32;
	if (res->type == SOCK_STREAM)
		fstream_rings(f, out);
	return 0;
}

static unsigned int open_fds(void)
{
	unsigned int n = 0;
	int fd;

	for (fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/*
 * The sender passes a connection and closes it before anyone adopts it:
 * the socket waits, parked, with the bytes the sender never read; the
 * adopter reads them first, then what TCP still held, and can send.
 * When the adopter and the anchor are gone, the connection closes.
 */
Test(app, passed_stream_outlives_its_sender_until_adopted)
{
	struct fapp p, r;
	struct fstream s, rs;
	struct ipc_result res;
	struct ft_peer pp;
	uint8_t buf[16];
	int anchor;
	bool fin;

	fapp_attach(&p);
	describe(&p);
	fstream_open(&p, &s);
	fstream_connect(&p, &s, &pp);
	cr_assert_eq(pass(&p, s.id, &anchor), 0);
	cr_assert_geq(anchor, 0);
	cr_assert_eq(app_npasses(&l3_eng), 1);
	cr_assert_eq(app_stats(&l3_eng)->ShimPasses, 1);
	ft_send(&pp, TCP_ACK | TCP_PSH, "early", 5);
	ft_drain();
	cr_assert_eq(ipc_bytering_used(&s.rx), 5);
	/* The sender closes and goes: no FIN, no RST. */
	struct ipc_cmd c = { .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&p, &c, NULL), 0);
	app_detach(p.a);
	fapp_close(&p);
	cr_assert_eq(collect(&pp, buf, sizeof(buf), &fin), 0);
	cr_assert_not(fin);
	ft_send(&pp, TCP_ACK | TCP_PSH, "late", 4);
	ft_drain();
	app_pass_poll(&l3_eng); /* the anchor is open here: nothing ends */
	cr_assert_eq(app_npasses(&l3_eng), 1);

	fapp_attach(&r);
	describe(&r);
	cr_assert_eq(adopt(&r, anchor, &rs, &res), 0);
	cr_assert_eq(res.type, SOCK_STREAM);
	cr_assert_eq(res.family, AF_INET);
	cr_assert_eq(res.flags, IPC_RES_F_CONNDONE);
	cr_assert_eq(app_stats(&l3_eng)->ShimAdopts, 1);
	cr_assert(sevents(&r, rs.id) & SHIM_EV_CONNECTED);
	cr_assert_eq(ipc_bytering_read(&rs.rx, buf, sizeof(buf)), 9);
	cr_assert_eq(memcmp(buf, "earlylate", 9), 0);
	cr_assert_eq(ipc_bytering_write(&rs.tx, "back", 4), 4);
	app_doorbell(r.a);
	cr_assert_eq(collect(&pp, buf, sizeof(buf), &fin), 4);
	cr_assert_eq(memcmp(buf, "back", 4), 0);
	pp.ack += 4;
	/* Sent to itself again: the same socket, no second holder. */
	cr_assert_eq(adopt(&r, anchor, NULL, &res), 0);
	cr_assert_eq(res.flags & IPC_RES_F_HELD, IPC_RES_F_HELD);
	cr_assert_eq(res.sock, rs.id);
	cr_assert_eq(app_nsocks(r.a), 1);

	/* The adopter closes; the anchor still lives (here): parked. */
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = rs.id };
	cr_assert_eq(cmd(&r, &c, NULL), 0);
	cr_assert_eq(collect(&pp, buf, sizeof(buf), &fin), 0);
	cr_assert_not(fin);
	/* The last copy of the anchor closes: the pass ends, FIN. */
	close(anchor);
	app_pass_poll(&l3_eng);
	cr_assert_eq(app_npasses(&l3_eng), 0);
	cr_assert_eq(collect(&pp, buf, sizeof(buf), &fin), 0);
	cr_assert(fin);
	app_detach(r.a);
	fapp_close(&r);
}

/* A listener passed while its sender keeps it: both hold it, both accept. */
Test(app, passed_listener_is_shared_with_its_sender)
{
	struct fapp p, r;
	struct fstream s, rs;
	struct ipc_result res;
	int anchor;

	fapp_attach(&p);
	describe(&p);
	fstream_open(&p, &s);
	cr_assert_eq(addr_cmd(&p, IPC_OP_BIND, s.id, L3_US, 8080), 0);
	struct ipc_cmd c = { .op = IPC_OP_LISTEN, .sock = s.id, .arg = { 8 } };
	cr_assert_eq(cmd(&p, &c, NULL), 0);
	cr_assert_eq(pass(&p, s.id, &anchor), 0);
	fapp_attach(&r);
	describe(&r);
	cr_assert_eq(adopt(&r, anchor, &rs, &res), 0);
	cr_assert_eq(res.flags, IPC_RES_F_LISTEN);
	cr_assert_eq(app_nsocks(p.a), 1);
	cr_assert_eq(app_nsocks(r.a), 1);
	cr_assert_eq(app_stats(&l3_eng)->ShimShares, 1);
	/* Closing every holder and the anchor closes the listener. */
	app_detach(p.a);
	app_detach(r.a);
	cr_assert_not_null(l3_eng.tcp->all);
	close(anchor);
	app_pass_poll(&l3_eng);
	cr_assert_eq(app_npasses(&l3_eng), 0);
	cr_assert_null(l3_eng.tcp->all);
	fapp_close(&p);
	fapp_close(&r);
}

/*
 * Only the anchor the engine made adopts: not another socket, not a
 * guessed id, not a file; malformed messages are refused and counted;
 * every fd that came is closed.
 */
Test(app, adopt_needs_the_anchor_itself)
{
	struct fapp p, x;
	struct fstream s;
	struct ipc_result res;
	struct ipc_msg m;
	uint8_t junk[IPC_MSG_MAX_LEN];
	int sv[2], pfd[2], anchor, fd0;
	unsigned int before;

	fapp_attach(&p);
	describe(&p);
	fstream_open(&p, &s);
	fapp_attach(&x);
	describe(&x);
	before = open_fds();
	/* Another app's id is not ours to pass. */
	cr_assert_eq(pass(&x, s.id, &anchor), EBADF);
	cr_assert_eq(anchor, -1);
	cr_assert_eq(pass(&p, s.id + 1, &anchor), EBADF);
	/* Sockets and files the engine did not make adopt nothing. */
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cr_assert_eq(pipe(pfd), 0);
	cr_assert_eq(adopt(&x, sv[0], NULL, &res), ENOENT);
	cr_assert_eq(adopt(&x, pfd[0], NULL, &res), ENOENT);
	cr_assert_eq(adopt(&x, x.fd, NULL, &res), ENOENT);
	cr_assert_eq(app_stats(&l3_eng)->ShimAdoptDenied, 3);
	/* The real anchor does. */
	cr_assert_eq(pass(&p, s.id, &anchor), 0);
	cr_assert_eq(adopt(&x, anchor, NULL, &res), 0);
	cr_assert_eq(app_nsocks(x.a), 1);
	/* Wrong fd counts and garbage: EBADMSG, counted, fds closed. */
	m = (struct ipc_msg){ .type = IPC_MSG_ADOPT, .version = IPC_VERSION };
	cr_assert_eq(ctl_call(&x, &m, -1, &res, NULL), EBADMSG);
	m = (struct ipc_msg){ .type = IPC_MSG_PASS, .version = IPC_VERSION };
	m.u.pass.sock = s.id;
	cr_assert_eq(ctl_call(&p, &m, sv[1], &res, NULL), EBADMSG);
	memset(junk, 0xa5, sizeof(junk));
	cr_assert_eq(ipc_ctl_send(x.fd, junk, 40, &sv[1], 1), 40);
	app_ctl_ready(x.a);
	cr_assert_gt(recv(x.fd, junk, sizeof(junk), 0), 0);
	cr_assert_eq(ipc_msg_decode(junk, IPC_MSG_RESULT_LEN, &m), 0);
	cr_assert_eq(m.u.result.err, EBADMSG);
	cr_assert_eq(app_stats(&l3_eng)->ShimCtlBad, 3);
	fd0 = open_fds();
	cr_assert_eq((unsigned int)fd0, before + 4 + 1 + 1,
		     "engine kept fds: %d, before %u", fd0, before);
	close(sv[0]);
	close(sv[1]);
	close(pfd[0]);
	close(pfd[1]);
	close(anchor);
	app_pass_poll(&l3_eng);
	app_detach(p.a);
	app_detach(x.a);
	fapp_close(&p);
	fapp_close(&x);
}

/*
 * SO_LINGER with a timeout (IPC_CLOSE_F_LINGER): a connected stream the
 * app alone holds is only shut for writing, with result 1; the FIN's ACK
 * publishes SHIM_EV_FINACK, which the shim's close() waits for before
 * the plain CLOSE (Linux: sk_stream_wait_close()).
 */
Test(app, lingering_close_shuts_writes_and_publishes_the_fin_ack)
{
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	struct ipc_cmd c;
	struct ipc_cpl cpl;
	uint8_t buf[64];
	bool fin;

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	fstream_connect(&f, &s, &pp);
	cr_assert_eq(ipc_bytering_write(&s.tx, "bye", 3), 3);
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE,
			      .flags = IPC_CLOSE_F_LINGER,
			      .sock = s.id };
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	cr_assert_eq(cpl.result, 1, "the shim is to wait");
	cr_assert_eq(collect(&pp, buf, sizeof(buf), &fin), 3);
	cr_assert(fin, "the FIN follows the tx ring's bytes");
	cr_assert_eq(sevents(&f, s.id) & SHIM_EV_FINACK, 0);
	pp.ack += 4;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert(sevents(&f, s.id) & SHIM_EV_FINACK);
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE, .sock = s.id };
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	cr_assert_eq(cpl.result, 0);
	fapp_close(&f);
}

/* Unread bytes reset the connection at close: nothing to linger for. */
Test(app, lingering_close_with_unread_bytes_closes_at_once)
{
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	struct ipc_cmd c;
	struct ipc_cpl cpl;
	struct ft_seg seg;
	bool rst = false;

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	fstream_connect(&f, &s, &pp);
	ft_send(&pp, TCP_ACK | TCP_PSH, "unread", 6);
	c = (struct ipc_cmd){ .op = IPC_OP_CLOSE,
			      .flags = IPC_CLOSE_F_LINGER,
			      .sock = s.id };
	cr_assert_eq(cmd(&f, &c, &cpl), 0);
	cr_assert_eq(cpl.result, 0);
	while (ft_recv(&pp, &seg)) {
		rst |= (seg.th.flags & TCP_RST) != 0;
		ft_free(&seg);
	}
	cr_assert(rst);
	fapp_close(&f);
}

/* waiter() - WAITER @slot for @f: the doorbell's sleeping end (or -1),
 * RESULT err. */
static uint32_t waiter(struct fapp *f, uint32_t slot, int *bell)
{
	struct ipc_msg m = { .type = IPC_MSG_WAITER, .version = IPC_VERSION };
	struct ipc_result res;

	m.u.waiter.slot = slot;
	return ctl_call(f, &m, -1, &res, bell);
}

/*
 * Private waiters (ipc/doorbell.h): two threads asleep on one socket, one
 * on its own doorbell (waiter 5), one on the shared doorbell; a datagram
 * rings each once, and nobody else.  Asking again for a number replaces
 * its doorbell (a program after exec reuses the numbers).
 */
Test(app, each_sleeping_waiter_is_rung_on_its_own_doorbell)
{
	struct ipc_msg m = { .type = IPC_MSG_WAITER, .version = IPC_VERSION };
	uint8_t raw[IPC_MSG_MAX_LEN];
	ssize_t n;
	struct fapp f;
	struct fsock s;
	struct ipc_rec_meta meta;
	char buf[16];
	size_t reclen;
	int bell, old;

	fapp_attach(&f);
	describe(&f);
	fsock_open(&f, &s);
	cr_assert_eq(addr_cmd(&f, IPC_OP_BIND, s.id, L3_US, 5000), 0);
	cr_assert_eq(waiter(&f, 5, &old), 0);
	cr_assert_geq(old, 0);
	cr_assert_eq(waiter(&f, 5, &bell), 0);
	cr_assert_geq(bell, 0);
	cr_assert_eq(app_stats(&l3_eng)->ShimWaiters, 2);
	cr_assert_eq(ipc_recring_wait_prepare(&s.rx, 0, IPC_WAITER_BIT(5)), 0);
	cr_assert_eq(ipc_recring_wait_prepare(&s.rx, 0, IPC_WAIT_SHARED), 0);
	l3_rx_udp(L3_PEER, 4242, L3_US, 5000, (const uint8_t *)"ping", 4);
	cr_assert_eq(ipc_doorbell_drain(bell), 1);
	cr_assert_eq(ipc_doorbell_drain(f.efd_app), 1);
	/* The replaced doorbell is dead: its ring end was closed. */
	cr_assert_eq(ipc_doorbell_drain(old), 0);
	cr_assert_eq(recv(old, buf, 1, MSG_DONTWAIT), 0);
	cr_assert_eq(
		ipc_recring_recv(&s.rx, &meta, buf, sizeof(buf), 0, &reclen),
		4);
	/* Only the bits it armed: a second datagram wakes nobody. */
	l3_rx_udp(L3_PEER, 4242, L3_US, 5000, (const uint8_t *)"pong", 4);
	cr_assert_eq(ipc_doorbell_drain(bell), 0);
	cr_assert_eq(ipc_doorbell_drain(f.efd_app), 0);
	/* Numbers past IPC_WAITERS are refused and counted. */
	m.u.waiter.slot = 5;
	n = ipc_msg_encode(&m, raw, sizeof(raw));
	cr_assert_eq(n, IPC_MSG_WAITER_LEN);
	raw[8] = IPC_WAITERS;
	cr_assert_eq(ipc_ctl_send(f.fd, raw, (size_t)n, NULL, 0), n);
	app_ctl_ready(f.a);
	cr_assert_gt(recv(f.fd, raw, sizeof(raw), 0), 0);
	cr_assert_eq(ipc_msg_decode(raw, IPC_MSG_RESULT_LEN, &m), 0);
	cr_assert_eq(m.u.result.err, EBADMSG);
	cr_assert_eq(app_stats(&l3_eng)->ShimCtlBad, 1);
	close(old);
	close(bell);
	fapp_close(&f);
}

/* ---- Urgent data (app_urg.c) ---- */

static int oob_cmd(struct fapp *f, uint32_t id, uint64_t what, uint64_t a1,
		   uint64_t a2, struct ipc_cpl *cpl)
{
	struct ipc_cmd c = { .op = IPC_OP_OOB,
			     .sock = id,
			     .arg = { what, a1, a2 } };

	return cmd(f, &c, cpl);
}

static uint64_t surg(struct fapp *f, uint32_t id)
{
	return atomic_load(&f->state[SHIM_ID_SLOT(id)].urg);
}

static uint64_t sskip(struct fapp *f, uint32_t id)
{
	return atomic_load(&f->state[SHIM_ID_SLOT(id)].urg_skip);
}

/*
 * shimproto.h "Urgent data": SHIM_OOB_SEND names the tx counter past
 * the urgent byte before the app writes it; the engine hands the bytes
 * up to it to TCP with MSG_OOB, so its segment carries URG (RFC 6093:
 * SEG.UP one past it).  Counters outside the ring are refused.
 */
Test(app, oob_send_makes_the_named_byte_urgent)
{
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	struct ft_seg seg;
	uint32_t cap;

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	cap = s.tx.s.cap;
	fstream_connect(&f, &s, &pp);
	ft_drain();
	cr_assert_eq(oob_cmd(&f, s.id, SHIM_OOB_SEND, s.tx.s.mine, 0, NULL),
		     EINVAL);
	cr_assert_eq(oob_cmd(&f, s.id, SHIM_OOB_SEND, s.tx.s.mine + cap + 1u, 0,
			     NULL),
		     EINVAL);
	cr_assert_eq(oob_cmd(&f, s.id, SHIM_OOB_SEND, 1ull << 32, 0, NULL),
		     EINVAL);
	cr_assert_eq(oob_cmd(&f, s.id, 99, 0, 0, NULL), EINVAL);
	cr_assert_eq(ipc_bytering_write(&s.tx, "ab", 2), 2);
	cr_assert_eq(
		oob_cmd(&f, s.id, SHIM_OOB_SEND, s.tx.s.mine + 1u, 0, NULL), 0);
	cr_assert_eq(ipc_bytering_write(&s.tx, "cd", 2), 2);
	app_doorbell(f.a);
	/* "ab" may have gone first; the segment with "c" ends at the mark. */
	cr_assert(ft_recv(&pp, &seg));
	if (seg.th.payload_len == 2 && seg.th.payload[0] == 'a') {
		cr_assert_not(seg.th.flags & TCP_URG);
		ft_free(&seg);
		cr_assert(ft_recv(&pp, &seg));
		cr_assert_eq(seg.th.payload[0], 'c');
		cr_assert_eq(seg.th.urg, 1);
	} else {
		cr_assert_eq(seg.th.payload[seg.th.urg - 1], 'c');
	}
	cr_assert(seg.th.flags & TCP_URG);
	ft_free(&seg);
	cr_assert_eq(app_stats(&l3_eng)->ShimBadCmds, 0);
	fapp_close(&f);
}

/*
 * The receiving side: the mark in rx ring counters before the bytes,
 * POLLPRI as SHIM_EV_PRI, recv(MSG_OOB) through the command, and the
 * skip range when a newer pointer comes while the reader sits at the
 * old byte (Linux tcp_check_urg()).
 */
Test(app, oob_receive_publishes_mark_pri_and_skip)
{
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;
	struct ipc_cpl cpl;
	uint32_t base;
	char b[8];

	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	fstream_connect(&f, &s, &pp);
	base = s.rx.s.mine;
	cr_assert_eq(oob_cmd(&f, s.id, SHIM_OOB_RECV, 0, 1, &cpl), EINVAL);
	pp.up = 3;
	ft_send(&pp, TCP_ACK | TCP_URG | TCP_PSH, "abc", 3);
	cr_assert_eq(surg(&f, s.id),
		     (uint64_t)SHIM_URG_MARK << 32 | (uint32_t)(base + 2));
	cr_assert(sevents(&f, s.id) & SHIM_EV_PRI);
	cr_assert_eq(oob_cmd(&f, s.id, SHIM_OOB_RECV, MSG_PEEK, 1, &cpl), 0);
	cr_assert_eq(cpl.result, 1);
	cr_assert_eq(cpl.val[0], 'c');
	cr_assert_eq(cpl.val[1], MSG_OOB);
	cr_assert(sevents(&f, s.id) & SHIM_EV_PRI);
	cr_assert_eq(oob_cmd(&f, s.id, SHIM_OOB_RECV, 0, 1, &cpl), 0);
	cr_assert_eq(cpl.val[0], 'c');
	cr_assert_not(sevents(&f, s.id) & SHIM_EV_PRI);
	cr_assert_eq(oob_cmd(&f, s.id, SHIM_OOB_RECV, 0, 1, &cpl), EINVAL);
	cr_assert_eq(oob_cmd(&f, s.id, SHIM_OOB_RECV, MSG_WAITALL, 1, &cpl),
		     EINVAL);
	/* The app reads up to the mark; a newer pointer comes. */
	cr_assert_eq(ipc_bytering_read(&s.rx, b, 2), 2);
	app_doorbell(f.a);
	pp.up = 1;
	ft_send(&pp, TCP_ACK | TCP_URG | TCP_PSH, "d", 1);
	cr_assert_eq(sskip(&f, s.id), 1ull << 32 | (uint32_t)(base + 2));
	cr_assert_eq(surg(&f, s.id),
		     (uint64_t)SHIM_URG_MARK << 32 | (uint32_t)(base + 3));
	cr_assert(sevents(&f, s.id) & SHIM_EV_PRI);
	/* The app skips "c" and "d"; the mark is gone. */
	cr_assert_eq(ipc_bytering_read(&s.rx, b, 2), 2);
	cr_assert_eq(memcmp(b, "cd", 2), 0);
	cr_assert_eq(oob_cmd(&f, s.id, SHIM_OOB_RECV, 0, 1, &cpl), EINVAL);
	cr_assert_eq(surg(&f, s.id), 0);
	cr_assert_eq(sskip(&f, s.id), 0);
	cr_assert_not(sevents(&f, s.id) & SHIM_EV_PRI);
	cr_assert_eq(app_stats(&l3_eng)->ShimBadCmds, 0);
	fapp_close(&f);
}

static volatile sig_atomic_t urgs;

static void count_urg(int sig)
{
	(void)sig;
	urgs++;
}

/* SIGURG goes to an F_SETOWN owner that is the app itself, once per new
 * urgent pointer; other owners get nothing from the engine. */
Test(app, sigurg_goes_to_the_app_itself_only)
{
	struct sigaction sa = { .sa_handler = count_urg }, old;
	struct fapp f;
	struct fstream s;
	struct ft_peer pp;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGURG, &sa, &old);
	urgs = 0;
	fapp_attach(&f);
	describe(&f);
	fstream_open(&f, &s);
	fstream_connect(&f, &s, &pp);
	cr_assert_eq(
		oob_cmd(&f, s.id, SHIM_OOB_OWNER, (uint64_t)getppid(), 0, NULL),
		0);
	pp.up = 1;
	ft_send(&pp, TCP_ACK | TCP_URG | TCP_PSH, "a", 1);
	cr_assert_eq(urgs, 0);
	cr_assert_eq(
		oob_cmd(&f, s.id, SHIM_OOB_OWNER, (uint64_t)getpid(), 0, NULL),
		0);
	ft_send(&pp, TCP_ACK | TCP_URG | TCP_PSH, "b", 1);
	cr_assert_eq(urgs, 1);
	ft_send(&pp, TCP_ACK | TCP_URG | TCP_PSH, "c", 1);
	cr_assert_eq(urgs, 2);
	ft_send(&pp, TCP_ACK | TCP_PSH, "d", 1);
	cr_assert_eq(urgs, 2);
	sigaction(SIGURG, &old, NULL);
	fapp_close(&f);
}

/* ---- IP_PKTINFO and friends: the record says where a datagram came ---- */

static int sockopt_int(struct fapp *f, uint32_t id, int level, int name, int v)
{
	struct ipc_cmd c = { .op = IPC_OP_SETSOCKOPT,
			     .sock = id,
			     .arg = { (uint64_t)level, (uint64_t)name,
				      sizeof(int) } };

	memcpy(&c.arg[3], &v, sizeof(v));
	return cmd(f, &c, NULL);
}

/*
 * shimproto.h SHIM_REC_F_*: with IP_PKTINFO, IP_RECVTTL and IP_RECVTOS on,
 * an rx record carries the interface (the engine's index), ipi_addr,
 * ipi_spec_dst, TTL and TOS; without them, nothing (all zero).
 */
Test(app, datagram_records_carry_pktinfo_when_asked)
{
	struct fapp f;
	struct fsock s;
	struct ipc_rec_meta meta;
	uint32_t a;
	char buf[16];
	size_t reclen;

	fapp_attach(&f);
	describe(&f);
	fsock_open(&f, &s);
	cr_assert_eq(addr_cmd(&f, IPC_OP_BIND, s.id, 0, 5000), 0);
	l3_rx_udp(L3_PEER, 4242, L3_US, 5000, (const uint8_t *)"a", 1);
	cr_assert_eq(
		ipc_recring_recv(&s.rx, &meta, buf, sizeof(buf), 0, &reclen),
		1);
	cr_assert_eq(meta.flags, 0);
	cr_assert_eq(meta.ifindex, 0);
	cr_assert_eq(sockopt_int(&f, s.id, IPPROTO_IP, IP_PKTINFO, 1), 0);
	cr_assert_eq(sockopt_int(&f, s.id, IPPROTO_IP, IP_RECVTTL, 1), 0);
	cr_assert_eq(sockopt_int(&f, s.id, IPPROTO_IP, IP_RECVTOS, 1), 0);
	l3_rx_udp(L3_PEER, 4242, IP4(192, 0, 2, 255), 5000,
		  (const uint8_t *)"b", 1);
	cr_assert_eq(
		ipc_recring_recv(&s.rx, &meta, buf, sizeof(buf), 0, &reclen),
		1);
	cr_assert_eq(meta.flags,
		     SHIM_REC_F_PKTINFO | SHIM_REC_F_TTL | SHIM_REC_F_TOS);
	cr_assert_eq(meta.ifindex, (uint32_t)l3_if->index);
	cr_assert_eq(meta.ttl, 64);
	memcpy(&a, meta.dst, 4);
	cr_assert_eq(ntohl(a), IP4(192, 0, 2, 255));
	memcpy(&a, meta.dst + 4, 4);
	cr_assert_eq(ntohl(a), L3_US);
	fapp_close(&f);
}
