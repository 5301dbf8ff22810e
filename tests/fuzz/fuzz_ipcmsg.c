// SPDX-License-Identifier: MIT
/*
 * fuzz_ipcmsg.c - libFuzzer harness for ipc_msg_decode() and
 * ipc_msg_encode()
 *
 * Property: decode never reads outside the input; whatever decodes
 * re-encodes to exactly the input bytes (the encoding is canonical), and
 * anything else is -EBADMSG.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctlmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[IPC_MSG_MAX_LEN];
	struct ipc_msg m;
	ssize_t n;
	int rc = ipc_msg_decode(data, size, &m);

	if (rc == -EBADMSG)
		return 0;
	if (rc != 0)
		abort();
	n = ipc_msg_encode(&m, out, sizeof(out));
	if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
		abort();
	return 0;
}
