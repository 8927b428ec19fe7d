/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusapi.h - the Windows Failover Cluster management API, for Linux.
 *
 * Names, types and error codes follow Microsoft's clusapi.h so that code written
 * for Windows compiles here.  Strings are UTF-16 (WCHAR is char16_t): write
 * literals as u"Cluster Name", not L"..." (wchar_t is 32 bits on Linux).
 *
 * Every function is thread-safe.  A handle may be used from any thread; calls on
 * one cluster handle are serialised on its connection.
 *
 * Functions whose names start with "Clusapi" are extensions that Windows does not
 * have; they are documented here and in doc/api.md.
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
typedef char16_t WCHAR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef DWORD *LPDWORD;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* ---- handles ----------------------------------------------------------- */
typedef struct _HCLUSTER *HCLUSTER;

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
 * socket: $CLUSAPI_LPC_SOCKET, else CLUSAPI_DEFAULT_LPC_SOCKET); the kernel tells
 * the server who the caller is.  Otherwise a cluster or node name: short host
 * name, FQDN, IPv4 or IPv6 literal, reached over RPC on TCP through the endpoint
 * mapper (port 135, or $CLUSAPI_EPMAPPER_PORT).
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

/* ---- last error (thread-local, as on Windows) -------------------------- */
CLUSAPI_API DWORD GetLastError(void);
CLUSAPI_API void SetLastError(DWORD dwErrCode);

/* ---- extensions (not in Windows) --------------------------------------- */

/* The built-in LPC socket path (overridden by $CLUSAPI_LPC_SOCKET). */
#define CLUSAPI_DEFAULT_LPC_SOCKET "/run/clusterd/lpc.sock"

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
 * UTF-8 <-> UTF-16 conversions for programs that keep text in UTF-8.  The result
 * is allocated with malloc (free it with free()); NULL with ERROR_INVALID_DATA on
 * ill-formed input or ERROR_NOT_ENOUGH_MEMORY.
 */
CLUSAPI_API LPWSTR ClusapiUtf8ToWide(const char *utf8);
CLUSAPI_API char *ClusapiWideToUtf8(LPCWSTR wide);

#ifdef __cplusplus
}
#endif

#endif /* CLUSAPI_H */
