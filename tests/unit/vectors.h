/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DCE/RPC PDUs captured (tshark) from Samba clients talking to clusterd; the
 * hex is in tests/data/samba-session.tsv, frame numbers as there. */
#ifndef TESTS_UNIT_VECTORS_H
#define TESTS_UNIT_VECTORS_H

#include <stddef.h>
#include <stdint.h>

/* frame 4 (43344 -> 135): bind to the endpoint mapper (e1af8308 v3, NDR), call_id 1, max frags 4280 */
extern const uint8_t vec_epm_bind[72];
/* frame 6 (135 -> 43344): bind_ack from clusterd on port 135 (sec_addr "135", assoc group 0x12340) */
extern const uint8_t vec_epm_bind_ack[60];
/* frame 8 (43344 -> 135): ept_map request (opnum 3) asking for clusapi b97db8b2 v3 over ncacn_ip_tcp */
extern const uint8_t vec_ept_map_req[140];
/* frame 9 (135 -> 43344): ept_map response: one tower, TCP port 46099 */
extern const uint8_t vec_ept_map_resp[152];
/* frame 16 (33436 -> 46099): bind to clusapi (b97db8b2-4c63-11cf-bff6-08002be23f2f v3, NDR), call_id 3 */
extern const uint8_t vec_cmrp_bind[72];
/* frame 20 (33436 -> 46099): ApiOpenCluster request (opnum 0), empty stub */
extern const uint8_t vec_open_cluster_req[24];
/* frame 21 (46099 -> 33436): ApiOpenCluster response: Status 0 and a context handle */
extern const uint8_t vec_open_cluster_resp[48];
/* frame 22 (33436 -> 46099): ApiCloseCluster request (opnum 1) with that handle */
extern const uint8_t vec_close_cluster_req[44];
/* frame 23 (46099 -> 33436): ApiCloseCluster response: zeroed handle, result 0 */
extern const uint8_t vec_close_cluster_resp[48];
/* frame 43 (33452 -> 46099): ApiGetClusterName request (opnum 3), empty stub */
extern const uint8_t vec_get_cluster_name_req[24];
/* frame 44 (46099 -> 33452): ApiGetClusterName response: "vm-cluster", node "vm", result 0 */
extern const uint8_t vec_get_cluster_name_resp[92];
/* frame 64 (33466 -> 46099): ApiGetClusterVersion2 request (opnum 102), empty stub */
extern const uint8_t vec_get_version2_req[24];
/* frame 65 (46099 -> 33466): ApiGetClusterVersion2 response: 10.0.14393, vendor, CSD, level 0x90000 */
extern const uint8_t vec_get_version2_resp[168];
/* frame 78 (33478 -> 46099): bind to clusapi with two contexts: NDR, and bind-time feature negotiation (features 3) */
extern const uint8_t vec_btfn_bind[116];
/* frame 80 (46099 -> 33478): bind_ack: context 0 accepted, context 1 negotiate_ack (KEEP_ON_ORPHAN) */
extern const uint8_t vec_btfn_bind_ack[84];
/* frame 88 (33478 -> 46099): ApiSetClusterName request (opnum 2): "vm-cluster" */
extern const uint8_t vec_set_cluster_name_req[58];
/* frame 89 (46099 -> 33478): ApiSetClusterName response: rpc_status 0, result 5024 */
extern const uint8_t vec_set_cluster_name_resp[32];

#endif
