/* SPDX-License-Identifier: MIT */
/*
 * ctl_priv.h - state shared by ctl.c (commands) and ctl_server.c (socket)
 */
#ifndef NSSTACK_CTL_PRIV_H
#define NSSTACK_CTL_PRIV_H

#include <stddef.h>

#include "ctl.h"

struct engine;
struct loop_watch;
struct ctl_client;

struct ctl_cmd {
	const char *name;
	ctl_handler *fn;
};

struct ctl {
	struct ctl_cmd cmds[CTL_MAX_CMDS];
	size_t ncmds;
	int listen_fd; /* -1 when no socket is open */
	struct loop_watch *listen_watch;
	char path[108];
	struct ctl_client *clients;
	size_t nclients;
};

struct ctl *ctl_table(struct engine *eng);

#endif /* NSSTACK_CTL_PRIV_H */
