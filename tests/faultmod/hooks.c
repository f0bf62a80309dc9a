/* sa_faultmod: the named faults on library, slot, token, mechanism and session
 * information (README.md). Each hook calls the target, then breaks exactly
 * the rule its fault names; with the fault off it is a plain forwarder. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "faultmod.h"

/* CKM_VENDOR_DEFINED | 0x1234: listed, but no information about it. */
#define PHANTOM_MECH ((CK_MECHANISM_TYPE)0x80001234UL)
/* Undefined in every version of CK_SLOT_INFO.flags (B2.40 §3.2, Table 9). */
#define BAD_SLOT_FLAG 0x100UL
/* Undefined in every version of CK_TOKEN_INFO.flags (B2.40 §3.2, Table 11). */
#define BAD_TOKEN_FLAG 0x10UL
/* 16 characters, like a real utcTime, but not YYYYMMDDhhmmss00. */
static const char bad_utctime[16] = "2026-13-45......";

#define MIN_(a, b) ((a) < (b) ? (a) : (b))

/* Character fields are padded with blanks, never NUL (B2.40 §3.1-3.2): turn
 * the trailing blanks into NUL. A field with no trailing blank loses its last
 * byte instead, so that the fault is visible on every target. */
static void nul_pad(CK_UTF8CHAR *field, size_t len)
{
	size_t n = len;

	while (n > 0 && field[n - 1] == ' ')
		n--;
	if (n == len)
		n = len - 1;
	memset(field + n, 0, len - n);
}

CK_RV sa_fm_hook_C_Initialize(CK_VOID_PTR init_args)
{
	CK_RV rv = sa_fm_real->C_Initialize(init_args);

	if (rv == CKR_OK) {
		sa_fm_logout_reset();
		sa_fm_keys_reset();
		sa_fm_sig_reset();
	}
	return rv;
}

CK_RV sa_fm_hook_C_Finalize(CK_VOID_PTR reserved)
{
	CK_RV rv = sa_fm_real->C_Finalize(reserved);

	if (rv == CKR_OK) {
		sa_fm_logout_reset();
		sa_fm_keys_reset();
		sa_fm_sig_reset();
	}
	return rv;
}

CK_RV sa_fm_hook_C_GetInfo(CK_INFO_PTR info)
{
	CK_RV rv = sa_fm_real->C_GetInfo(info);

	if (rv != CKR_OK || info == NULL)
		goto out;
	if (sa_fm_on(SA_FM_NAMED_INFO_NUL_PADDING)) {
		nul_pad(info->manufacturerID, sizeof(info->manufacturerID));
		nul_pad(info->libraryDescription,
		        sizeof(info->libraryDescription));
	}
	if (sa_fm_on(SA_FM_NAMED_INFO_FLAGS))
		info->flags = 0x1;
	/* Our function list always says 2.40 (faultmod.c). */
	if (sa_fm_on(SA_FM_NAMED_INFO_VERSION_MISMATCH)) {
		info->cryptokiVersion.major = 2;
		info->cryptokiVersion.minor = 20;
	}
out:
	return rv;
}

CK_RV sa_fm_hook_C_GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR slots,
                               CK_ULONG_PTR count)
{
	CK_ULONG cap = count != NULL ? *count : 0;
	CK_SLOT_ID_PTR all = NULL;
	CK_ULONG n;
	CK_RV rv = sa_fm_real->C_GetSlotList(present, slots, count);

	/* Both faults concern only a real buffer that is too small: the
	 * target must then say CKR_BUFFER_TOO_SMALL and set *pulCount to the
	 * size needed (B2.40 §5.2). */
	if (rv != CKR_BUFFER_TOO_SMALL || slots == NULL || count == NULL)
		goto out;
	if (sa_fm_on(SA_FM_NAMED_SLOTLIST_OVERFLOW_OK)) {
		n = *count;
		all = calloc(n > 0 ? n : 1, sizeof(*all));
		if (all == NULL)
			goto out;
		rv = sa_fm_real->C_GetSlotList(present, all, &n);
		if (rv != CKR_OK)
			goto out;
		n = MIN_(n, cap);
		memcpy(slots, all, n * sizeof(*all));
		*count = n;
	} else if (sa_fm_on(SA_FM_NAMED_SLOTLIST_NO_COUNT_UPDATE)) {
		*count = cap;
	}
out:
	free(all);
	return rv;
}

CK_RV sa_fm_hook_C_GetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info)
{
	CK_RV rv = sa_fm_real->C_GetSlotInfo(slot, info);

	if (rv != CKR_OK || info == NULL)
		goto out;
	if (sa_fm_on(SA_FM_NAMED_SLOT_NUL_PADDING))
		nul_pad(info->slotDescription, sizeof(info->slotDescription));
	if (sa_fm_on(SA_FM_NAMED_SLOT_BAD_FLAGS))
		info->flags |= BAD_SLOT_FLAG;
out:
	return rv;
}

CK_RV sa_fm_hook_C_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
	CK_RV rv = sa_fm_real->C_GetTokenInfo(slot, info);

	if (rv != CKR_OK || info == NULL)
		goto out;
	if (sa_fm_on(SA_FM_NAMED_TOKEN_NUL_PADDING)) {
		nul_pad(info->label, sizeof(info->label));
		nul_pad(info->manufacturerID, sizeof(info->manufacturerID));
		nul_pad(info->model, sizeof(info->model));
		nul_pad(info->serialNumber, sizeof(info->serialNumber));
	}
	if (sa_fm_on(SA_FM_NAMED_TOKEN_BAD_FLAGS))
		info->flags |= BAD_TOKEN_FLAG;
	if (sa_fm_on(SA_FM_NAMED_TOKEN_PIN_LEN_INVERTED)) {
		CK_ULONG lo = info->ulMinPinLen, hi = info->ulMaxPinLen;

		if (lo < hi) {
			info->ulMinPinLen = hi;
			info->ulMaxPinLen = lo;
		} else if (lo == hi && hi < ULONG_MAX) {
			info->ulMinPinLen = hi + 1;
		} else if (lo == hi) {
			info->ulMaxPinLen = lo - 1;
		}
	}
	if (sa_fm_on(SA_FM_NAMED_TOKEN_BAD_UTCTIME)) {
		info->flags |= CKF_CLOCK_ON_TOKEN;
		memcpy(info->utcTime, bad_utctime, sizeof(info->utcTime));
	}
	/* 1 is neither CK_EFFECTIVELY_INFINITE (0) nor
	 * CK_UNAVAILABLE_INFORMATION, so 5 open sessions cannot be. */
	if (sa_fm_on(SA_FM_NAMED_TOKEN_SESSION_COUNT_INCONSISTENT)) {
		info->ulMaxSessionCount = 1;
		info->ulSessionCount = 5;
	}
	if (sa_fm_on(SA_FM_NAMED_PIN_FLAGS_STUCK))
		info->flags |= CKF_USER_PIN_COUNT_LOW;
out:
	return rv;
}

CK_RV sa_fm_hook_C_GetMechanismList(CK_SLOT_ID slot,
                                    CK_MECHANISM_TYPE_PTR mechs,
                                    CK_ULONG_PTR count)
{
	CK_ULONG cap = count != NULL ? *count : 0;
	CK_RV rv;

	if (sa_fm_spec.n_unlist > 0 && count != NULL) {
		CK_ULONG n = 0, k = 0, i;
		CK_MECHANISM_TYPE *all;
		size_t j;
		rv = sa_fm_real->C_GetMechanismList(slot, NULL, &n);
		if (rv != CKR_OK)
			return rv;
		all = calloc(n + 1, sizeof(*all));
		if (all == NULL)
			return CKR_HOST_MEMORY;
		rv = sa_fm_real->C_GetMechanismList(slot, all, &n);
		for (i = 0; rv == CKR_OK && i < n; i++) {
			bool drop = false;
			for (j = 0; j < sa_fm_spec.n_unlist; j++)
				drop = drop || all[i] == sa_fm_spec.unlist[j];
			if (!drop)
				all[k++] = all[i];
		}
		if (rv == CKR_OK && sa_fm_on(SA_FM_NAMED_MECH_LIST_PHANTOM))
			all[k++] = PHANTOM_MECH;
		if (rv == CKR_OK && mechs != NULL) {
			if (k > cap)
				rv = CKR_BUFFER_TOO_SMALL;
			else
				memcpy(mechs, all, k * sizeof(*all));
		}
		*count = k;
		free(all);
		return rv;
	}
	rv = sa_fm_real->C_GetMechanismList(slot, mechs, count);

	if (!sa_fm_on(SA_FM_NAMED_MECH_LIST_PHANTOM) || count == NULL)
		goto out;
	/* One more entry than the target has, with the output-buffer
	 * convention kept intact (B2.40 §5.2). */
	if (rv == CKR_OK && mechs != NULL) {
		if (*count < cap)
			mechs[*count] = PHANTOM_MECH;
		else
			rv = CKR_BUFFER_TOO_SMALL;
		*count += 1;
	} else if (rv == CKR_OK || rv == CKR_BUFFER_TOO_SMALL) {
		*count += 1;
	}
out:
	return rv;
}

CK_RV sa_fm_hook_C_GetMechanismInfo(CK_SLOT_ID slot, CK_MECHANISM_TYPE type,
                                    CK_MECHANISM_INFO_PTR info)
{
	CK_RV rv;

	if (sa_fm_on(SA_FM_NAMED_MECH_LIST_PHANTOM) && type == PHANTOM_MECH) {
		rv = CKR_MECHANISM_INVALID;
		goto out;
	}
	for (size_t j = 0; j < sa_fm_spec.n_unlist; j++)
		if (type == sa_fm_spec.unlist[j])
			return CKR_MECHANISM_INVALID;
	rv = sa_fm_real->C_GetMechanismInfo(slot, type, info);
	if (rv != CKR_OK || info == NULL)
		goto out;
	for (size_t j = 0; j < sa_fm_spec.n_unflag; j++)
		if (type == sa_fm_spec.unflag_mech[j])
			info->flags &= ~sa_fm_spec.unflag_bits[j];
	for (size_t j = 0; j < sa_fm_spec.n_flag; j++)
		if (type == sa_fm_spec.flag_mech[j])
			info->flags |= sa_fm_spec.flag_bits[j];
	/* Only where key sizes mean something: max 0 is "no key" for
	 * digests and the like. */
	if (sa_fm_on(SA_FM_NAMED_MECH_MINMAX_INVERTED) &&
	    info->ulMaxKeySize > 0) {
		CK_ULONG lo = info->ulMinKeySize, hi = info->ulMaxKeySize;

		if (lo < hi) {
			info->ulMinKeySize = hi;
			info->ulMaxKeySize = lo;
		} else if (lo == hi && hi < ULONG_MAX) {
			info->ulMinKeySize = hi + 1;
		} else if (lo == hi) {
			info->ulMaxKeySize = lo - 1;
		}
	}
out:
	return rv;
}

CK_RV sa_fm_hook_C_GetSessionInfo(CK_SESSION_HANDLE s, CK_SESSION_INFO_PTR info)
{
	CK_RV rv = sa_fm_real->C_GetSessionInfo(s, info);

	if (rv != CKR_OK || info == NULL)
		goto out;
	if (sa_fm_on(SA_FM_NAMED_SESSION_STATE_PUBLIC))
		info->state = (info->flags & CKF_RW_SESSION)
		                  ? CKS_RW_PUBLIC_SESSION
		                  : CKS_RO_PUBLIC_SESSION;
	/* There is no read-only SO state: an SO session becomes RO public. */
	if (sa_fm_on(SA_FM_NAMED_SESSION_STATE_RW_AS_RO)) {
		info->flags &= ~(CK_FLAGS)CKF_RW_SESSION;
		if (info->state == CKS_RW_PUBLIC_SESSION ||
		    info->state == CKS_RW_SO_FUNCTIONS)
			info->state = CKS_RO_PUBLIC_SESSION;
		else if (info->state == CKS_RW_USER_FUNCTIONS)
			info->state = CKS_RO_USER_FUNCTIONS;
	}
out:
	return rv;
}
