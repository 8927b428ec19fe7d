/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "wintypes.h"

#include <strings.h>

/* What a type does on Windows, and the nearest real thing on Linux.  "state
 * only" on the embedded backend: the resource exists, has states and
 * properties, and runs nothing (as before this table). */
const struct wintype wintypes[] = {
	{ "Generic Application", "a supervised process (Parameters\\CommandLine)", "ocf:heartbeat:anything", NULL },
	{ "Generic Service", "a systemd unit (Parameters\\ServiceName) started and watched through sd-bus", "systemd:", "ServiceName" },
	{ "Generic Script", "state only", "lsb:", "ScriptFilepath" },
	{ "IP Address", "state only", "ocf:heartbeat:IPaddr2", NULL },
	{ "Network Name", "state only", "ocf:heartbeat:dnsupdate", NULL },
	{ "Physical Disk", "state only", "ocf:heartbeat:Filesystem", NULL },
	{ "Storage Pool", "state only", "ocf:heartbeat:LVM-activate", NULL },
	{ "IPv6 Address", NULL, "ocf:heartbeat:IPv6addr", NULL },
	{ "File Server", NULL, "ocf:heartbeat:smb-share", NULL },
	{ "Network File System", NULL, "ocf:heartbeat:exportfs", NULL },
	{ "Virtual Machine", NULL, "ocf:heartbeat:VirtualDomain", NULL },
	{ "DHCP Service", NULL, "ocf:heartbeat:dhcpd", NULL },
	{ "iSCSI Target Server", NULL, "ocf:heartbeat:iSCSITarget", NULL },
	/* Windows services with no Linux counterpart. */
	{ "Distributed Transaction Coordinator", NULL, NULL, NULL },
	{ "MSMQ", NULL, NULL, NULL },
	{ "MSMQTriggers", NULL, NULL, NULL },
	{ "WINS Service", NULL, NULL, NULL },
	{ "Task Scheduler", NULL, NULL, NULL },
	{ "Cloud Witness", NULL, NULL, NULL },
	{ "File Share Witness", NULL, NULL, NULL },
	{ "Scale Out File Server", NULL, NULL, NULL },
	{ "Storage QoS Policy Manager", NULL, NULL, NULL },
	{ "Virtual Machine Configuration", NULL, NULL, NULL },
	{ "Health Service", NULL, NULL, NULL },
};
const size_t n_wintypes = sizeof(wintypes) / sizeof(wintypes[0]);

const struct wintype *wintype_find(const char *name)
{
	for (size_t i = 0; name && i < n_wintypes; i++)
		if (!strcasecmp(wintypes[i].name, name))
			return &wintypes[i];
	return NULL;
}
