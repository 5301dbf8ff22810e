/* SPDX-License-Identifier: MIT */
/*
 * ctl.h - the engine's control commands (`nsctl`), as JSON in and out
 *
 * A command is a name and a handler.  The handler reads req->args (a JSON
 * object, never NULL), and on success leaves its result in req->data and
 * returns 0; on failure it returns -errno, optionally with a message set by
 * ctl_error().  ctl_handle() wraps the result in the reply envelope
 * described in include/nsstack/ctl.h.  The engine returns data; nsctl does
 * the presentation, as netlink and ip(8) divide the work.
 *
 * Extending: a module registers its commands once at start-up, e.g. in
 * l3_init():
 *
 *	static int route_cmd(struct ctl_req *req) { ... }
 *	ctl_register(eng, "route", route_cmd);
 *
 * `nsctl route ...` then reaches route_cmd with args {"argv": [words after
 * "route"]} plus whatever nsctl parsed (see ctl_arg_argv()).
 */
#ifndef NSSTACK_CTL_H
#define NSSTACK_CTL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

struct engine;

struct ctl_req {
	struct engine *eng;
	struct json_object *args; /* the request's "args": borrowed */
	struct json_object *data; /* the handler's result: owned by req */
	char err[256];		  /* ctl_error()'s message, "" if none */
};

typedef int ctl_handler(struct ctl_req *req);

#define CTL_MAX_CMDS 32

int ctl_register(struct engine *eng, const char *cmd, ctl_handler *fn);
void ctl_fini(struct engine *eng);
char *ctl_handle(struct engine *eng, const char *req, size_t len,
		 size_t *out_len);
int ctl_error(struct ctl_req *req, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *ctl_arg_str(const struct ctl_req *req, const char *key);
bool ctl_arg_bool(const struct ctl_req *req, const char *key);
int ctl_arg_u32(const struct ctl_req *req, const char *key, uint32_t *out);
struct json_object *ctl_arg_argv(const struct ctl_req *req);
int ctl_args_from_argv(struct ctl_req *req, const char *first,
		       const char *const *flags);

/* ctl_server.c: the AF_UNIX socket */
int ctl_server_open(struct engine *eng, const char *path);
void ctl_server_close(struct engine *eng);

#endif /* NSSTACK_CTL_H */
