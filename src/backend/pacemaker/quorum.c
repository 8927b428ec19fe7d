/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whether this partition has quorum (votequorum, through libquorum). */
#include <stdbool.h>
#include <stdlib.h>

#include <corosync/quorum.h>

#include "pcmk.h"

struct corosync_quorum {
	quorum_handle_t h;
	bool connected;
};

struct corosync_quorum *corosync_quorum_new(void)
{
	return calloc(1, sizeof(struct corosync_quorum));
}

void corosync_quorum_free(struct corosync_quorum *q)
{
	if (q && q->connected)
		quorum_finalize(q->h);
	free(q);
}

bool corosync_quorate(struct corosync_quorum *q)
{
	int quorate = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!q->connected) {
			quorum_callbacks_t cb = { 0 };
			uint32_t type;
			if (quorum_initialize(&q->h, &cb, &type) != CS_OK)
				return false;
			q->connected = true;
		}
		if (quorum_getquorate(q->h, &quorate) == CS_OK)
			return quorate != 0;
		/* corosync restarted under us: connect again once. */
		quorum_finalize(q->h);
		q->connected = false;
	}
	return false;
}
