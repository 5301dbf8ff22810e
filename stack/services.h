/* SPDX-License-Identifier: MIT */
/*
 * services.h - the classic small services (echo, discard, chargen,
 * daytime) run by the engine on its own sockets
 */
#ifndef NSSTACK_SERVICES_H
#define NSSTACK_SERVICES_H

struct engine;

int services_start(struct engine *eng, const char *spec);

#endif /* NSSTACK_SERVICES_H */
