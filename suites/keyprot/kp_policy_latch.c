/* Key protection: the one-way attributes latch (KP-03). Descriptions and
 * references: kp_policy.c. */
#include <stdio.h>

#include "sigaudit/guard.h"

#include "kp_policy_int.h"
#include "kp_util.h"

/* One latched attribute: a key is made with `type` = `from`, and the case
 * asks for the forbidden direction !from. */
struct latch {
	const char *name;
	CK_ATTRIBUTE_TYPE type;
	bool from;
	sa_kp_opts opts;
};

/* B2.40 common key attribute footnotes 11 and 12 and the
 * CKA_WRAP_WITH_TRUSTED description: SENSITIVE and WRAP_WITH_TRUSTED cannot
 * go back to FALSE once TRUE; EXTRACTABLE cannot go back to TRUE once
 * FALSE. Each key is otherwise as open as possible, so that a broken latch
 * would really expose it. */
static const struct latch latches[] = {
    {"CKA_SENSITIVE TRUE->FALSE",
     CKA_SENSITIVE,
     true,
     {.private_obj = SA_KP_TRUE,
      .sensitive = SA_KP_TRUE,
      .extractable = SA_KP_TRUE,
      .label = "sigaudit-kp03"}},
    {"CKA_EXTRACTABLE FALSE->TRUE",
     CKA_EXTRACTABLE,
     false,
     {.private_obj = SA_KP_TRUE,
      .sensitive = SA_KP_FALSE,
      .extractable = SA_KP_FALSE,
      .label = "sigaudit-kp03"}},
    {"CKA_WRAP_WITH_TRUSTED TRUE->FALSE",
     CKA_WRAP_WITH_TRUSTED,
     true,
     {.private_obj = SA_KP_TRUE,
      .sensitive = SA_KP_TRUE,
      .extractable = SA_KP_TRUE,
      .wrap_with_trusted = SA_KP_TRUE,
      .label = "sigaudit-kp03"}},
};

/* Keys made by import_latched in this case process (one case per
 * process). */
static int n_made;

/* The key of one attempt: the known AES-256 key when the token imports it;
 * else a key the key source generates with the same attributes; else an
 * RSA-2048 private key made either way (the latch rules are the same for
 * private keys, B2.40 §4.9 footnotes 11, 12). SA_E_UNSUPPORTED with a
 * note when the token makes none of them. */
static int import_latched(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          const struct latch *l, CK_OBJECT_HANDLE *out)
{
	static bool noted;
	const char *why = NULL;
	char what[160], aes_why[256];
	bool known = false;
	CK_RV rv;
	int rc;

	snprintf(what, sizeof(what), "C_CreateObject(AES-256 with %s=%s)",
	         sa_p11_attr_name(l->type), l->from ? "TRUE" : "FALSE");
	rv = sa_kp_src_try(ctx, s, SA_KP_AES256, &l->opts, out, NULL, &known,
	                   &why);
	if (rv == CKR_OK || why == NULL) {
		if (rv == CKR_OK && !known && !noted) {
			noted = true;
			sa_case_note(ctx, "the token refused to import the AES "
			                  "test keys: keys generated on the "
			                  "token with the same attributes are "
			                  "used");
		}
		if (rv == CKR_OK)
			n_made++;
		return sa_kp_setup(ctx, rv, what);
	}
	snprintf(aes_why, sizeof(aes_why), "%s", why);
	rv = sa_kp_src_try(ctx, s, SA_KP_RSA2048, &l->opts, out, NULL, &known,
	                   &why);
	if (rv == CKR_OK) {
		if (!noted) {
			noted = true;
			sa_case_note(ctx,
			             "%s; RSA-2048 private keys (%s) are used "
			             "instead",
			             aes_why,
			             known ? "imported"
			                   : "generated on the token");
		}
		n_made++;
		return SA_OK;
	}
	if (why == NULL) {
		snprintf(what, sizeof(what),
		         "C_CreateObject(RSA-2048 private key with %s=%s)",
		         sa_p11_attr_name(l->type), l->from ? "TRUE" : "FALSE");
		return sa_kp_setup(ctx, rv, what);
	}
	/* Checks made on other latches stand: only a case that could make
	 * no key at all is skipped (sa_kp03_latching). */
	sa_case_note(ctx, "%s not checked: %s; %s", l->name, aes_why, why);
	rc = SA_E_UNSUPPORTED;
	return rc;
}

static int latch_set(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                     const struct latch *l)
{
	int rc;

	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	CK_BBOOL to = l->from ? CK_FALSE : CK_TRUE;
	CK_ATTRIBUTE a = {l->type, &to, sizeof(to)};
	char what[200];
	CK_RV rv;

	rc = import_latched(ctx, s, l, &key);
	if (rc < 0)
		goto out;
	/* "It becomes a read only attribute" (footnotes 11, 12):
	 * CKR_ATTRIBUTE_READ_ONLY (B2.40 §4.1.2, §5.7.6). */
	snprintf(what, sizeof(what), "C_SetAttributeValue %s", l->name);
	rv = sa_case_p11(ctx)->C_SetAttributeValue(s, key, &a, 1);
	sa_p11_check_rv(ctx, what, rv, CKR_ATTRIBUTE_READ_ONLY, SA_STRICT_ONLY);
	snprintf(what, sizeof(what),
	         "value re-read unchanged after C_SetAttributeValue %s",
	         l->name);
	sa_kp_check_bool(ctx, s, key, l->type, l->from, what);
out:
	sa_p11_destroy(ctx, s, &key);
	return rc;
}

static void latch_copy(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                       const struct latch *l)
{
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE, copy = CK_INVALID_HANDLE;
	CK_BBOOL to = l->from ? CK_FALSE : CK_TRUE;
	CK_BBOOL no = CK_FALSE;
	/* CKA_TOKEN FALSE: whatever the token does, the copy stays a
	 * session object. */
	CK_ATTRIBUTE tmpl[] = {
	    {CKA_TOKEN, &no, sizeof(no)},
	    {l->type, &to, sizeof(to)},
	};
	char what[200];
	CK_RV rv;

	if (import_latched(ctx, s, l, &key) < 0)
		goto out;
	/* C_CopyObject may change only what could "ordinarily be modified"
	 * (B2.40 §5.7.2, §4.1.3); a template incompatible with the object
	 * is CKR_TEMPLATE_INCONSISTENT, hence the lenient code. */
	snprintf(what, sizeof(what), "C_CopyObject %s", l->name);
	rv = sa_case_p11(ctx)->C_CopyObject(s, key, tmpl, SA_COUNTOF(tmpl),
	                                    &copy);
	sa_p11_check_rv(ctx, what, rv, CKR_ATTRIBUTE_READ_ONLY,
	                SA_LENIENT(CKR_TEMPLATE_INCONSISTENT));
	if (rv == CKR_OK) {
		snprintf(what, sizeof(what), "the copy made despite %s",
		         l->name);
		sa_kp_check_bool(ctx, s, copy, l->type, l->from, what);
	} else {
		copy = CK_INVALID_HANDLE;
	}
	snprintf(what, sizeof(what),
	         "original re-read unchanged after C_CopyObject %s", l->name);
	sa_kp_check_bool(ctx, s, key, l->type, l->from, what);
out:
	sa_p11_destroy(ctx, s, &copy);
	sa_p11_destroy(ctx, s, &key);
}

void sa_kp03_latching(sa_case_ctx *ctx)
{
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	size_t i, n_none = 0;

	if (sa_kp_open(ctx, true, &s) < 0)
		goto out;
	/* A fresh key for each attempt: a latch that broke under
	 * C_SetAttributeValue must not excuse the C_CopyObject result. */
	for (i = 0; i < SA_COUNTOF(latches); i++) {
		if (latch_set(ctx, s, &latches[i]) == SA_E_UNSUPPORTED) {
			n_none++;
			continue;
		}
		latch_copy(ctx, s, &latches[i]);
	}
	if (n_made == 0 && n_none == SA_COUNTOF(latches))
		sa_case_skip(ctx, "the token can neither import nor generate "
		                  "an AES-256 or RSA-2048 key with the "
		                  "attributes of any latch (see notes)");
out:
	sa_kp_src_cleanup(ctx, s);
	sa_p11_close(ctx, &s);
}
