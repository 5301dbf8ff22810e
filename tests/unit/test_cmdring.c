// SPDX-License-Identifier: MIT
/*
 * test_cmdring.c - command/completion queues: round trip, sequence
 * numbers, stale completions, corrupt slots
 */
#include <errno.h>

#include <unistd.h>

#include "cmdring.h"
#include "doorbell.h"
#include "ipc_testutil.h"

#define SLOTS 4u

struct pair {
	void *region;
	size_t len;
	struct ipc_cmdring_shm *shm;
	struct ipc_cmdring app, eng;
};

static void pair_open(struct pair *p)
{
	p->len = ipc_cmdring_region_len(SLOTS);
	p->region = tu_region(p->len);
	p->shm = p->region;
	cr_assert_eq(ipc_cmdring_format(p->region, p->len, SLOTS), 0);
	cr_assert_eq(ipc_cmdring_open(&p->app, p->region, p->len, SLOTS, false),
		     0);
	cr_assert_eq(ipc_cmdring_open(&p->eng, p->region, p->len, SLOTS, true),
		     0);
}

/* Engine: fetch one command and complete it with result = arg[0] + 1. */
static void serve_one(struct pair *p)
{
	struct ipc_cmd c;
	struct ipc_cpl cp = { 0 };

	cr_assert_eq(ipc_cmd_fetch(&p->eng, &c), 0);
	cp.seq = c.seq;
	cp.result = (int64_t)c.arg[0] + 1;
	cr_assert_eq(ipc_cpl_post(&p->eng, &cp), 0);
}

Test(cmdring, command_round_trip_with_sequence_numbers)
{
	struct pair p;
	struct ipc_cmd c = { .op = IPC_OP_BIND, .sock = 7, .arg = { 41 } };
	struct ipc_cpl cp;
	uint32_t slots = 0;

	pair_open(&p);
	cr_assert_eq(ipc_cmdring_info_check(p.region, p.len, &slots), 0);
	cr_assert_eq(slots, SLOTS);
	cr_assert_eq(ipc_cmd_fetch(&p.eng, &c), -EAGAIN);
	for (int i = 0; i < 10; i++) {
		c.arg[0] = (uint64_t)i;
		cr_assert_eq(ipc_cmd_submit(&p.app, &c), 0);
		cr_assert_eq(ipc_cpl_reap(&p.app, c.seq, &cp), -EAGAIN);
		serve_one(&p);
		cr_assert_eq(ipc_cpl_reap(&p.app, c.seq, &cp), 0);
		cr_assert_eq(cp.seq, c.seq);
		cr_assert_eq(cp.result, i + 1);
	}
	cr_assert_eq(p.app.stale, 0);
	free(p.region);
}

Test(cmdring, stale_completions_are_dropped)
{
	struct pair p;
	struct ipc_cmd c1 = { .op = IPC_OP_CONNECT }, c2 = { .op = IPC_OP_NOP };
	struct ipc_cpl cp;

	pair_open(&p);
	/* c1 is abandoned (say EINTR); the thread moves on to c2. */
	cr_assert_eq(ipc_cmd_submit(&p.app, &c1), 0);
	cr_assert_eq(ipc_cmd_submit(&p.app, &c2), 0);
	cr_assert_neq(c1.seq, c2.seq);
	serve_one(&p);
	serve_one(&p);
	cr_assert_eq(ipc_cpl_reap(&p.app, c2.seq, &cp), 0);
	cr_assert_eq(cp.seq, c2.seq);
	cr_assert_eq(p.app.stale, 1);
	free(p.region);
}

Test(cmdring, full_queues_say_eagain)
{
	struct pair p;
	struct ipc_cmd c = { .op = IPC_OP_NOP };
	struct ipc_cpl cp = { 0 };

	pair_open(&p);
	for (uint32_t i = 0; i < SLOTS; i++)
		cr_assert_eq(ipc_cmd_submit(&p.app, &c), 0);
	cr_assert_eq(ipc_cmd_submit(&p.app, &c), -EAGAIN);
	for (uint32_t i = 0; i < SLOTS; i++)
		cr_assert_eq(ipc_cpl_post(&p.eng, &cp), 0);
	cr_assert_eq(ipc_cpl_post(&p.eng, &cp), -EAGAIN);
	/* Wrong side, bad op, bad errno. */
	cr_assert_eq(ipc_cpl_post(&p.app, &cp), -EINVAL);
	cr_assert_eq(ipc_cmd_submit(&p.eng, &c), -EINVAL);
	c.op = IPC_OP_MAX;
	cr_assert_eq(ipc_cmd_submit(&p.app, &c), -EINVAL);
	cp.err = -1;
	cr_assert_eq(ipc_cpl_post(&p.eng, &cp), -EINVAL);
	free(p.region);
}

Test(cmdring, engine_refuses_unknown_ops_and_corrupt_indices)
{
	struct pair p;
	struct ipc_cmd c;

	pair_open(&p);
	/* A hostile app writes a slot with a bad op directly. */
	p.app.cmds[0].op = 999;
	p.app.cmds[0].seq = 5;
	tu_poke(&p.shm->cmd.tail, 1);
	cr_assert_eq(ipc_cmd_fetch(&p.eng, &c), -EBADMSG);
	cr_assert_eq(c.seq, 5, "seq kept so the engine can answer");
	cr_assert_eq(ipc_cmd_fetch(&p.eng, &c), -EAGAIN);
	tu_poke(&p.shm->cmd.tail, 1 + SLOTS + 1);
	cr_assert_eq(ipc_cmd_fetch(&p.eng, &c), -EPROTO);
	tu_poke(&p.shm->cpl.head, 77);
	cr_assert_eq(ipc_cpl_post(&p.eng, &(struct ipc_cpl){ 0 }), -EPROTO);
	free(p.region);
}

Test(cmdring, completion_for_an_unissued_command_is_eproto)
{
	struct pair p;
	struct ipc_cmd c = { .op = IPC_OP_NOP };
	struct ipc_cpl cp = { 0 };

	pair_open(&p);
	cr_assert_eq(ipc_cmd_submit(&p.app, &c), 0);
	cp.seq = c.seq + 1;
	cr_assert_eq(ipc_cpl_post(&p.eng, &cp), 0);
	cr_assert_eq(ipc_cpl_reap(&p.app, c.seq, &cp), -EPROTO);
	free(p.region);
}

Test(cmdring, doorbells_follow_the_queues)
{
	struct pair p;
	struct ipc_cmd c = { .op = IPC_OP_NOP };
	struct ipc_cpl cp;
	int eng_bell[2], app_bell[2];
	struct ipc_bells to_eng, to_app;
	const uint64_t sh = IPC_WAIT_SHARED;

	cr_assert_eq(ipc_doorbell_open(eng_bell), 0);
	cr_assert_eq(ipc_doorbell_open(app_bell), 0);
	to_eng = (struct ipc_bells){ .shared = eng_bell[IPC_BELL_RING] };
	to_app = (struct ipc_bells){ .shared = app_bell[IPC_BELL_RING] };
	pair_open(&p);
	cr_assert_eq(ipc_cmdring_wait_prepare(&p.eng, sh), 0);
	cr_assert_eq(ipc_cmd_submit(&p.app, &c), 0);
	cr_assert_eq(ipc_cmdring_wait_prepare(&p.app, sh), 0);
	cr_assert_eq(ipc_cmdring_kick(&p.app, &to_eng), 1);
	cr_assert_eq(ipc_doorbell_drain(eng_bell[IPC_BELL_WAIT]), 1);
	serve_one(&p);
	cr_assert_eq(ipc_cmdring_kick(&p.eng, &to_app), 1);
	cr_assert_eq(ipc_doorbell_drain(app_bell[IPC_BELL_WAIT]), 1);
	cr_assert_eq(ipc_cmdring_wait_prepare(&p.app, sh), 1);
	ipc_cmdring_wait_cancel(&p.app, sh);
	cr_assert_eq(ipc_cpl_reap(&p.app, c.seq, &cp), 0);
	cr_assert_eq(ipc_cmdring_kick(&p.app, &to_eng), 0);
	close(eng_bell[0]);
	close(eng_bell[1]);
	close(app_bell[0]);
	close(app_bell[1]);
	free(p.region);
}
