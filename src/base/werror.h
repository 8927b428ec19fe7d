/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Windows error codes: the numbers come from the public header (one source of
 * truth); this file adds the NDR/RPC fault status values and the sentences. */
#ifndef BASE_WERROR_H
#define BASE_WERROR_H

#include "clusapi.h"

/* DCE/RPC fault status values (C706 appendix E, MS-RPCE 2.2.2.11) */
#define NCA_S_OP_RNG_ERROR          0x1c010002u
#define NCA_S_UNK_IF                0x1c010003u
#define NCA_S_PROTO_ERROR           0x1c01000bu
#define NCA_S_FAULT_CONTEXT_MISMATCH 0x1c00001au
#define NCA_S_FAULT_NDR             0x000006f7u
#define NCA_S_FAULT_REMOTE_NO_MEMORY 0x1c000012u
#define NCA_S_FAULT_ACCESS_DENIED   0x00000005u
#define EPT_S_NOT_REGISTERED_STATUS 0x16c9a0d6u

/* Map a fault status from the wire to the Windows error a caller sees. */
DWORD werror_from_fault(uint32_t fault_status);

/* Sentences and names; never NULL for the sentence. */
const char *werror_message(DWORD code);
const char *werror_name(DWORD code);

/* Thread-local last error. */
DWORD werror_get_last(void);
void werror_set_last(DWORD code);

#endif
