/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "werror.h"

#include <stddef.h>

struct werror_entry {
	DWORD code;
	const char *name;
	const char *message;
};

/* Sentences say what happened and, where the user can act, what to do. */
static const struct werror_entry werror_table[] = {
	{ ERROR_SUCCESS, "ERROR_SUCCESS", "The operation completed successfully." },
	{ ERROR_INVALID_FUNCTION, "ERROR_INVALID_FUNCTION",
	  "The function or control code is not valid for this object." },
	{ ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND", "The file or object was not found." },
	{ ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED",
	  "Access is denied: ask a cluster administrator to grant you access in the cluster ACL." },
	{ ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE",
	  "The handle is not valid: it was closed, belongs to another session, or was never opened." },
	{ ERROR_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY", "Not enough memory to complete the operation." },
	{ ERROR_INVALID_DATA, "ERROR_INVALID_DATA", "The data is not valid (for example, ill-formed UTF-8 or UTF-16 text)." },
	{ ERROR_OUTOFMEMORY, "ERROR_OUTOFMEMORY", "Not enough memory to complete the operation." },
	{ ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED", "The request is not supported by this cluster." },
	{ ERROR_NOT_ENOUGH_QUOTA, "ERROR_NOT_ENOUGH_QUOTA",
	  "The cluster registry is over its size budget: nothing was written (delete keys or values first)." },
	{ ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER",
	  "A parameter is not valid: check the requested access and the arguments." },
	{ ERROR_CALL_NOT_IMPLEMENTED, "ERROR_CALL_NOT_IMPLEMENTED", "This function is not implemented by the cluster service." },
	{ ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER", "The buffer is too small for the data." },
	{ ERROR_INVALID_NAME, "ERROR_INVALID_NAME", "The name is not valid." },
	{ ERROR_MORE_DATA, "ERROR_MORE_DATA", "More data is available: call again with a larger buffer." },
	{ ERROR_NO_MORE_ITEMS, "ERROR_NO_MORE_ITEMS", "There are no more items." },
	{ ERROR_NOT_FOUND, "ERROR_NOT_FOUND", "Element not found (for example, the cluster access list has no entry for that principal)." },
	{ ERROR_NO_SUCH_USER, "ERROR_NO_SUCH_USER", "No such account: see \"clusctl account list\"." },
	{ ERROR_NONE_MAPPED, "ERROR_NONE_MAPPED",
	  "The account name cannot be mapped: give a principal such as user:NAME, group:NAME, ntlm:NAME or kerberos:USER@REALM." },
	{ ERROR_INTERNAL_ERROR, "ERROR_INTERNAL_ERROR", "An internal error occurred in the cluster service; see its log." },
	{ RPC_S_INVALID_BINDING, "RPC_S_INVALID_BINDING", "The cluster name or binding is not valid." },
	{ RPC_S_PROTSEQ_NOT_SUPPORTED, "RPC_S_PROTSEQ_NOT_SUPPORTED", "The RPC protocol sequence is not supported." },
	{ RPC_S_UNKNOWN_IF, "RPC_S_UNKNOWN_IF", "The server does not offer the cluster management interface." },
	{ RPC_S_SERVER_UNAVAILABLE, "RPC_S_SERVER_UNAVAILABLE",
	  "The cluster service is unavailable: check the name, that clusterd is running and that the network reaches it." },
	{ RPC_S_SERVER_TOO_BUSY, "RPC_S_SERVER_TOO_BUSY", "The cluster service is too busy; try again." },
	{ RPC_S_CALL_FAILED, "RPC_S_CALL_FAILED", "The remote call failed: the connection broke during the call." },
	{ RPC_S_CALL_FAILED_DNE, "RPC_S_CALL_FAILED_DNE", "The remote call failed and did not execute." },
	{ RPC_S_PROTOCOL_ERROR, "RPC_S_PROTOCOL_ERROR", "The server broke the RPC protocol; the connection was closed." },
	{ RPC_S_PROCNUM_OUT_OF_RANGE, "RPC_S_PROCNUM_OUT_OF_RANGE",
	  "The cluster service does not support this call: it runs a down-level version." },
	{ EPT_S_NOT_REGISTERED, "EPT_S_NOT_REGISTERED",
	  "The host answers but no cluster service is registered with its endpoint mapper: start clusterd with a TCP listener." },
	{ RPC_X_BAD_STUB_DATA, "RPC_X_BAD_STUB_DATA", "The call carried data that could not be decoded." },
	{ ERROR_DIR_NOT_EMPTY, "ERROR_DIR_NOT_EMPTY",
	  "The object is not empty: remove what it contains (the group's resources, the key's subkeys) first." },
	{ ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS", "An object with that name already exists." },
	{ ERROR_IO_PENDING, "ERROR_IO_PENDING", "The operation was started and completes in the background." },
	{ ERROR_DEPENDENT_RESOURCE_EXISTS, "ERROR_DEPENDENT_RESOURCE_EXISTS",
	  "Another resource depends on this one: remove that dependency first." },
	{ ERROR_RESOURCE_NOT_FOUND, "ERROR_RESOURCE_NOT_FOUND", "The cluster resource could not be found." },
	{ ERROR_OBJECT_ALREADY_EXISTS, "ERROR_OBJECT_ALREADY_EXISTS", "A cluster object with that name already exists." },
	{ ERROR_GROUP_NOT_FOUND, "ERROR_GROUP_NOT_FOUND", "The cluster group could not be found." },
	{ ERROR_INVALID_STATE, "ERROR_INVALID_STATE",
	  "The object's state does not allow this now (for example, a resource must be offline to be deleted)." },
	{ ERROR_CLUSTER_NODE_NOT_FOUND, "ERROR_CLUSTER_NODE_NOT_FOUND", "The cluster node could not be found." },
	{ ERROR_CLUSTER_NETWORK_NOT_FOUND, "ERROR_CLUSTER_NETWORK_NOT_FOUND", "The cluster network could not be found." },
	{ ERROR_CLUSTER_NETINTERFACE_NOT_FOUND, "ERROR_CLUSTER_NETINTERFACE_NOT_FOUND",
	  "The cluster network interface could not be found." },
	{ ERROR_CLUSTER_NODE_NOT_PAUSED, "ERROR_CLUSTER_NODE_NOT_PAUSED", "The node is not paused, so it cannot be resumed." },
	{ ERROR_CLUSTER_NODE_PAUSED, "ERROR_CLUSTER_NODE_PAUSED", "The node is already paused." },
	{ ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND",
	  "The resource type could not be found: list the types with clusctl or CreateEnum." },
	{ ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED, "ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED", "The resource type is not supported." },
	{ ERROR_CLUSTER_NO_QUORUM, "ERROR_CLUSTER_NO_QUORUM",
	  "This node has lost quorum: it cannot answer for the cluster until it rejoins the majority." },
	{ ERROR_RESOURCE_PROPERTIES_STORED, "ERROR_RESOURCE_PROPERTIES_STORED",
	  "The change was stored; it takes effect when the resource is brought online again." },
	{ ERROR_CLUSTER_INVALID_REQUEST, "ERROR_CLUSTER_INVALID_REQUEST", "The request is not valid for this cluster object." },
	/* issue 11: dependencies and owners */
	{ ERROR_CIRCULAR_DEPENDENCY, "ERROR_CIRCULAR_DEPENDENCY", "The dependency would make a cycle." },
	{ ERROR_DEPENDENCY_NOT_FOUND, "ERROR_DEPENDENCY_NOT_FOUND", "The resource does not depend on that one." },
	{ ERROR_DEPENDENCY_ALREADY_EXISTS, "ERROR_DEPENDENCY_ALREADY_EXISTS",
	  "The resource already depends on that one." },
	{ ERROR_HOST_NODE_NOT_RESOURCE_OWNER, "ERROR_HOST_NODE_NOT_RESOURCE_OWNER",
	  "The node is not a possible owner of a resource of the group." },
	{ ERROR_RESOURCE_ONLINE, "ERROR_RESOURCE_ONLINE",
	  "The resource is online: an online resource can depend only on online resources." },
	{ ERROR_CORE_RESOURCE, "ERROR_CORE_RESOURCE", "The operation is not allowed on a core cluster resource." },
	{ ERROR_DEPENDENCY_TREE_TOO_COMPLEX, "ERROR_DEPENDENCY_TREE_TOO_COMPLEX",
	  "The dependency tree would be deeper than 100 resources." },
};

static const struct werror_entry *werror_find(DWORD code)
{
	for (size_t i = 0; i < sizeof(werror_table) / sizeof(werror_table[0]); i++)
		if (werror_table[i].code == code)
			return &werror_table[i];
	return NULL;
}

const char *werror_message(DWORD code)
{
	const struct werror_entry *e = werror_find(code);
	return e ? e->message : "Unknown error code: it is not one the cluster API defines.";
}

const char *werror_name(DWORD code)
{
	const struct werror_entry *e = werror_find(code);
	return e ? e->name : NULL;
}

DWORD werror_from_fault(uint32_t fault_status)
{
	switch (fault_status) {
	case NCA_S_OP_RNG_ERROR:
		return RPC_S_PROCNUM_OUT_OF_RANGE;
	case NCA_S_UNK_IF:
		return RPC_S_UNKNOWN_IF;
	case NCA_S_FAULT_CONTEXT_MISMATCH:
		return ERROR_INVALID_HANDLE;
	case NCA_S_FAULT_NDR:
		return RPC_X_BAD_STUB_DATA;
	case NCA_S_PROTO_ERROR:
		return RPC_S_PROTOCOL_ERROR;
	case NCA_S_FAULT_REMOTE_NO_MEMORY:
		return ERROR_NOT_ENOUGH_MEMORY;
	case NCA_S_FAULT_ACCESS_DENIED:
		return ERROR_ACCESS_DENIED;
	default:
		/* Windows-style status values travel unchanged in a fault. */
		return fault_status < 0x10000u ? fault_status : RPC_S_CALL_FAILED;
	}
}

static _Thread_local DWORD werror_last;

DWORD werror_get_last(void)
{
	return werror_last;
}

void werror_set_last(DWORD code)
{
	werror_last = code;
}
