// SPDX-License-Identifier: MIT
/*
 * app_urg.c - urgent data (MSG_OOB) between the shim and TCP
 *
 * Theory of operation
 *
 * TCP's rules for urgent data (tcp_urg.c) depend on where the program
 * reads, and for an app socket the program reads in its rx ring, not in
 * TCP's receive buffer.  So TCP gets an outer reader (tcp_set_reader()):
 * app_rx_lag() tells it how many bytes the ring holds unread, and TCP
 * hands every byte to the ring raw.  What the shim needs to read by the
 * rules (the mark, SO_OOBINLINE, bytes to skip) is published in the
 * socket's state words in ring counters (include/nsstack/shimproto.h,
 * "Urgent data"): TCP sequence number X is ring counter X + base, base
 * being the ring's tail counter less the sequence number of the first
 * byte TCP still holds, a difference that bytes moving from TCP to the
 * ring do not change.
 *
 * The OOB command carries the rest: the position of the urgent byte of
 * a send(MSG_OOB) in the tx ring (tcp_drain_tx() hands the bytes up to
 * it to TCP with MSG_OOB), recv(MSG_OOB), and the F_SETOWN owner that
 * gets SIGURG.  Everything in it is checked: the position against the
 * ring's own counters, the owner against the app's pid (the engine does
 * not signal processes the app merely names).
 */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>

#include "app_priv.h"
#include "tcp.h"

/**
 * app_rx_lag() - TCP's outer reader (tcp_lag_fn): bytes in @arg's rx ring
 * the app has not read; a ring with garbage indices counts as read
 */
size_t app_rx_lag(const struct tcb *tcb, void *arg)
{
	const struct app_sock *s = arg;
	ssize_t n;

	(void)tcb;
	if (s->broken)
		return 0;
	n = ipc_bytering_used(&s->rx.byte);
	return n > 0 ? (size_t)n : 0;
}

/**
 * app_urg_publish() - store @s's urgent-data words (@owner: @s receives)
 *
 * Called before the rx ring publishes new bytes and after every change.
 * Return: true if a word changed (the app may have to be woken).
 */
bool app_urg_publish(struct app_sock *s, struct shim_sock_state *st, bool owner)
{
	struct tcb *tcb = s->tcb;
	struct tcp_urg_view v;
	uint64_t urg = 0, skip = 0;
	uint32_t base;
	bool changed;

	/* The common case: no urgent data now, none published. */
	if (!tcb->urg_data && !tcb->urg_skip && !tcb->oobinline && !s->urg_pub)
		return false;
	if (owner && !s->broken) {
		tcp_urg_view(tcb, &v);
		base = s->rx.byte.s.mine - tcp_rcv_head(tcb);
		if (v.mark)
			urg = (uint64_t)SHIM_URG_MARK << 32 |
			      (uint32_t)(v.seq + base);
		if (v.skip)
			skip = (uint64_t)(v.skip_to - v.skip_from) << 32 |
			       (uint32_t)(v.skip_from + base);
	}
	if (tcb->oobinline)
		urg |= (uint64_t)SHIM_URG_INLINE << 32;
	changed = atomic_load_explicit(&st->urg, memory_order_relaxed) != urg ||
		  atomic_load_explicit(&st->urg_skip, memory_order_relaxed) !=
			  skip;
	if (changed) {
		atomic_store_explicit(&st->urg_skip, skip,
				      memory_order_release);
		atomic_store_explicit(&st->urg, urg, memory_order_release);
	}
	s->urg_pub = urg || skip;
	return changed;
}

/**
 * app_urg_signal() - SIGURG for the urgent pointers that came since the
 * last call (Linux sk_send_sigurg(): one per new pointer), if @s's owner
 * is its app; called once the bytes that came with them are in the ring,
 * as a kernel reader woken by the signal finds them queued
 */
void app_urg_signal(struct app *a, struct app_sock *s)
{
	if (s->tcb->urg_gen == s->urg_gen)
		return;
	s->urg_gen = s->tcb->urg_gen;
	if (s->urg_owner > 0 && s->urg_owner == a->pid)
		(void)kill(s->urg_owner, SIGURG);
}

/**
 * app_urg_tx_cut() - cut a chunk of @s's tx ring for tcp_send() at the
 * urgent byte of a send(MSG_OOB)
 * @done:	bytes taken from the ring before this chunk, in this round
 * @want:	the chunk's length
 * @flags:	set to MSG_OOB when the chunk ends with the urgent byte
 *
 * Return: the chunk's length, cut or not.
 */
size_t app_urg_tx_cut(struct app_sock *s, size_t done, size_t want, int *flags)
{
	uint32_t d;

	*flags = 0;
	if (!s->urg_tx)
		return want;
	d = s->urg_tx_at - (s->tx.byte.s.mine + (uint32_t)done);
	if (!d || d > s->tx.byte.s.cap) {
		s->urg_tx = false; /* behind us: the app never wrote it */
		return want;
	}
	if (d > want)
		return want;
	*flags = MSG_OOB;
	return d;
}

/*
 * oob_recv() - SHIM_OOB_RECV: recv(MSG_OOB) on TCP; the state words
 * change (POLLPRI goes) before the completion is posted
 */
static int oob_recv(struct app_sock *s, const struct ipc_cmd *c,
		    struct ipc_cpl *cpl)
{
	int mflags = 0, flags = (int)(c->arg[1] & (MSG_PEEK | MSG_TRUNC));
	uint8_t b = 0;
	ssize_t n;

	if (c->arg[1] & ~(uint64_t)(MSG_PEEK | MSG_TRUNC))
		return -EINVAL;
	n = tcp_recv_urg(s->tcb, &b, c->arg[2] ? 1 : 0, flags, &mflags);
	if (n < 0)
		return (int)n;
	cpl->result = n;
	cpl->val[0] = b;
	cpl->val[1] = (uint64_t)mflags;
	return 0;
}

/**
 * app_op_oob() - the OOB command on stream socket @s (shimproto.h)
 *
 * Return: 0 or -errno for the app; the caller publishes @s's state.
 */
int app_op_oob(struct app *a, struct app_sock *s, const struct ipc_cmd *c,
	       struct ipc_cpl *cpl)
{
	uint32_t d;

	if (s->kind != APP_TCP)
		return -EOPNOTSUPP;
	switch (c->arg[0]) {
	case SHIM_OOB_SEND:
		d = (uint32_t)c->arg[1] - s->tx.byte.s.mine;
		if (c->arg[1] > UINT32_MAX || !d || d > s->tx.byte.s.cap)
			return -EINVAL;
		s->urg_tx_at = (uint32_t)c->arg[1];
		s->urg_tx = true;
		return 0;
	case SHIM_OOB_RECV:
		return oob_recv(s, c, cpl);
	case SHIM_OOB_OWNER:
		if ((int64_t)c->arg[1] < INT32_MIN ||
		    (int64_t)c->arg[1] > INT32_MAX)
			return -EINVAL;
		s->urg_owner = (pid_t)(int64_t)c->arg[1];
		s->urg_gen = s->tcb->urg_gen; /* no signal for the past */
		(void)a;
		return 0;
	default:
		return -EINVAL;
	}
}
