/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusapi.h - the Windows Failover Cluster management API, for Linux.
 *
 * Names, types and error codes follow Microsoft's clusapi.h so that code written
 * for Windows compiles here.  Strings are UTF-16 (WCHAR is char16_t): write
 * literals as u"Cluster Name", not L"..." (wchar_t is 32 bits on Linux) --
 * or compile with -fshort-wchar, which makes wchar_t 16 bits: WCHAR is then
 * wchar_t and Windows code with L"..." literals compiles unchanged (it must
 * not hand its strings to the C library's wide functions, which are 32-bit).
 *
 * Every function is thread-safe.  A handle may be used from any thread; calls on
 * one cluster handle are serialised on its connection.
 *
 * Functions whose names start with "Clusapi" are extensions that Windows does not
 * have; they are documented here and in libclusapi(3) (man/man3).
 */
#ifndef CLUSAPI_H
#define CLUSAPI_H

#include <stddef.h>
#include <stdint.h>
#include <uchar.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library exports exactly the functions declared with CLUSAPI_API. */
#define CLUSAPI_API __attribute__((visibility("default")))

/* ---- Windows base types ---------------------------------------------- */
typedef uint32_t DWORD;
typedef uint16_t WORD;
typedef int BOOL;
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t WCHAR; /* -fshort-wchar: L"..." is UTF-16 */
#else
typedef char16_t WCHAR;
#endif
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef DWORD *LPDWORD;
typedef int32_t LONG;
typedef uint8_t BYTE;
typedef BYTE *LPBYTE;
typedef const BYTE *LPCBYTE;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef DWORD REGSAM;

typedef struct _FILETIME {
	DWORD dwLowDateTime;
	DWORD dwHighDateTime;
} FILETIME, *PFILETIME;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* ---- handles ----------------------------------------------------------- */
typedef struct _HCLUSTER *HCLUSTER;
typedef struct _HNODE *HNODE;
typedef struct _HGROUP *HGROUP;
typedef struct _HRESOURCE *HRESOURCE;
typedef struct _HNETWORK *HNETWORK;
typedef struct _HNETINTERFACE *HNETINTERFACE;
typedef struct _HCLUSENUM *HCLUSENUM;
typedef struct _HCLUSENUMEX *HCLUSENUMEX;
typedef struct _HNODEENUM *HNODEENUM;
typedef struct _HGROUPENUM *HGROUPENUM;
typedef struct _HRESENUM *HRESENUM;
typedef struct HKEY__ *HKEY;

/* ---- access rights ----------------------------------------------------- */
#define GENERIC_READ            0x80000000u
#define GENERIC_WRITE           0x40000000u
#define GENERIC_EXECUTE         0x20000000u
#define GENERIC_ALL             0x10000000u
#define MAXIMUM_ALLOWED         0x02000000u

/* Account access levels (ClusterSetAccountAccess). */
#define CLUSAPI_READ_ACCESS     0x00000001u
#define CLUSAPI_CHANGE_ACCESS   0x00000002u
#define CLUSAPI_NO_ACCESS       0x00000004u
#define CLUSAPI_ALL_ACCESS      (CLUSAPI_READ_ACCESS | CLUSAPI_CHANGE_ACCESS)

/* ClusterSetAccountAccess dwControlType. */
#define CLUSTER_SET_ACCESS_TYPE_ALLOWED     0u
#define CLUSTER_SET_ACCESS_TYPE_DENIED      1u
#define CLUSTER_DELETE_ACCESS_CONTROL_ENTRY 2u

/* ---- error codes (winerror.h subset) ----------------------------------- */
#define ERROR_SUCCESS                    0u
#define ERROR_INVALID_FUNCTION           1u
#define ERROR_FILE_NOT_FOUND             2u
#define ERROR_ACCESS_DENIED              5u
#define ERROR_INVALID_HANDLE             6u
#define ERROR_NOT_ENOUGH_MEMORY          8u
#define ERROR_INVALID_DATA               13u
#define ERROR_OUTOFMEMORY                14u
#define ERROR_NOT_SUPPORTED              50u
#define ERROR_INVALID_PARAMETER          87u
#define ERROR_CALL_NOT_IMPLEMENTED       120u
#define ERROR_INSUFFICIENT_BUFFER        122u
#define ERROR_INVALID_NAME               123u
#define ERROR_MORE_DATA                  234u
#define ERROR_NO_MORE_ITEMS              259u
#define ERROR_NOT_FOUND                  1168u
#define ERROR_NO_SUCH_USER               1317u
#define ERROR_NONE_MAPPED                1332u
#define ERROR_INTERNAL_ERROR             1359u
#define RPC_S_INVALID_BINDING            1702u
#define RPC_S_PROTSEQ_NOT_SUPPORTED      1703u
#define RPC_S_SERVER_UNAVAILABLE         1722u
#define RPC_S_SERVER_TOO_BUSY            1723u
#define RPC_S_CALL_FAILED                1726u
#define RPC_S_CALL_FAILED_DNE            1727u
#define RPC_S_PROTOCOL_ERROR             1728u
#define RPC_S_UNKNOWN_IF                 1717u
#define RPC_S_PROCNUM_OUT_OF_RANGE       1745u
#define RPC_S_ACCESS_DENIED              ERROR_ACCESS_DENIED
#define EPT_S_NOT_REGISTERED             1753u
#define RPC_X_BAD_STUB_DATA              1783u
#define RPC_X_SS_CONTEXT_MISMATCH        6u
#define ERROR_RESOURCE_NOT_FOUND         5007u
#define ERROR_RESOURCE_PROPERTIES_STORED 5024u
#define ERROR_CLUSTER_INVALID_REQUEST    5048u
/* The object calls' errors.  This header is the one list of error codes:
 * clusterd's handlers use these definitions too (src/base/werror.h includes
 * this file). */
#define ERROR_DIR_NOT_EMPTY 145u
#define ERROR_ALREADY_EXISTS 183u
#define ERROR_IO_PENDING 997u
#define ERROR_DEPENDENT_RESOURCE_EXISTS 5001u
#define ERROR_OBJECT_ALREADY_EXISTS 5010u
#define ERROR_GROUP_NOT_FOUND 5013u
#define ERROR_INVALID_STATE 5023u
#define ERROR_CLUSTER_NODE_NOT_FOUND 5042u
#define ERROR_CLUSTER_NETWORK_NOT_FOUND 5045u
#define ERROR_CLUSTER_NETINTERFACE_NOT_FOUND 5047u
#define ERROR_CLUSTER_NODE_NOT_PAUSED 5058u
#define ERROR_CLUSTER_NODE_PAUSED 5070u
#define ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND 5078u
#define ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED 5079u
#define ERROR_CLUSTER_NO_QUORUM 5925u

/* ---- cluster information ----------------------------------------------- */
#define CLUSTER_VERSION_FLAG_MIXED_MODE  0x00000001u

typedef struct _CLUSTERVERSIONINFO {
	DWORD dwVersionInfoSize;   /* caller sets sizeof(CLUSTERVERSIONINFO) */
	WORD MajorVersion;
	WORD MinorVersion;
	WORD BuildNumber;
	WCHAR szVendorId[64];
	WCHAR szCSDVersion[64];
	DWORD dwClusterHighestVersion;
	DWORD dwClusterLowestVersion;
	DWORD dwFlags;
	DWORD dwReserved;
} CLUSTERVERSIONINFO, *LPCLUSTERVERSIONINFO;

/* ---- cluster handles --------------------------------------------------- */

/*
 * Open a cluster.  lpszClusterName NULL: the local cluster over LPC (a Unix
 * socket: $CLUSAPI_LPC_SOCKET, else CLUSAPI_DEFAULT_LPC_SOCKET, as
 * ClusapiGetLocalSocketPath says); the kernel tells the server who the caller
 * is.  Otherwise a cluster or node name: short host name, FQDN, IPv4 or IPv6
 * literal, reached over RPC on TCP through the endpoint mapper (port 135, or
 * $CLUSAPI_EPMAPPER_PORT: ClusapiGetEndpointMapperPort).
 *
 * DesiredAccess: GENERIC_READ, GENERIC_ALL (or GENERIC_WRITE / GENERIC_EXECUTE,
 * which mean the same as GENERIC_ALL) or MAXIMUM_ALLOWED; 0 is
 * ERROR_INVALID_PARAMETER.  GrantedAccess (may be NULL) receives GENERIC_READ
 * or GENERIC_ALL.  Returns NULL on failure, the reason in GetLastError().
 */
CLUSAPI_API HCLUSTER OpenClusterEx(LPCWSTR lpszClusterName, DWORD DesiredAccess, DWORD *GrantedAccess);

/* OpenCluster(name) is OpenClusterEx(name, GENERIC_ALL, NULL). */
CLUSAPI_API HCLUSTER OpenCluster(LPCWSTR lpszClusterName);

/*
 * Close the handle: the server is told (ApiCloseCluster), the connection is shut
 * down and all memory freed.  A handle already closed, or never opened, gives
 * FALSE with ERROR_INVALID_HANDLE: never undefined behaviour.
 */
CLUSAPI_API BOOL CloseCluster(HCLUSTER hCluster);

/*
 * Name and version of the cluster.  *lpcchClusterName is the size of the buffer
 * in characters, terminating NUL included; on return it holds the length of the
 * name without the NUL.  Too small a buffer: ERROR_MORE_DATA and the length
 * needed (without NUL) in *lpcchClusterName.  lpszClusterName may be NULL to ask
 * for the length only.  lpClusterInfo may be NULL; when given, its
 * dwVersionInfoSize must be at least sizeof(CLUSTERVERSIONINFO).
 * Returns ERROR_SUCCESS or an error code (GetLastError() is not used).
 */
CLUSAPI_API DWORD GetClusterInformation(HCLUSTER hCluster, LPWSTR lpszClusterName, LPDWORD lpcchClusterName,
			    LPCLUSTERVERSIONINFO lpClusterInfo);

/*
 * Rename the cluster (needs full access).  As on Windows, success is reported as
 * ERROR_RESOURCE_PROPERTIES_STORED: the name is stored durably and used from now
 * on.  An invalid name (not a DNS label: letters, digits, '-', 1 to 63) gives
 * ERROR_INVALID_NAME; a read-only handle ERROR_ACCESS_DENIED.
 */
CLUSAPI_API DWORD SetClusterName(HCLUSTER hCluster, LPCWSTR lpszNewClusterName);

/* ---- object states (values as on Windows) ------------------------------ */
typedef enum CLUSTER_NODE_STATE {
	ClusterNodeStateUnknown = -1,
	ClusterNodeUp = 0,
	ClusterNodeDown = 1,
	ClusterNodePaused = 2,
	ClusterNodeJoining = 3,
} CLUSTER_NODE_STATE;

typedef enum CLUSTER_GROUP_STATE {
	ClusterGroupStateUnknown = -1,
	ClusterGroupOnline = 0,
	ClusterGroupOffline = 1,
	ClusterGroupFailed = 2,
	ClusterGroupPartialOnline = 3,
	ClusterGroupPending = 4,
} CLUSTER_GROUP_STATE;

typedef enum CLUSTER_RESOURCE_STATE {
	ClusterResourceStateUnknown = -1,
	ClusterResourceInherited = 0,
	ClusterResourceInitializing = 1,
	ClusterResourceOnline = 2,
	ClusterResourceOffline = 3,
	ClusterResourceFailed = 4,
	ClusterResourcePending = 128,
	ClusterResourceOnlinePending = 129,
	ClusterResourceOfflinePending = 130,
} CLUSTER_RESOURCE_STATE;

typedef enum CLUSTER_NETWORK_STATE {
	ClusterNetworkStateUnknown = -1,
	ClusterNetworkUnavailable = 0,
	ClusterNetworkDown = 1,
	ClusterNetworkPartitioned = 2,
	ClusterNetworkUp = 3,
} CLUSTER_NETWORK_STATE;

typedef enum CLUSTER_NETINTERFACE_STATE {
	ClusterNetInterfaceStateUnknown = -1,
	ClusterNetInterfaceUnavailable = 0,
	ClusterNetInterfaceFailed = 1,
	ClusterNetInterfaceUnreachable = 2,
	ClusterNetInterfaceUp = 3,
} CLUSTER_NETINTERFACE_STATE;

/* ---- enumeration types (enums, as on Windows) --------------------------- */
typedef enum CLUSTER_ENUM {
	CLUSTER_ENUM_NODE = 0x00000001,
	CLUSTER_ENUM_RESTYPE = 0x00000002,
	CLUSTER_ENUM_RESOURCE = 0x00000004,
	CLUSTER_ENUM_GROUP = 0x00000008,
	CLUSTER_ENUM_NETWORK = 0x00000010,
	CLUSTER_ENUM_NETINTERFACE = 0x00000020,
	CLUSTER_ENUM_SHARED_VOLUME_GROUP = 0x20000000,
	CLUSTER_ENUM_SHARED_VOLUME_RESOURCE = 0x40000000,
	CLUSTER_ENUM_INTERNAL_NETWORK = (int)0x80000000u,
	CLUSTER_ENUM_ALL = 0x0000003f,
} CLUSTER_ENUM;

typedef enum CLUSTER_NODE_ENUM {
	CLUSTER_NODE_ENUM_NETINTERFACES = 0x00000001,
	CLUSTER_NODE_ENUM_GROUPS = 0x00000002,
	CLUSTER_NODE_ENUM_PREFERRED_GROUPS = 0x00000004,
	CLUSTER_NODE_ENUM_ALL = 0x00000003,
} CLUSTER_NODE_ENUM;

typedef enum CLUSTER_GROUP_ENUM {
	CLUSTER_GROUP_ENUM_CONTAINS = 0x00000001,
	CLUSTER_GROUP_ENUM_NODES = 0x00000002,
	CLUSTER_GROUP_ENUM_ALL = 0x00000003,
} CLUSTER_GROUP_ENUM;

typedef enum CLUSTER_RESOURCE_ENUM {
	CLUSTER_RESOURCE_ENUM_DEPENDS = 0x00000001,
	CLUSTER_RESOURCE_ENUM_PROVIDES = 0x00000002,
	CLUSTER_RESOURCE_ENUM_NODES = 0x00000004,
	CLUSTER_RESOURCE_ENUM_ALL = 0x00000007,
} CLUSTER_RESOURCE_ENUM;

/* CreateClusterResource dwFlags. */
typedef enum CLUSTER_RESOURCE_CREATE_FLAGS {
	CLUSTER_RESOURCE_DEFAULT_MONITOR = 0,
	CLUSTER_RESOURCE_SEPARATE_MONITOR = 1,
	CLUSTER_RESOURCE_VALID_FLAGS = CLUSTER_RESOURCE_SEPARATE_MONITOR,
} CLUSTER_RESOURCE_CREATE_FLAGS;

/* One entry of ClusterEnumEx; the strings live in the caller's buffer,
 * right after the structure. */
#define CLUSTER_ENUM_ITEM_VERSION_1 0x00000001u
#define CLUSTER_ENUM_ITEM_VERSION CLUSTER_ENUM_ITEM_VERSION_1
typedef struct _CLUSTER_ENUM_ITEM {
	DWORD dwVersion;
	DWORD dwType;
	DWORD cbId;     /* bytes of lpszId, NUL included */
	LPWSTR lpszId;
	DWORD cbName;   /* bytes of lpszName, NUL included */
	LPWSTR lpszName;
} CLUSTER_ENUM_ITEM, *PCLUSTER_ENUM_ITEM;

/* ---- control codes (ClusterResourceControl) ----------------------------- */
typedef enum CLUSCTL_RESOURCE_CODES {
	CLUSCTL_RESOURCE_UNKNOWN = 0x01000000,
	CLUSCTL_RESOURCE_GET_CHARACTERISTICS = 0x01000005,
	CLUSCTL_RESOURCE_GET_FLAGS = 0x01000009,
	CLUSCTL_RESOURCE_GET_CLASS_INFO = 0x0100000d,
	CLUSCTL_RESOURCE_GET_NAME = 0x01000029,
	CLUSCTL_RESOURCE_GET_RESOURCE_TYPE = 0x0100002d,
	CLUSCTL_RESOURCE_GET_ID = 0x01000039,
	CLUSCTL_RESOURCE_GET_RO_COMMON_PROPERTIES = 0x01000055,
	CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES = 0x01000059,
	CLUSCTL_RESOURCE_GET_RO_PRIVATE_PROPERTIES = 0x0100007d,
	CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES = 0x01000081,
} CLUSCTL_RESOURCE_CODES;

/* ---- cluster registry --------------------------------------------------- */
#define KEY_QUERY_VALUE          0x00000001u
#define KEY_SET_VALUE            0x00000002u
#define KEY_CREATE_SUB_KEY       0x00000004u
#define KEY_ENUMERATE_SUB_KEYS   0x00000008u
#define KEY_NOTIFY               0x00000010u
#define KEY_READ 0x20019u /* spelled as tests/integration/test_registry_control.c has it */
#define KEY_WRITE                0x00020006u
#define KEY_ALL_ACCESS 0xF003Fu

#define REG_NONE                 0u
#define REG_SZ                   1u
#define REG_EXPAND_SZ            2u
#define REG_BINARY               3u
#define REG_DWORD                4u
#define REG_MULTI_SZ             7u
#define REG_QWORD                11u

/*
 * ---- cluster objects ------------------------------------------------------
 *
 * Object handles (HNODE, HGROUP, HRESOURCE, HNETWORK, HNETINTERFACE, HKEY) and
 * enumeration handles are tokens like HCLUSTER: a closed, stale or made-up
 * handle gives ERROR_INVALID_HANDLE, never undefined behaviour.  An object
 * handle uses the connection of the cluster handle it was opened from; once
 * that cluster handle is closed the server has let go of the object too: every
 * call on it gives ERROR_INVALID_HANDLE and Close* just frees it (TRUE).  Where
 * two handles meet (MoveClusterGroup, OnlineClusterGroup, ClusterResourceControl)
 * they must come from the same cluster handle, else ERROR_INVALID_HANDLE.
 *
 * Open* and Create* return NULL on failure, the reason in GetLastError();
 * Get*State return the state, or the ...StateUnknown value (-1) with the
 * reason in GetLastError(); the other calls return the error code.  Strings
 * out follow GetClusterInformation's (buffer, count) convention.
 *
 * The plain Open* calls ask the server for what the caller may have
 * (ApiOpenX); the Ex forms pass dwDesiredAccess (GENERIC_READ, GENERIC_ALL or
 * MAXIMUM_ALLOWED) and return the access granted (GENERIC_READ or
 * GENERIC_ALL) in *lpdwGrantedAccess (may be NULL).
 */

/* Nodes. */
CLUSAPI_API HNODE OpenClusterNode(HCLUSTER hCluster, LPCWSTR lpszNodeName);
CLUSAPI_API HNODE OpenClusterNodeEx(HCLUSTER hCluster, LPCWSTR lpszNodeName, DWORD dwDesiredAccess,
				    DWORD *lpdwGrantedAccess);
CLUSAPI_API BOOL CloseClusterNode(HNODE hNode);
CLUSAPI_API CLUSTER_NODE_STATE GetClusterNodeState(HNODE hNode);
/* ERROR_CLUSTER_NODE_PAUSED if already paused. */
CLUSAPI_API DWORD PauseClusterNode(HNODE hNode);
/* ERROR_CLUSTER_NODE_NOT_PAUSED if not paused. */
CLUSAPI_API DWORD ResumeClusterNode(HNODE hNode);
CLUSAPI_API DWORD EvictClusterNode(HNODE hNode);

/* Groups. */
CLUSAPI_API HGROUP OpenClusterGroup(HCLUSTER hCluster, LPCWSTR lpszGroupName);
CLUSAPI_API HGROUP OpenClusterGroupEx(HCLUSTER hCluster, LPCWSTR lpszGroupName, DWORD dwDesiredAccess,
				      DWORD *lpdwGrantedAccess);
CLUSAPI_API BOOL CloseClusterGroup(HGROUP hGroup);
/* The owner node's name goes to lpszNodeName (both may be NULL). */
CLUSAPI_API CLUSTER_GROUP_STATE GetClusterGroupState(HGROUP hGroup, LPWSTR lpszNodeName, LPDWORD lpcchNodeName);
/* A new, empty, offline group; ERROR_OBJECT_ALREADY_EXISTS if the name is taken. */
CLUSAPI_API HGROUP CreateClusterGroup(HCLUSTER hCluster, LPCWSTR lpszGroupName);
/* The group must be empty (ERROR_DIR_NOT_EMPTY).  The handle must still be
 * closed with CloseClusterGroup. */
CLUSAPI_API DWORD DeleteClusterGroup(HGROUP hGroup);
/* hDestinationNode may be NULL: online where the group is. */
CLUSAPI_API DWORD OnlineClusterGroup(HGROUP hGroup, HNODE hDestinationNode);
CLUSAPI_API DWORD OfflineClusterGroup(HGROUP hGroup);
/* hDestinationNode may be NULL: the best other node. */
CLUSAPI_API DWORD MoveClusterGroup(HGROUP hGroup, HNODE hDestinationNode);
CLUSAPI_API DWORD SetClusterGroupName(HGROUP hGroup, LPCWSTR lpszGroupName);

/* Resources. */
CLUSAPI_API HRESOURCE OpenClusterResource(HCLUSTER hCluster, LPCWSTR lpszResourceName);
CLUSAPI_API HRESOURCE OpenClusterResourceEx(HCLUSTER hCluster, LPCWSTR lpszResourceName, DWORD dwDesiredAccess,
					    DWORD *lpdwGrantedAccess);
CLUSAPI_API BOOL CloseClusterResource(HRESOURCE hResource);
/* The owner node and the group go to the two buffers (any may be NULL). */
CLUSAPI_API CLUSTER_RESOURCE_STATE GetClusterResourceState(HRESOURCE hResource, LPWSTR lpszNodeName,
							   LPDWORD lpcchNodeName, LPWSTR lpszGroupName,
							   LPDWORD lpcchGroupName);
/* A new, offline resource in hGroup; ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND for
 * an unknown type, ERROR_OBJECT_ALREADY_EXISTS for a name in use. */
CLUSAPI_API HRESOURCE CreateClusterResource(HGROUP hGroup, LPCWSTR lpszResourceName, LPCWSTR lpszResourceType,
					    DWORD dwFlags);
/* The resource must be offline (ERROR_INVALID_STATE) and nothing may depend on
 * it (ERROR_DEPENDENT_RESOURCE_EXISTS). */
CLUSAPI_API DWORD DeleteClusterResource(HRESOURCE hResource);
/* ERROR_SUCCESS, or ERROR_IO_PENDING while the change is under way. */
CLUSAPI_API DWORD OnlineClusterResource(HRESOURCE hResource);
CLUSAPI_API DWORD OfflineClusterResource(HRESOURCE hResource);
CLUSAPI_API DWORD FailClusterResource(HRESOURCE hResource);
CLUSAPI_API DWORD SetClusterResourceName(HRESOURCE hResource, LPCWSTR lpszResourceName);
/* The network name the resource is reached through.  *nSize is the buffer in
 * characters (NUL included); on return the name's length.  FALSE with
 * GetLastError() (ERROR_MORE_DATA: *nSize says how much is needed). */
CLUSAPI_API BOOL GetClusterResourceNetworkName(HRESOURCE hResource, LPWSTR lpBuffer, LPDWORD nSize);

/* Networks and network interfaces. */
CLUSAPI_API HNETWORK OpenClusterNetwork(HCLUSTER hCluster, LPCWSTR lpszNetworkName);
CLUSAPI_API HNETWORK OpenClusterNetworkEx(HCLUSTER hCluster, LPCWSTR lpszNetworkName, DWORD dwDesiredAccess,
					  DWORD *lpdwGrantedAccess);
CLUSAPI_API BOOL CloseClusterNetwork(HNETWORK hNetwork);
CLUSAPI_API CLUSTER_NETWORK_STATE GetClusterNetworkState(HNETWORK hNetwork);
CLUSAPI_API HNETINTERFACE OpenClusterNetInterface(HCLUSTER hCluster, LPCWSTR lpszInterfaceName);
CLUSAPI_API HNETINTERFACE OpenClusterNetInterfaceEx(HCLUSTER hCluster, LPCWSTR lpszInterfaceName,
						    DWORD dwDesiredAccess, DWORD *lpdwGrantedAccess);
CLUSAPI_API BOOL CloseClusterNetInterface(HNETINTERFACE hNetInterface);
CLUSAPI_API CLUSTER_NETINTERFACE_STATE GetClusterNetInterfaceState(HNETINTERFACE hNetInterface);

/*
 * Enumerations.  The list is taken from the server once, at open; the Enum
 * calls index it locally (dwIndex from 0; ERROR_NO_MORE_ITEMS past the end).
 * lpdwType receives the entry's CLUSTER_*ENUM_* bit; the name follows the
 * (buffer, count) convention.
 */
CLUSAPI_API HCLUSENUM ClusterOpenEnum(HCLUSTER hCluster, DWORD dwType);
CLUSAPI_API DWORD ClusterGetEnumCount(HCLUSENUM hEnum);
CLUSAPI_API DWORD ClusterEnum(HCLUSENUM hEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszName, LPDWORD lpcchName);
CLUSAPI_API DWORD ClusterCloseEnum(HCLUSENUM hEnum);

/* The Ex forms carry each object's id as well.  pOptions must be NULL. */
CLUSAPI_API HCLUSENUMEX ClusterOpenEnumEx(HCLUSTER hCluster, DWORD dwType, LPVOID pOptions);
CLUSAPI_API DWORD ClusterGetEnumCountEx(HCLUSENUMEX hClusterEnum);
/* *cbItem: the buffer's size in bytes; on return the bytes written, or needed
 * (ERROR_MORE_DATA).  The strings are placed in the buffer after the item. */
CLUSAPI_API DWORD ClusterEnumEx(HCLUSENUMEX hClusterEnum, DWORD dwIndex, PCLUSTER_ENUM_ITEM pItem, LPDWORD cbItem);
CLUSAPI_API DWORD ClusterCloseEnumEx(HCLUSENUMEX hClusterEnum);

CLUSAPI_API HNODEENUM ClusterNodeOpenEnum(HNODE hNode, DWORD dwType);
CLUSAPI_API DWORD ClusterNodeGetEnumCount(HNODEENUM hNodeEnum);
CLUSAPI_API DWORD ClusterNodeEnum(HNODEENUM hNodeEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszName,
				  LPDWORD lpcchName);
CLUSAPI_API DWORD ClusterNodeCloseEnum(HNODEENUM hNodeEnum);

CLUSAPI_API HGROUPENUM ClusterGroupOpenEnum(HGROUP hGroup, DWORD dwType);
CLUSAPI_API DWORD ClusterGroupGetEnumCount(HGROUPENUM hGroupEnum);
CLUSAPI_API DWORD ClusterGroupEnum(HGROUPENUM hGroupEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszResourceName,
				   LPDWORD lpcchName);
CLUSAPI_API DWORD ClusterGroupCloseEnum(HGROUPENUM hGroupEnum);

CLUSAPI_API HRESENUM ClusterResourceOpenEnum(HRESOURCE hResource, DWORD dwType);
CLUSAPI_API DWORD ClusterResourceGetEnumCount(HRESENUM hResEnum);
CLUSAPI_API DWORD ClusterResourceEnum(HRESENUM hResEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszName,
				      LPDWORD lpcchName);
CLUSAPI_API DWORD ClusterResourceCloseEnum(HRESENUM hResEnum);

/*
 * Controls.  hHostNode NULL: the node that owns the resource (ApiResourceControl);
 * otherwise that node (ApiNodeResourceControl).  Too small an output buffer gives
 * ERROR_MORE_DATA with the size needed in *lpBytesReturned.
 */
CLUSAPI_API DWORD ClusterResourceControl(HRESOURCE hResource, HNODE hHostNode, DWORD dwControlCode,
					 LPVOID lpInBuffer, DWORD cbInBufferSize, LPVOID lpOutBuffer,
					 DWORD cbOutBufferSize, LPDWORD lpBytesReturned);

/*
 * The cluster registry.  GetClusterKey returns the root key (NULL with
 * GetLastError() on failure); the ClusterReg* calls return the error code.
 * ClusterRegEnumKey: ERROR_NO_MORE_ITEMS past the last subkey; the name follows
 * the (buffer, count) convention; lpftLastWriteTime may be NULL.
 * ClusterRegQueryValue: lpData NULL asks for the size; too small a buffer gives
 * ERROR_MORE_DATA with the size needed in *lpcbData.
 */
CLUSAPI_API HKEY GetClusterKey(HCLUSTER hCluster, REGSAM samDesired);
CLUSAPI_API LONG ClusterRegOpenKey(HKEY hKey, LPCWSTR lpszSubKey, REGSAM samDesired, HKEY *phkResult);
CLUSAPI_API LONG ClusterRegEnumKey(HKEY hKey, DWORD dwIndex, LPWSTR lpszName, LPDWORD lpcchName,
				   PFILETIME lpftLastWriteTime);
CLUSAPI_API LONG ClusterRegQueryValue(HKEY hKey, LPCWSTR lpszValueName, LPDWORD lpdwValueType, LPBYTE lpData,
				      LPDWORD lpcbData);
CLUSAPI_API DWORD ClusterRegSetValue(HKEY hKey, LPCWSTR lpszValueName, DWORD dwType, const BYTE *lpData,
				     DWORD cbData);
CLUSAPI_API LONG ClusterRegCloseKey(HKEY hKey);

/*
 * The cluster access list (MS-CMRP CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS).  We have
 * no SIDs: szAccountSID is a principal of the cluster ACL --
 *   user:NAME  group:NAME  uid:N  gid:N  ntlm:NAME  kerberos:USER@REALM  anonymous
 * -- or a bare NAME (user:NAME) or USER@REALM (kerberos:USER@REALM); a SID
 * string gives ERROR_NONE_MAPPED.  dwControlType CLUSTER_SET_ACCESS_TYPE_ALLOWED
 * with CLUSAPI_READ_ACCESS grants read, with CLUSAPI_CHANGE_ACCESS or
 * CLUSAPI_ALL_ACCESS full access (change implies read); CLUSAPI_NO_ACCESS, or
 * CLUSTER_SET_ACCESS_TYPE_DENIED with any of them, blocks the principal (a deny
 * wins over every grant, a group's included).  Either replaces what the ACL held
 * for that principal.  CLUSTER_DELETE_ACCESS_CONTROL_ENTRY removes the
 * principal's entries (dwAccess is ignored; ERROR_NOT_FOUND when it had none).
 * Needs a handle opened with full access by a caller who still has it
 * (ERROR_ACCESS_DENIED otherwise); takes effect for every new handle at once and
 * survives a restart.  Bad arguments: ERROR_INVALID_PARAMETER, nothing changes.
 */
CLUSAPI_API DWORD ClusterSetAccountAccess(HCLUSTER hCluster, LPCWSTR szAccountSID, DWORD dwAccess,
					  DWORD dwControlType);

/* ---- last error (thread-local, as on Windows) -------------------------- */
CLUSAPI_API DWORD GetLastError(void);
CLUSAPI_API void SetLastError(DWORD dwErrCode);

/* ---- extensions (not in Windows) --------------------------------------- */

/* The built-in LPC socket path (overridden by $CLUSAPI_LPC_SOCKET). */
#define CLUSAPI_DEFAULT_LPC_SOCKET "/run/clusterd/lpc.sock"
/* The endpoint mapper's TCP port (overridden by $CLUSAPI_EPMAPPER_PORT). */
#define CLUSAPI_DEFAULT_EPMAPPER_PORT 135u

/*
 * Where OpenClusterEx(NULL, ...) connects: the LPC socket path, that is
 * $CLUSAPI_LPC_SOCKET when set and not empty, else CLUSAPI_DEFAULT_LPC_SOCKET.
 * Never NULL; the string is the environment's (valid until it changes) or
 * static.  For messages that name what was tried.
 */
CLUSAPI_API const char *ClusapiGetLocalSocketPath(void);

/*
 * The TCP port of the endpoint mapper that OpenClusterEx asks for a named
 * cluster's MS-CMRP port: $CLUSAPI_EPMAPPER_PORT when it is a port number
 * (1 to 65535), else CLUSAPI_DEFAULT_EPMAPPER_PORT.
 */
CLUSAPI_API DWORD ClusapiGetEndpointMapperPort(void);

/*
 * An English sentence for an error code, saying what it means and, where there is
 * something to do, what to do.  Never NULL; the string is static.
 */
CLUSAPI_API const char *ClusapiErrorMessage(DWORD dwErrCode);

/* The symbolic name of an error code ("ERROR_ACCESS_DENIED"), or NULL if unknown. */
CLUSAPI_API const char *ClusapiErrorName(DWORD dwErrCode);

/*
 * The name of the node that serves this handle's connection.  Same buffer
 * convention as GetClusterInformation's name.
 */
CLUSAPI_API DWORD ClusapiGetConnectedNodeName(HCLUSTER hCluster, LPWSTR lpszNodeName, LPDWORD lpcchNodeName);

/*
 * The access granted when this handle was opened (GENERIC_READ or GENERIC_ALL),
 * or 0 with ERROR_INVALID_HANDLE.
 */
CLUSAPI_API DWORD ClusapiGetGrantedAccess(HCLUSTER hCluster);

/*
 * OpenClusterEx over TCP with explicit NTLM credentials: lpszUser is an
 * account name ("alice") or "DOMAIN\alice", lpszPassword its password.  The
 * connection is authenticated with NTLMSSP and sealed (PKT_PRIVACY).
 * lpszClusterName must name a cluster (NULL, the local LPC connection, is
 * authenticated by the kernel): ERROR_INVALID_PARAMETER.  A wrong password
 * or unknown account fails with ERROR_ACCESS_DENIED.
 *
 * OpenClusterEx itself, for a named cluster, uses the file named by the
 * environment variable CLUSAPI_CREDENTIALS when it is set ("user = NAME",
 * "password = PW", optional "domain = D" lines; the file must belong to the
 * caller and not be readable by group or others, else ERROR_ACCESS_DENIED),
 * and otherwise binds without authentication, which servers refuse.
 */
CLUSAPI_API HCLUSTER ClusapiOpenClusterWithCredentials(LPCWSTR lpszClusterName, LPCWSTR lpszUser,
						       LPCWSTR lpszPassword, DWORD DesiredAccess,
						       DWORD *GrantedAccess);

/*
 * UTF-8 <-> UTF-16 conversions for programs that keep text in UTF-8.  The result
 * is allocated with malloc (free it with free()); NULL with ERROR_INVALID_DATA on
 * ill-formed input or ERROR_NOT_ENOUGH_MEMORY.
 */
CLUSAPI_API LPWSTR ClusapiUtf8ToWide(const char *utf8);
CLUSAPI_API char *ClusapiWideToUtf8(LPCWSTR wide);

/*
 * Cluster access and NTLM accounts (clusterd's cluster control codes in the
 * user range: object CLUS_OBJECT_CLUSTER, user bit 21; MS-CMRP defines the
 * first).  Wire formats (little-endian, strings UTF-16LE with their NUL):
 *   GET_ACCESS (read)        out: DWORD count, then per entry DWORD access
 *                            (CLUSAPI_ALL_ACCESS, CLUSAPI_READ_ACCESS or
 *                            CLUSAPI_NO_ACCESS), DWORD type (CLUSTER_SET_ACCESS_
 *                            TYPE_ALLOWED or _DENIED), DWORD byte size of the
 *                            principal, the principal, padding to 4 bytes
 *   ENUM_ACCOUNTS            out: the names, each with its NUL, then a NUL
 *   ADD_ACCOUNT              in: the 16-byte NT hash, then the name
 *   REMOVE_ACCOUNT           in: the name
 * The account codes are answered only over LPC to uid 0 (ERROR_ACCESS_DENIED
 * for anyone else); a buffer of the wrong size or shape is ERROR_INVALID_DATA,
 * a bad name ERROR_INVALID_PARAMETER, and nothing changes.
 */
#define CLUSCTL_CLUSTER_SET_ACCOUNT_ACCESS     0x074000F2u
#define CLUSCTL_CLUSTER_CLUSAPI_GET_ACCESS     0x07200005u
#define CLUSCTL_CLUSTER_CLUSAPI_ENUM_ACCOUNTS  0x07200009u
#define CLUSCTL_CLUSTER_CLUSAPI_ADD_ACCOUNT    0x0760000Eu
#define CLUSCTL_CLUSTER_CLUSAPI_REMOVE_ACCOUNT 0x07600012u

/* One entry of the cluster access list (ClusapiGetClusterAccess). */
typedef struct _CLUSAPI_ACCESS_ENTRY {
	LPWSTR lpszPrincipal; /* canonical form: "user:alice", "gid:0", "anonymous" */
	DWORD dwAccess;       /* CLUSAPI_ALL_ACCESS, CLUSAPI_READ_ACCESS or CLUSAPI_NO_ACCESS */
	DWORD dwControlType;  /* CLUSTER_SET_ACCESS_TYPE_ALLOWED, or _DENIED for a block */
} CLUSAPI_ACCESS_ENTRY, *PCLUSAPI_ACCESS_ENTRY;

/*
 * The cluster access list, in file order (needs read access).  lpBuffer receives
 * *lpdwCount CLUSAPI_ACCESS_ENTRY structures followed by their strings (the
 * pointers point into the buffer); *lpcbBuffer is its size in bytes.  Too small
 * a buffer (or NULL): ERROR_MORE_DATA with the size needed in *lpcbBuffer.  On
 * success *lpcbBuffer is the size used.
 */
CLUSAPI_API DWORD ClusapiGetClusterAccess(HCLUSTER hCluster, LPVOID lpBuffer, LPDWORD lpcbBuffer,
					  LPDWORD lpdwCount);

/*
 * NTLM accounts of clusterd (callers over LPC as root only).  ClusapiAddAccount
 * adds an account, or sets the password of an existing one (names ignore ASCII
 * case): the library sends only the NT hash (MD4 of the UTF-16LE password),
 * never the password.  Names: 1 to 64 characters, no white space, control
 * characters, ':', backslash, '@' or '#'; passwords: 1 to 256 characters.
 * ClusapiRemoveAccount: ERROR_NO_SUCH_USER if there is none.
 * ClusapiEnumAccounts: the names as a list of NUL-terminated strings ending
 * with an empty one; *lpcchNames is the buffer's size in WCHARs; too small a
 * buffer (or NULL): ERROR_MORE_DATA with the size needed.
 */
CLUSAPI_API DWORD ClusapiAddAccount(HCLUSTER hCluster, LPCWSTR lpszName, LPCWSTR lpszPassword);
CLUSAPI_API DWORD ClusapiRemoveAccount(HCLUSTER hCluster, LPCWSTR lpszName);
CLUSAPI_API DWORD ClusapiEnumAccounts(HCLUSTER hCluster, LPWSTR lpszNames, LPDWORD lpcchNames);

/* ==== issue 11, parts 1 and 2: dependencies and owners ==================== */

#define ERROR_CIRCULAR_DEPENDENCY 1059u
#define ERROR_DEPENDENCY_NOT_FOUND 5002u
#define ERROR_DEPENDENCY_ALREADY_EXISTS 5003u
#define ERROR_HOST_NODE_NOT_RESOURCE_OWNER 5015u
#define ERROR_RESOURCE_ONLINE 5019u
#define ERROR_CORE_RESOURCE 5026u
#define ERROR_DEPENDENCY_TREE_TOO_COMPLEX 5329u

/*
 * Dependencies: hResource depends on hDependsOn.  Both in one group
 * (ERROR_INVALID_PARAMETER otherwise, and for a resource and itself), once
 * (ERROR_DEPENDENCY_ALREADY_EXISTS), no cycle (ERROR_CIRCULAR_DEPENDENCY), at
 * most 100 deep (ERROR_DEPENDENCY_TREE_TOO_COMPLEX); an online dependent takes
 * only an online provider (ERROR_RESOURCE_ONLINE).  Removing one that is not
 * there: ERROR_DEPENDENCY_NOT_FOUND.  Online brings providers up first,
 * offline takes dependents down first, a failed provider takes its dependents
 * offline; a provider cannot be deleted while it has dependents
 * (ERROR_DEPENDENT_RESOURCE_EXISTS).
 */
CLUSAPI_API DWORD AddClusterResourceDependency(HRESOURCE hResource, HRESOURCE hDependsOn);
CLUSAPI_API DWORD RemoveClusterResourceDependency(HRESOURCE hResource, HRESOURCE hDependsOn);
/* Could hResource depend on hResourceDependent?  FALSE with the reason in
 * GetLastError(): the rules above, and ERROR_RESOURCE_ONLINE when hResource is
 * coming online or both are online (MS-CMRP 3.1.4.2.22). */
CLUSAPI_API BOOL CanResourceBeDependent(HRESOURCE hResource, HRESOURCE hResourceDependent);
/* "[A] and [B]" (names or ids in brackets; "" for none) replaces the
 * resource's dependencies, all checked before anything changes.  An OR of two
 * or more resources ("([A] or [B])") is ERROR_NOT_SUPPORTED: neither backend
 * has "any one of" (doc/pacemaker.md).  Get: the expression as
 * "[A] and [B]"; *lpcchDependencyExpression in WCHARs, ERROR_MORE_DATA with
 * the length needed when too small. */
CLUSAPI_API DWORD SetClusterResourceDependencyExpression(HRESOURCE hResource, LPCWSTR lpszDependencyExpression);
CLUSAPI_API DWORD GetClusterResourceDependencyExpression(HRESOURCE hResource, LPWSTR lpszDependencyExpression,
							 LPDWORD lpcchDependencyExpression);

/*
 * Possible owners of a resource (every node until restricted; listed by
 * ClusterResourceOpenEnum(CLUSTER_RESOURCE_ENUM_NODES)).  Adding one already
 * there: ERROR_OBJECT_ALREADY_EXISTS; removing one not there:
 * ERROR_CLUSTER_NODE_NOT_FOUND; removing the node an online resource runs on:
 * ERROR_INVALID_STATE.  Moving a group to a node that is not a possible owner
 * of one of its resources, or onlining a resource none of whose possible
 * owners is up: ERROR_HOST_NODE_NOT_RESOURCE_OWNER.
 */
CLUSAPI_API DWORD AddClusterResourceNode(HRESOURCE hResource, HNODE hNode);
CLUSAPI_API DWORD RemoveClusterResourceNode(HRESOURCE hResource, HNODE hNode);
/* Preferred owners of a group, most preferred first (NodeCount 0: none);
 * listed by ClusterGroupOpenEnum(CLUSTER_GROUP_ENUM_NODES). */
CLUSAPI_API DWORD SetClusterGroupNodeList(HGROUP hGroup, DWORD NodeCount, HNODE NodeList[]);
/* Move a resource to another group: one with no dependencies either way
 * (ERROR_DEPENDENT_RESOURCE_EXISTS otherwise); not a core resource
 * (ERROR_CORE_RESOURCE). */
CLUSAPI_API DWORD ChangeClusterResourceGroup(HRESOURCE hResource, HGROUP hGroup);

/* ---- cibstate (issue 10): cluster-wide state on the Pacemaker backend ---- */
/* A registry change that would take the cluster registry over its size
 * budget (doc/pacemaker.md): nothing is written. */
#define ERROR_NOT_ENOUGH_QUOTA 1816u

/* ==== restypes: resource types (issue 11, part 4) ============================ */

typedef struct _HRESTYPEENUM *HRESTYPEENUM;

typedef enum CLUSTER_RESOURCE_TYPE_ENUM {
	CLUSTER_RESOURCE_TYPE_ENUM_NODES = 0x00000001,     /* nodes that can run the type */
	CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES = 0x00000002, /* resources of the type */
	CLUSTER_RESOURCE_TYPE_ENUM_ALL = 0x00000003,
} CLUSTER_RESOURCE_TYPE_ENUM;

typedef enum CLUSCTL_RESOURCE_TYPE_CODES {
	CLUSCTL_RESOURCE_TYPE_UNKNOWN = 0x02000000,
	CLUSCTL_RESOURCE_TYPE_GET_CHARACTERISTICS = 0x02000005,
	CLUSCTL_RESOURCE_TYPE_GET_FLAGS = 0x02000009,
	CLUSCTL_RESOURCE_TYPE_GET_CLASS_INFO = 0x0200000d,
	CLUSCTL_RESOURCE_TYPE_ENUM_COMMON_PROPERTIES = 0x02000051,
	CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES = 0x02000055,
	CLUSCTL_RESOURCE_TYPE_GET_COMMON_PROPERTIES = 0x02000059,
	CLUSCTL_RESOURCE_TYPE_SET_COMMON_PROPERTIES = 0x0240005e,
	CLUSCTL_RESOURCE_TYPE_GET_PRIVATE_PROPERTIES = 0x02000081,
	CLUSCTL_RESOURCE_TYPE_SET_PRIVATE_PROPERTIES = 0x02400086,
} CLUSCTL_RESOURCE_TYPE_CODES;

/*
 * Resource types.  Every Windows built-in type is listed on both backends
 * under its Windows name, mapped onto something real on Linux
 * (doc/restypes.md); one with nothing behind it is listed but not available:
 * creating a resource of it fails with ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED
 * (its read-only common property Implementation says "not available"; the
 * message queuing types MSMQ and MSMQTriggers refuse controls with that error
 * too, as on Windows).  Native types (OCF agents, systemd units) keep their
 * own names.
 *
 * CreateClusterResourceType: there are no resource DLLs on Linux:
 * lpszResourceTypeDll names the available type the new one is made from (a
 * built-in such as "Generic Application"), whose implementation it shares.
 * Needs full access.  ERROR_OBJECT_ALREADY_EXISTS when the name is taken,
 * ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND when lpszResourceTypeDll names no
 * type, ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED when that type is not available,
 * ERROR_INVALID_PARAMETER for an empty name or DLL name, ERROR_NOT_SUPPORTED
 * on a backend that cannot keep new types.
 * DeleteClusterResourceType: ERROR_DIR_NOT_EMPTY while resources of the type
 * exist; ERROR_NOT_SUPPORTED for a built-in type or an installed agent.
 * ClusterResourceTypeOpenEnum: the nodes that can run the type and/or its
 * resources (CLUSTER_RESOURCE_TYPE_ENUM_*); NULL with GetLastError() on
 * failure.  ClusterResourceTypeControl: as ClusterResourceControl, for the type
 * named (hHostNode may be NULL).
 */
CLUSAPI_API DWORD CreateClusterResourceType(HCLUSTER hCluster, LPCWSTR lpszResourceTypeName,
					    LPCWSTR lpszDisplayName, LPCWSTR lpszResourceTypeDll,
					    DWORD dwLooksAlivePollInterval, DWORD dwIsAlivePollInterval);
CLUSAPI_API DWORD DeleteClusterResourceType(HCLUSTER hCluster, LPCWSTR lpszResourceTypeName);
CLUSAPI_API HRESTYPEENUM ClusterResourceTypeOpenEnum(HCLUSTER hCluster, LPCWSTR lpszResourceTypeName, DWORD dwType);
CLUSAPI_API DWORD ClusterResourceTypeGetEnumCount(HRESTYPEENUM hResTypeEnum);
CLUSAPI_API DWORD ClusterResourceTypeEnum(HRESTYPEENUM hResTypeEnum, DWORD dwIndex, LPDWORD lpdwType,
					  LPWSTR lpszName, LPDWORD lpcchName);
CLUSAPI_API DWORD ClusterResourceTypeCloseEnum(HRESTYPEENUM hResTypeEnum);
/*
 * ClusterGroupControl (declared with the other controls, below): as
 * ClusterResourceControl, for a group.  Its common properties include the
 * group's failover policy: FailoverThreshold, FailoverPeriod (hours),
 * AutoFailbackType (0 prevent, 1 allow), FailbackWindowStart / End (hour 0-23,
 * 0xFFFFFFFF none).  A resource's common properties include its restart
 * policy: RestartAction (0 none, 1 restart, 2 restart and fail over),
 * RestartThreshold, RestartPeriod, RestartDelay, PendingTimeout,
 * LooksAlivePollInterval, IsAlivePollInterval (milliseconds).  A value out of
 * range or not a DWORD: ERROR_INVALID_PARAMETER, nothing written.
 */
CLUSAPI_API DWORD ClusterResourceTypeControl(HCLUSTER hCluster, LPCWSTR lpszResourceTypeName, HNODE hHostNode,
					     DWORD dwControlCode, LPVOID lpInBuffer, DWORD nInBufferSize,
					     LPVOID lpOutBuffer, DWORD nOutBufferSize, LPDWORD lpBytesReturned);

/* ==== issue 13 (notify): notifications, the rest of the registry, lookups ====
 *
 * Notification ports.
 * CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hCluster, filter, key) makes a
 * port (its own connection to the cluster); with an existing port it adds the
 * cluster-wide filter to it.  RegisterClusterNotify adds the events of one
 * object (HNODE, HGROUP, HRESOURCE, HNETWORK, HNETINTERFACE; an HKEY: the
 * registry filters, reported for the whole cluster database; an HCLUSTER: any
 * cluster-wide filter).  GetClusterNotify returns the next event: waits up to
 * dwMilliseconds (INFINITE: no limit; 0: what the server holds now), then
 * WAIT_TIMEOUT; too small a buffer (or NULL): ERROR_MORE_DATA with the length
 * needed (without the NUL) in *lpcchName, and the event stays first.  See
 * CreateClusterNotifyPort(3).
 */
typedef void *HANDLE;
typedef uintptr_t DWORD_PTR;
typedef struct _HCHANGE *HCHANGE;
#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#define INFINITE 0xFFFFFFFFu
#define WAIT_TIMEOUT 258u

/* CLUSTER_CHANGE (MS-CMRP 2.2.2.7) */
#define CLUSTER_CHANGE_NODE_STATE 0x00000001u
#define CLUSTER_CHANGE_NODE_DELETED 0x00000002u
#define CLUSTER_CHANGE_NODE_ADDED 0x00000004u
#define CLUSTER_CHANGE_NODE_PROPERTY 0x00000008u
#define CLUSTER_CHANGE_REGISTRY_NAME 0x00000010u
#define CLUSTER_CHANGE_REGISTRY_ATTRIBUTES 0x00000020u
#define CLUSTER_CHANGE_REGISTRY_VALUE 0x00000040u
#define CLUSTER_CHANGE_REGISTRY_SUBTREE 0x00000080u
#define CLUSTER_CHANGE_RESOURCE_STATE 0x00000100u
#define CLUSTER_CHANGE_RESOURCE_DELETED 0x00000200u
#define CLUSTER_CHANGE_RESOURCE_ADDED 0x00000400u
#define CLUSTER_CHANGE_RESOURCE_PROPERTY 0x00000800u
#define CLUSTER_CHANGE_GROUP_STATE 0x00001000u
#define CLUSTER_CHANGE_GROUP_DELETED 0x00002000u
#define CLUSTER_CHANGE_GROUP_ADDED 0x00004000u
#define CLUSTER_CHANGE_GROUP_PROPERTY 0x00008000u
#define CLUSTER_CHANGE_RESOURCE_TYPE_DELETED 0x00010000u
#define CLUSTER_CHANGE_RESOURCE_TYPE_ADDED 0x00020000u
#define CLUSTER_CHANGE_RESOURCE_TYPE_PROPERTY 0x00040000u
#define CLUSTER_CHANGE_CLUSTER_RECONNECT 0x00080000u
#define CLUSTER_CHANGE_NETWORK_STATE 0x00100000u
#define CLUSTER_CHANGE_NETWORK_DELETED 0x00200000u
#define CLUSTER_CHANGE_NETWORK_ADDED 0x00400000u
#define CLUSTER_CHANGE_NETWORK_PROPERTY 0x00800000u
#define CLUSTER_CHANGE_NETINTERFACE_STATE 0x01000000u
#define CLUSTER_CHANGE_NETINTERFACE_DELETED 0x02000000u
#define CLUSTER_CHANGE_NETINTERFACE_ADDED 0x04000000u
#define CLUSTER_CHANGE_NETINTERFACE_PROPERTY 0x08000000u
#define CLUSTER_CHANGE_QUORUM_STATE 0x10000000u
#define CLUSTER_CHANGE_CLUSTER_STATE 0x20000000u
#define CLUSTER_CHANGE_CLUSTER_PROPERTY 0x40000000u
#define CLUSTER_CHANGE_HANDLE_CLOSE 0x80000000u

CLUSAPI_API HCHANGE CreateClusterNotifyPort(HCHANGE hChange, HCLUSTER hCluster, DWORD dwFilter, DWORD_PTR dwNotifyKey);
CLUSAPI_API DWORD RegisterClusterNotify(HCHANGE hChange, DWORD dwFilterType, HANDLE hObject, DWORD_PTR dwNotifyKey);
CLUSAPI_API DWORD GetClusterNotify(HCHANGE hChange, DWORD_PTR *lpdwNotifyKey, LPDWORD lpdwFilterType, LPWSTR lpszName,
				   LPDWORD lpcchName, DWORD dwMilliseconds);
CLUSAPI_API BOOL CloseClusterNotifyPort(HCHANGE hChange);

/*
 * The rest of the cluster registry (ClusterRegCreateKey(3)).  Security: who
 * may read or change the registry is the cluster's access list; every key
 * reports one fixed descriptor (owner and group BUILTIN\Administrators, a DACL
 * granting them KEY_ALL_ACCESS).  lpSecurityAttributes of ClusterRegCreateKey
 * is ignored, and ClusterRegSetKeySecurity accepts only that descriptor
 * (ERROR_NOT_SUPPORTED for any other).  Get*Key open the object's key
 * KIND\ID (ResourceTypes\NAME) of the root.
 */
typedef DWORD SECURITY_INFORMATION;
typedef void *PSECURITY_DESCRIPTOR;
typedef HKEY *PHKEY;
#ifndef CLUSAPI_SECURITY_ATTRIBUTES_DEFINED
#define CLUSAPI_SECURITY_ATTRIBUTES_DEFINED
typedef struct _SECURITY_ATTRIBUTES {
	DWORD nLength;
	LPVOID lpSecurityDescriptor;
	BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;
#endif
#define OWNER_SECURITY_INFORMATION 0x00000001u
#define GROUP_SECURITY_INFORMATION 0x00000002u
#define DACL_SECURITY_INFORMATION 0x00000004u
#define SACL_SECURITY_INFORMATION 0x00000008u
#define REG_OPTION_NON_VOLATILE 0u
#define REG_OPTION_VOLATILE 1u
#define REG_CREATED_NEW_KEY 1u
#define REG_OPENED_EXISTING_KEY 2u

CLUSAPI_API LONG ClusterRegCreateKey(HKEY hKey, LPCWSTR lpszSubKey, DWORD dwOptions, REGSAM samDesired,
				     LPSECURITY_ATTRIBUTES lpSecurityAttributes, PHKEY phkResult,
				     LPDWORD lpdwDisposition);
CLUSAPI_API LONG ClusterRegDeleteKey(HKEY hKey, LPCWSTR lpszSubKey);
CLUSAPI_API DWORD ClusterRegEnumValue(HKEY hKey, DWORD dwIndex, LPWSTR lpszValueName, LPDWORD lpcchValueName,
				      LPDWORD lpdwType, LPBYTE lpData, LPDWORD lpcbData);
CLUSAPI_API DWORD ClusterRegDeleteValue(HKEY hKey, LPCWSTR lpszValueName);
CLUSAPI_API LONG ClusterRegQueryInfoKey(HKEY hKey, LPDWORD lpcSubKeys, LPDWORD lpcchMaxSubKeyLen, LPDWORD lpcValues,
					LPDWORD lpcchMaxValueNameLen, LPDWORD lpcbMaxValueLen,
					LPDWORD lpcbSecurityDescriptor, PFILETIME lpftLastWriteTime);
CLUSAPI_API LONG ClusterRegGetKeySecurity(HKEY hKey, SECURITY_INFORMATION RequestedInformation,
					  PSECURITY_DESCRIPTOR pSecurityDescriptor, LPDWORD lpcbSecurityDescriptor);
CLUSAPI_API LONG ClusterRegSetKeySecurity(HKEY hKey, SECURITY_INFORMATION SecurityInformation,
					  PSECURITY_DESCRIPTOR pSecurityDescriptor);
CLUSAPI_API HKEY GetClusterNodeKey(HNODE hNode, REGSAM samDesired);
CLUSAPI_API HKEY GetClusterGroupKey(HGROUP hGroup, REGSAM samDesired);
CLUSAPI_API HKEY GetClusterResourceKey(HRESOURCE hResource, REGSAM samDesired);
CLUSAPI_API HKEY GetClusterResourceTypeKey(HCLUSTER hCluster, LPCWSTR lpszTypeName, REGSAM samDesired);
CLUSAPI_API HKEY GetClusterNetworkKey(HNETWORK hNetwork, REGSAM samDesired);
CLUSAPI_API HKEY GetClusterNetInterfaceKey(HNETINTERFACE hNetInterface, REGSAM samDesired);

/*
 * Lookups and the rest (GetClusterFromNode(3)).  GetClusterFrom* return a new
 * cluster handle (close it with CloseCluster) for the cluster of an object.
 * GetNodeClusterState answers for this host from local facts (the LPC socket
 * answers: running; clusterd's state directory: not running; its binary: not
 * configured) and for another node through its cluster service.
 * BackupClusterDatabase writes DIR/cluster.db on the server (root over LPC;
 * over TCP ERROR_CALL_NOT_IMPLEMENTED); RestoreClusterDatabase puts such a
 * backup in place of this host's database ($CLUSAPI_STATE_DIR, else
 * /var/lib/clusterd) while clusterd is stopped.
 * SetClusterServiceAccountPassword is ERROR_CALL_NOT_IMPLEMENTED.
 */
#define ERROR_PATH_NOT_FOUND 3u
#define ERROR_FILE_EXISTS 80u
#define ERROR_BUSY 170u
#define ERROR_REVISION_MISMATCH 1306u
#define ERROR_FILE_CORRUPT 1392u
#define ERROR_DISK_FULL 112u
typedef LONG HRESULT;
typedef unsigned char BOOLEAN;
typedef enum NODE_CLUSTER_STATE {
	ClusterStateNotInstalled = 0x00000000,
	ClusterStateNotConfigured = 0x00000001,
	ClusterStateNotRunning = 0x00000003,
	ClusterStateRunning = 0x00000013,
} NODE_CLUSTER_STATE;
typedef struct CLUSTER_SET_PASSWORD_STATUS {
	DWORD NodeId;
	BOOLEAN SetAttempted;
	DWORD ReturnStatus;
} CLUSTER_SET_PASSWORD_STATUS, *PCLUSTER_SET_PASSWORD_STATUS;

CLUSAPI_API HCLUSTER GetClusterFromNode(HNODE hNode);
CLUSAPI_API HCLUSTER GetClusterFromGroup(HGROUP hGroup);
CLUSAPI_API HCLUSTER GetClusterFromResource(HRESOURCE hResource);
CLUSAPI_API HCLUSTER GetClusterFromNetwork(HNETWORK hNetwork);
CLUSAPI_API HCLUSTER GetClusterFromNetInterface(HNETINTERFACE hNetInterface);
CLUSAPI_API DWORD GetClusterNodeId(HNODE hNode, LPWSTR lpszNodeId, LPDWORD lpcchName);
CLUSAPI_API DWORD GetNodeClusterState(LPCWSTR lpszNodeName, LPDWORD pdwClusterState);
CLUSAPI_API DWORD GetClusterQuorumResource(HCLUSTER hCluster, LPWSTR lpszResourceName, LPDWORD lpcchResourceName,
					   LPWSTR lpszDeviceName, LPDWORD lpcchDeviceName,
					   LPDWORD lpdwMaxQuorumLogSize);
CLUSAPI_API DWORD SetClusterQuorumResource(HRESOURCE hResource, LPCWSTR lpszDeviceName, DWORD dwMaxQuoLogSize);
CLUSAPI_API DWORD EvictClusterNodeEx(HNODE hNode, DWORD dwTimeOut, HRESULT *phrCleanupStatus);
CLUSAPI_API DWORD BackupClusterDatabase(HCLUSTER hCluster, LPCWSTR lpszPathName);
CLUSAPI_API DWORD RestoreClusterDatabase(LPCWSTR lpszPathName, BOOL bForce, LPCWSTR lpszQuorumDriveLetter);
CLUSAPI_API DWORD SetClusterServiceAccountPassword(LPCWSTR lpszClusterName, LPCWSTR lpszNewPassword, DWORD dwFlags,
						   PCLUSTER_SET_PASSWORD_STATUS lpReturnStatusBuffer,
						   LPDWORD lpcbReturnStatusBufferSize);
/* ==== end of issue 13 (notify) ============================================== */

/* ---- controls (issue 13, parts 2 and 3): controls of every object kind, networks ---- */
typedef struct _HNETWORKENUM *HNETWORKENUM;

/* ClusterNetworkOpenEnum dwType. */
#define CLUSTER_NETWORK_ENUM_NETINTERFACES 0x00000001u

/* Control codes: object (bits 24-31) | modify (22) | function (2-21) | access. */
#define CLUSCTL_CLUSTER_GET_FQDN 0x0700003Du
#define CLUSCTL_CLUSTER_ENUM_COMMON_PROPERTIES 0x07000051u
#define CLUSCTL_CLUSTER_GET_RO_COMMON_PROPERTIES 0x07000055u
#define CLUSCTL_CLUSTER_GET_COMMON_PROPERTIES 0x07000059u
#define CLUSCTL_CLUSTER_SET_COMMON_PROPERTIES 0x0740005Eu
#define CLUSCTL_CLUSTER_VALIDATE_COMMON_PROPERTIES 0x07000061u
#define CLUSCTL_CLUSTER_ENUM_PRIVATE_PROPERTIES 0x07000079u
#define CLUSCTL_CLUSTER_GET_RO_PRIVATE_PROPERTIES 0x0700007du
#define CLUSCTL_CLUSTER_GET_PRIVATE_PROPERTIES 0x07000081u
#define CLUSCTL_CLUSTER_SET_PRIVATE_PROPERTIES 0x07400086u
#define CLUSCTL_CLUSTER_VALIDATE_PRIVATE_PROPERTIES 0x07000089u

#define CLUSCTL_NODE_GET_CHARACTERISTICS 0x04000005u
#define CLUSCTL_NODE_GET_FLAGS 0x04000009u
#define CLUSCTL_NODE_GET_NAME 0x04000029u
#define CLUSCTL_NODE_GET_ID 0x04000039u
#define CLUSCTL_NODE_ENUM_COMMON_PROPERTIES 0x04000051u
#define CLUSCTL_NODE_GET_RO_COMMON_PROPERTIES 0x04000055u
#define CLUSCTL_NODE_GET_COMMON_PROPERTIES 0x04000059u
#define CLUSCTL_NODE_SET_COMMON_PROPERTIES 0x0440005eu
#define CLUSCTL_NODE_VALIDATE_COMMON_PROPERTIES 0x04000061u
#define CLUSCTL_NODE_ENUM_PRIVATE_PROPERTIES 0x04000079u
#define CLUSCTL_NODE_GET_RO_PRIVATE_PROPERTIES 0x0400007du
#define CLUSCTL_NODE_GET_PRIVATE_PROPERTIES 0x04000081u
#define CLUSCTL_NODE_SET_PRIVATE_PROPERTIES 0x04400086u
#define CLUSCTL_NODE_VALIDATE_PRIVATE_PROPERTIES 0x04000089u

#define CLUSCTL_GROUP_GET_CHARACTERISTICS 0x03000005u
#define CLUSCTL_GROUP_GET_FLAGS 0x03000009u
#define CLUSCTL_GROUP_GET_NAME 0x03000029u
#define CLUSCTL_GROUP_GET_ID 0x03000039u
#define CLUSCTL_GROUP_ENUM_COMMON_PROPERTIES 0x03000051u
#define CLUSCTL_GROUP_GET_RO_COMMON_PROPERTIES 0x03000055u
#define CLUSCTL_GROUP_GET_COMMON_PROPERTIES 0x03000059u
#define CLUSCTL_GROUP_SET_COMMON_PROPERTIES 0x0340005eu
#define CLUSCTL_GROUP_VALIDATE_COMMON_PROPERTIES 0x03000061u
#define CLUSCTL_GROUP_ENUM_PRIVATE_PROPERTIES 0x03000079u
#define CLUSCTL_GROUP_GET_RO_PRIVATE_PROPERTIES 0x0300007du
#define CLUSCTL_GROUP_GET_PRIVATE_PROPERTIES 0x03000081u
#define CLUSCTL_GROUP_SET_PRIVATE_PROPERTIES 0x03400086u
#define CLUSCTL_GROUP_VALIDATE_PRIVATE_PROPERTIES 0x03000089u

#define CLUSCTL_NETWORK_GET_CHARACTERISTICS 0x05000005u
#define CLUSCTL_NETWORK_GET_FLAGS 0x05000009u
#define CLUSCTL_NETWORK_GET_NAME 0x05000029u
#define CLUSCTL_NETWORK_GET_ID 0x05000039u
#define CLUSCTL_NETWORK_ENUM_COMMON_PROPERTIES 0x05000051u
#define CLUSCTL_NETWORK_GET_RO_COMMON_PROPERTIES 0x05000055u
#define CLUSCTL_NETWORK_GET_COMMON_PROPERTIES 0x05000059u
#define CLUSCTL_NETWORK_SET_COMMON_PROPERTIES 0x0540005eu
#define CLUSCTL_NETWORK_VALIDATE_COMMON_PROPERTIES 0x05000061u
#define CLUSCTL_NETWORK_ENUM_PRIVATE_PROPERTIES 0x05000079u
#define CLUSCTL_NETWORK_GET_RO_PRIVATE_PROPERTIES 0x0500007du
#define CLUSCTL_NETWORK_GET_PRIVATE_PROPERTIES 0x05000081u
#define CLUSCTL_NETWORK_SET_PRIVATE_PROPERTIES 0x05400086u
#define CLUSCTL_NETWORK_VALIDATE_PRIVATE_PROPERTIES 0x05000089u

#define CLUSCTL_NETINTERFACE_GET_CHARACTERISTICS 0x06000005u
#define CLUSCTL_NETINTERFACE_GET_FLAGS 0x06000009u
#define CLUSCTL_NETINTERFACE_GET_NAME 0x06000029u
#define CLUSCTL_NETINTERFACE_GET_NODE 0x06000031u
#define CLUSCTL_NETINTERFACE_GET_NETWORK 0x06000035u
#define CLUSCTL_NETINTERFACE_GET_ID 0x06000039u
#define CLUSCTL_NETINTERFACE_ENUM_COMMON_PROPERTIES 0x06000051u
#define CLUSCTL_NETINTERFACE_GET_RO_COMMON_PROPERTIES 0x06000055u
#define CLUSCTL_NETINTERFACE_GET_COMMON_PROPERTIES 0x06000059u
#define CLUSCTL_NETINTERFACE_SET_COMMON_PROPERTIES 0x0640005eu
#define CLUSCTL_NETINTERFACE_VALIDATE_COMMON_PROPERTIES 0x06000061u
#define CLUSCTL_NETINTERFACE_ENUM_PRIVATE_PROPERTIES 0x06000079u
#define CLUSCTL_NETINTERFACE_GET_RO_PRIVATE_PROPERTIES 0x0600007du
#define CLUSCTL_NETINTERFACE_GET_PRIVATE_PROPERTIES 0x06000081u
#define CLUSCTL_NETINTERFACE_SET_PRIVATE_PROPERTIES 0x06400086u
#define CLUSCTL_NETINTERFACE_VALIDATE_PRIVATE_PROPERTIES 0x06000089u

#define CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES 0x0140005eu
#define CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES 0x01400086u

/* Property list syntaxes (CLUSPROP_SYNTAX). */
#define CLUSPROP_SYNTAX_ENDMARK 0x00000000u
#define CLUSPROP_SYNTAX_NAME 0x00040003u
#define CLUSPROP_SYNTAX_LIST_VALUE_BINARY 0x00010001u
#define CLUSPROP_SYNTAX_LIST_VALUE_DWORD 0x00010002u
#define CLUSPROP_SYNTAX_LIST_VALUE_SZ 0x00010003u
#define CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ 0x00010004u
#define CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ 0x00010005u
#define CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER 0x00010006u
#define CLUSPROP_SYNTAX_LIST_VALUE_LONG 0x00010007u

/*
 * Controls, as ClusterResourceControl: hHostNode NULL, the object's own call
 * (ApiClusterControl, ApiNodeControl, ...); otherwise through that node
 * (ApiNodeClusterControl, ...), a handle of the same cluster handle
 * (ERROR_INVALID_HANDLE otherwise).  A code of another object kind, or one
 * the object does not answer: ERROR_INVALID_FUNCTION.  Too small an output
 * buffer: ERROR_MORE_DATA with the size needed in *lpBytesReturned.  SET_*
 * codes need change access (ERROR_ACCESS_DENIED); an input property list is
 * checked whole before anything is written (malformed: ERROR_INVALID_DATA;
 * an unknown or read-only common property: ERROR_INVALID_PARAMETER).
 */
CLUSAPI_API DWORD ClusterControl(HCLUSTER hCluster, HNODE hHostNode, DWORD dwControlCode, LPVOID lpInBuffer,
				 DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
				 LPDWORD lpBytesReturned);
CLUSAPI_API DWORD ClusterNodeControl(HNODE hNode, HNODE hHostNode, DWORD dwControlCode, LPVOID lpInBuffer,
				     DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
				     LPDWORD lpBytesReturned);
CLUSAPI_API DWORD ClusterGroupControl(HGROUP hGroup, HNODE hHostNode, DWORD dwControlCode, LPVOID lpInBuffer,
				      DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
				      LPDWORD lpBytesReturned);
CLUSAPI_API DWORD ClusterNetworkControl(HNETWORK hNetwork, HNODE hHostNode, DWORD dwControlCode, LPVOID lpInBuffer,
					DWORD nInBufferSize, LPVOID lpOutBuffer, DWORD nOutBufferSize,
					LPDWORD lpBytesReturned);
CLUSAPI_API DWORD ClusterNetInterfaceControl(HNETINTERFACE hNetInterface, HNODE hHostNode, DWORD dwControlCode,
					     LPVOID lpInBuffer, DWORD nInBufferSize, LPVOID lpOutBuffer,
					     DWORD nOutBufferSize, LPDWORD lpBytesReturned);

/* The interfaces on a network (CLUSTER_NETWORK_ENUM_NETINTERFACES), taken
 * whole at open as ClusterNodeOpenEnum's. */
CLUSAPI_API HNETWORKENUM ClusterNetworkOpenEnum(HNETWORK hNetwork, DWORD dwType);
CLUSAPI_API DWORD ClusterNetworkGetEnumCount(HNETWORKENUM hNetworkEnum);
CLUSAPI_API DWORD ClusterNetworkEnum(HNETWORKENUM hNetworkEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszName,
				     LPDWORD lpcchName);
CLUSAPI_API DWORD ClusterNetworkCloseEnum(HNETWORKENUM hNetworkEnum);
/* Rename a network: its interfaces follow.  A name in use:
 * ERROR_OBJECT_ALREADY_EXISTS; the Pacemaker backend cannot rename its
 * networks (corosync's rings): ERROR_NOT_SUPPORTED. */
CLUSAPI_API DWORD SetClusterNetworkName(HNETWORK hNetwork, LPCWSTR lpszName);
CLUSAPI_API DWORD GetClusterNetworkId(HNETWORK hNetwork, LPWSTR lpszNetworkId, LPDWORD lpcchName);
/* Every network of the cluster once, most preferred first (handles of
 * hCluster): another count or a network twice is ERROR_INVALID_PARAMETER.
 * ClusterOpenEnum(CLUSTER_ENUM_INTERNAL_NETWORK) lists them in this order. */
CLUSAPI_API DWORD SetClusterNetworkPriorityOrder(HCLUSTER hCluster, DWORD NetworkCount, HNETWORK NetworkList[]);
/* The name of a node's interface on a network: ERROR_CLUSTER_NODE_NOT_FOUND,
 * ERROR_CLUSTER_NETWORK_NOT_FOUND, or ERROR_CLUSTER_NETINTERFACE_NOT_FOUND
 * when the node has none there; ERROR_MORE_DATA with the length needed. */
CLUSAPI_API DWORD GetClusterNetInterface(HCLUSTER hCluster, LPCWSTR lpszNodeName, LPCWSTR lpszNetworkName,
					 LPWSTR lpszInterfaceName, LPDWORD lpcchInterfaceName);

#ifdef __cplusplus
}
#endif

#endif /* CLUSAPI_H */
