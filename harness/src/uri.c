/* Selecting a token by PKCS#11 URI (uri.h). */
#include "uri.h"

#include <stdlib.h>
#include <string.h>

#include "sigaudit/buf.h"
#include "sigaudit/guard.h"
#include "sigaudit/p11.h"

/* Object attributes (object=, id=, type=) are parsed so that p11-kit counts
 * them as recognised: a URI copied from a key ("pkcs11:token=x;object=k")
 * then selects the key's token instead of matching nothing, because p11-kit's
 * match functions refuse a URI with any unrecognised part. The object part
 * plays no role in token selection. library-version needs its own flag. */
#define SA_URI_PARSE_FLAGS                                                     \
	(P11_KIT_URI_FOR_OBJECT_ON_TOKEN_AND_MODULE | P11_KIT_URI_FOR_SLOT |   \
	 P11_KIT_URI_FOR_MODULE_WITH_VERSION)

/* How many token labels a "no token matches" message lists. */
#define SA_URI_LABELS_SHOWN 8

/* Messages here do not quote the URI: it may hold a PIN (the checks below
 * cannot recognise a misspelt or percent-encoded pin-value), and the caller
 * knows where the URI came from (the profile names its line). */
int sa_uri_parse_token(P11KitUri **out, const char *uri, sa_error *err)
{
	P11KitUri *u = NULL;
	int prc;
	int rc = SA_E_INVALID;

	*out = NULL;
	SA_ENSURE(uri != NULL, err, SA_E_INVALID, "bad token URI: none given");
	/* A profile's URI ends up in results.json; PINs come from an
	 * environment variable or a file only. */
	SA_ENSURE(strstr(uri, "pin-value") == NULL &&
	              strstr(uri, "pin-source") == NULL,
	          err, SA_E_INVALID,
	          "bad token URI: pin-value and pin-source are not accepted "
	          "(use user_pin_env or user_pin_file)");
	/* RFC 7512 query attributes say where the PIN and the module are:
	 * the profile's own keys say that. A vendor query would be accepted
	 * and ignored by p11-kit, and could carry anything. */
	SA_ENSURE(strchr(uri, '?') == NULL, err, SA_E_INVALID,
	          "bad token URI: query attributes (after '?') are not "
	          "accepted (the module and PINs have their own keys)");
	u = p11_kit_uri_new();
	SA_ENSURE(u != NULL, err, SA_E_NOMEM, "out of memory");
	prc = p11_kit_uri_parse(uri, SA_URI_PARSE_FLAGS, u);
	SA_ENSURE(prc == P11_KIT_URI_OK, err, SA_E_INVALID, "bad token URI: %s",
	          p11_kit_uri_message(prc));
	SA_ENSURE(!p11_kit_uri_any_unrecognized(u), err, SA_E_INVALID,
	          "bad token URI: an attribute is not a token, slot, library "
	          "or object attribute of RFC 7512");
	*out = u;
	u = NULL;
	rc = SA_OK;
out:
	p11_kit_uri_free(u);
	return rc;
}

/* p11-kit compares the blank-padded fields byte for byte. A module that pads
 * with NULs breaks PKCS#11 v2.40 3.2 (CK_TOKEN_INFO: blank-padded, not
 * NUL-terminated); the P11-SLOT cases report that. Selection must still find
 * the token, or every case would end in error instead of that one failing. */
static void blank_pad(CK_UTF8CHAR *field, size_t len)
{
	while (len > 0 && field[len - 1] == '\0')
		field[--len] = ' ';
}

/* Whether the URI says anything about the library or the slot: only then are
 * C_GetInfo and C_GetSlotInfo called, so that a module that crashes in one of
 * them still has its token selected and its other cases run. */
static bool constrains_module(P11KitUri *u, P11KitUri *empty)
{
	return memcmp(p11_kit_uri_get_module_info(u),
	              p11_kit_uri_get_module_info(empty), sizeof(CK_INFO)) != 0;
}

static bool constrains_slot(P11KitUri *u, P11KitUri *empty)
{
	return memcmp(p11_kit_uri_get_slot_info(u),
	              p11_kit_uri_get_slot_info(empty),
	              sizeof(CK_SLOT_INFO)) != 0;
}

static bool match_token(const P11KitUri *u, const CK_TOKEN_INFO *ti)
{
	CK_TOKEN_INFO t = *ti;

	blank_pad(t.label, sizeof(t.label));
	blank_pad(t.manufacturerID, sizeof(t.manufacturerID));
	blank_pad(t.model, sizeof(t.model));
	blank_pad(t.serialNumber, sizeof(t.serialNumber));
	return p11_kit_uri_match_token_info(u, &t) == 1;
}

bool sa_uri_match_token(const char *uri, const CK_TOKEN_INFO *ti)
{
	P11KitUri *u = NULL;
	bool ok = false;

	if (ti == NULL || sa_uri_parse_token(&u, uri, NULL) < 0)
		goto out;
	ok = match_token(u, ti);
out:
	p11_kit_uri_free(u);
	return ok;
}

/* Slots with a token present. PKCS#11 v2.40 5.2: the size query and the fill
 * are two calls, and a token inserted in between makes the second one return
 * CKR_BUFFER_TOO_SMALL; then ask again. */
static int slot_list(CK_FUNCTION_LIST_PTR f, CK_SLOT_ID **out, CK_ULONG *count,
                     sa_error *err)
{
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0, got = 0;
	CK_RV rv = CKR_BUFFER_TOO_SMALL;
	int rc = SA_E_CKR;

	*out = NULL;
	*count = 0;
	for (int attempt = 0; attempt < 3 && rv == CKR_BUFFER_TOO_SMALL;
	     attempt++) {
		n = 0;
		SA_TRY_CKR(f->C_GetSlotList(CK_TRUE, NULL, &n), err,
		           "C_GetSlotList(size)");
		SA_ENSURE(n <= SA_URI_MAX_SLOTS, err, SA_E_RANGE,
		          "C_GetSlotList: the module reports %lu slots "
		          "(more than %u)",
		          (unsigned long)n, SA_URI_MAX_SLOTS);
		free(slots);
		slots = NULL;
		if (n == 0) {
			rv = CKR_OK;
			got = 0;
			break;
		}
		slots = calloc(n, sizeof(*slots));
		SA_ENSURE(slots != NULL, err, SA_E_NOMEM, "out of memory");
		got = n;
		rv = f->C_GetSlotList(CK_TRUE, slots, &got);
	}
	SA_TRY_CKR(rv, err, "C_GetSlotList");
	/* More than fitted means the module wrote past our buffer or lied
	 * about the count; either way no slot ID here can be trusted. */
	SA_ENSURE(got <= n, err, SA_E_MODULE,
	          "C_GetSlotList: %lu slots returned into room for %lu",
	          (unsigned long)got, (unsigned long)n);
	*out = slots;
	*count = got;
	slots = NULL;
	rc = SA_OK;
out:
	free(slots);
	return rc;
}

static void add_label(sa_buf *seen, size_t nth, const CK_TOKEN_INFO *ti)
{
	char label[sizeof(ti->label) + 1];

	if (nth > SA_URI_LABELS_SHOWN)
		return;
	if (nth > 0)
		sa_buf_append_str(seen, ", ");
	if (nth == SA_URI_LABELS_SHOWN) {
		sa_buf_append_str(seen, "...");
		return;
	}
	sa_p11_str(label, sizeof(label), ti->label, sizeof(ti->label));
	sa_buf_appendf(seen, "'%s'", label);
}

int sa_uri_select_slot(CK_FUNCTION_LIST_PTR f, const char *uri, CK_SLOT_ID *out,
                       sa_error *err)
{
	P11KitUri *u = NULL;
	P11KitUri *empty = NULL;
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0;
	CK_SLOT_ID want_id, found = 0;
	sa_buf seen = SA_BUF_INIT;
	size_t tokens = 0, matches = 0;
	bool module_ok = true;
	int rc = SA_E_INVALID;

	SA_ENSURE(f != NULL && out != NULL, err, SA_E_INVALID,
	          "sa_uri_select_slot: no module");
	SA_TRY(sa_uri_parse_token(&u, uri, err));
	empty = p11_kit_uri_new();
	SA_ENSURE(empty != NULL, err, SA_E_NOMEM, "out of memory");

	if (constrains_module(u, empty)) {
		CK_INFO info;
		SA_TRY_CKR(f->C_GetInfo(&info), err, "C_GetInfo");
		blank_pad(info.manufacturerID, sizeof(info.manufacturerID));
		blank_pad(info.libraryDescription,
		          sizeof(info.libraryDescription));
		module_ok = p11_kit_uri_match_module_info(u, &info) == 1;
	}
	SA_TRY(slot_list(f, &slots, &n, err));
	want_id = p11_kit_uri_get_slot_id(u);

	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		CK_RV rv = f->C_GetTokenInfo(slots[i], &ti);

		/* Removed since C_GetSlotList: not a candidate. */
		if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_SLOT_ID_INVALID ||
		    rv == CKR_DEVICE_REMOVED)
			continue;
		SA_TRY_CKR(rv, err, "C_GetTokenInfo");
		add_label(&seen, tokens++, &ti);
		if (!module_ok)
			continue;
		if (want_id != (CK_SLOT_ID)-1 && slots[i] != want_id)
			continue;
		if (constrains_slot(u, empty)) {
			CK_SLOT_INFO si;
			SA_TRY_CKR(f->C_GetSlotInfo(slots[i], &si), err,
			           "C_GetSlotInfo");
			blank_pad(si.slotDescription,
			          sizeof(si.slotDescription));
			blank_pad(si.manufacturerID, sizeof(si.manufacturerID));
			if (p11_kit_uri_match_slot_info(u, &si) != 1)
				continue;
		}
		if (!match_token(u, &ti))
			continue;
		matches++;
		found = slots[i];
	}
	SA_ENSURE(sa_buf_ok(&seen), err, SA_E_NOMEM, "out of memory");
	SA_ENSURE(matches > 0, err, SA_E_NOTFOUND,
	          "no token matches %s (tokens seen: %s)%s", uri,
	          tokens > 0 ? sa_buf_cstr(&seen) : "none",
	          module_ok ? ""
	                    : "; the module's library attributes do not "
	                      "match the URI");
	SA_ENSURE(matches == 1, err, SA_E_INVALID,
	          "%s matches %zu tokens; add serial= to the URI", uri,
	          matches);
	*out = found;
	rc = SA_OK;
out:
	sa_buf_free(&seen);
	free(slots);
	p11_kit_uri_free(empty);
	p11_kit_uri_free(u);
	return rc;
}
