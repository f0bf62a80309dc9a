/* Catalogue group D: reading and changing attributes, copying and
 * destroying (OBJ-04 to OBJ-07). Descriptions and references: obj.c. */
#include <stdio.h>
#include <string.h>

#include "sigaudit/guard.h"

#include "obj_int.h"
#include "session_int.h"

/* A length no module reports for these attributes: a slot still holding it
 * after the call was not processed. */
#define OBJ04_UNTOUCHED ((CK_ULONG)0x5a5a)
#define OBJ04_FILL      0xa5

/* Open an RW session, log the user in and import the sensitive AES key
 * the OBJ-04 cases read (set-up). */
static int obj04_setup(sa_case_ctx *ctx, const char *label,
                       CK_SESSION_HANDLE *s, CK_OBJECT_HANDLE *key)
{
	int rc;

	SA_TRY(sa_p11_ses_open(ctx, true, s));
	SA_TRY(sa_p11_ses_login(ctx, *s, CKU_USER));
	SA_TRY(sa_p11_obj_setup_secret(ctx, *s, label, true,
	                               "sensitive AES-128 key", key));
	rc = SA_OK;
out:
	return rc;
}

static void obj04_teardown(sa_case_ctx *ctx, CK_SESSION_HANDLE *s,
                           CK_OBJECT_HANDLE *key)
{
	sa_p11_obj_destroy(ctx, *s, key);
	sa_p11_ses_logout_quiet(ctx, *s);
	sa_p11_ses_close(ctx, s);
}

/* Whether the 16 key bytes appear anywhere in buf. */
static bool holds_key(const CK_BYTE *buf, size_t len)
{
	size_t n = sizeof(sa_p11_obj_key_value), i;
	bool found = false;

	for (i = 0; !found && len >= n && i <= len - n; i++)
		found = memcmp(buf + i, sa_p11_obj_key_value, n) == 0;
	return found;
}

/* Record that slot `what` of a template came back with ulValueLen `want`. */
static bool check_len(sa_case_ctx *ctx, const char *what, CK_ULONG got,
                      CK_ULONG want)
{
	char b1[32], b2[32];

	return sa_case_check(ctx, got == want, what,
	                     sa_p11_obj_len_str(want, b1, sizeof(b1)),
	                     sa_p11_obj_len_str(got, b2, sizeof(b2)));
}

/* A short buffer is handed to the module as the start of a larger guarded
 * region: a module that copies the whole value anyway (NSS softoken 3.87
 * does, with CKR_OK) then writes into the guard, where the case can see
 * it, instead of over the harness's stack. */
#define OBJ04_GUARDED 64

/* Record that nothing was written to region[len..OBJ04_GUARDED). */
static bool check_guard(sa_case_ctx *ctx, const char *what,
                        const CK_BYTE *region, size_t len)
{
	static const char none[] = "no byte written past the buffer";
	size_t i, first = OBJ04_GUARDED;
	char obs[80];

	for (i = len; first == OBJ04_GUARDED && i < OBJ04_GUARDED; i++)
		if (region[i] != OBJ04_FILL)
			first = i;
	if (first == OBJ04_GUARDED)
		snprintf(obs, sizeof(obs), "%s", none);
	else
		snprintf(obs, sizeof(obs),
		         "bytes written past the buffer, from offset %zu",
		         first);
	return sa_case_check(ctx, first == OBJ04_GUARDED, what, none, obs);
}

/* ---- OBJ-04a: one template, every slot processed on its own ---- */

void sa_p11_obj04a_getattr_slots(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	/* Valid slots get buffers larger than their values, so that the
	 * module must write the exact length back (case 4). */
	CK_BYTE value[64], cls_small[OBJ04_GUARDED];
	CK_BYTE kt_buf[2 * sizeof(CK_KEY_TYPE)];
	CK_BYTE modulus[64], sens_buf[4], cls_buf[2 * sizeof(CK_ULONG)];
	CK_KEY_TYPE kt = 0;
	CK_OBJECT_CLASS cls = 0;
	char label[64];
	bool rv_ok;
	CK_RV rv;

	sa_p11_obj_label(label, sizeof(label), "obj04a");
	if (obj04_setup(ctx, label, &s, &key) < 0)
		goto out;
	memset(value, OBJ04_FILL, sizeof(value));
	memset(modulus, OBJ04_FILL, sizeof(modulus));
	memset(cls_small, OBJ04_FILL, sizeof(cls_small));
	memset(kt_buf, OBJ04_FILL, sizeof(kt_buf));
	memset(sens_buf, OBJ04_FILL, sizeof(sens_buf));
	{
		/* The failing slots come first, so that a module that stops
		 * at the first error leaves the valid ones unfilled; no slot
		 * starts with the length the module must leave in it. */
		CK_ATTRIBUTE t[] = {
		    /* case 1: sensitive */
		    {CKA_VALUE, value, sizeof(value)},
		    /* case 2: the object has no such attribute */
		    {CKA_MODULUS, modulus, sizeof(modulus)},
		    /* case 5: buffer too small (CK_OBJECT_CLASS is a
		     * CK_ULONG) */
		    {CKA_CLASS, cls_small, 1},
		    /* case 3: NULL pValue asks for the length */
		    {CKA_LABEL, NULL, OBJ04_UNTOUCHED},
		    /* case 4: valid, large enough */
		    {CKA_KEY_TYPE, kt_buf, sizeof(kt_buf)},
		    {CKA_SENSITIVE, sens_buf, sizeof(sens_buf)},
		};

		rv = f->C_GetAttributeValue(s, key, t, SA_COUNTOF(t));
		/* B2.40 §5.7.5: each of the three codes applies, and "if more
		 * than one of these error codes is applicable, Cryptoki may
		 * return any of them"; CKR_OK only when none applies. */
		rv_ok = rv == CKR_ATTRIBUTE_SENSITIVE ||
		        rv == CKR_ATTRIBUTE_TYPE_INVALID ||
		        rv == CKR_BUFFER_TOO_SMALL;
		sa_case_check(
		    ctx, rv_ok,
		    "C_GetAttributeValue with a sensitive, an absent, "
		    "a too-small, a NULL-pValue and two valid slots",
		    "CKR_ATTRIBUTE_SENSITIVE, CKR_ATTRIBUTE_TYPE_INVALID"
		    " or CKR_BUFFER_TOO_SMALL",
		    sa_p11_rv_name(rv));
		check_len(ctx, "slot 1 CKA_VALUE (sensitive): ulValueLen",
		          t[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
		sa_case_check(ctx, !holds_key(value, sizeof(value)),
		              "slot 1 CKA_VALUE (sensitive): buffer does not "
		              "receive the key",
		              "key bytes absent",
		              holds_key(value, sizeof(value))
		                  ? "the secret key value was written"
		                  : "key bytes absent");
		check_len(ctx,
		          "slot 2 CKA_MODULUS (not an attribute of the "
		          "object): ulValueLen",
		          t[1].ulValueLen, CK_UNAVAILABLE_INFORMATION);
		check_len(ctx,
		          "slot 3 CKA_CLASS with a 1-byte buffer: "
		          "ulValueLen",
		          t[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
		check_guard(ctx,
		            "slot 3 CKA_CLASS with a 1-byte buffer: nothing "
		            "written past the byte given",
		            cls_small, 1);
		check_len(ctx, "slot 4 CKA_LABEL with NULL pValue: ulValueLen",
		          t[3].ulValueLen, (CK_ULONG)strlen(label));
		check_len(ctx, "slot 5 CKA_KEY_TYPE: ulValueLen",
		          t[4].ulValueLen, sizeof(CK_KEY_TYPE));
		memcpy(&kt, kt_buf, sizeof(kt));
		sa_case_checkf(ctx, kt == CKK_AES, "slot 5 CKA_KEY_TYPE: value",
		               "CKK_AES (0x1f)", "0x%lx", (unsigned long)kt);
		check_len(ctx, "slot 6 CKA_SENSITIVE: ulValueLen",
		          t[5].ulValueLen, sizeof(CK_BBOOL));
		sa_case_checkf(ctx, sens_buf[0] == CK_TRUE,
		               "slot 6 CKA_SENSITIVE: value", "CK_TRUE",
		               "0x%02x", sens_buf[0]);
	}
	{
		/* Case 1 comes before case 3: a sensitive attribute's length
		 * is not revealed either. */
		CK_ATTRIBUTE t[] = {
		    {CKA_VALUE, NULL, OBJ04_UNTOUCHED},
		    {CKA_CLASS, cls_buf, sizeof(cls_buf)},
		};

		memset(cls_buf, OBJ04_FILL, sizeof(cls_buf));
		(void)f->C_GetAttributeValue(s, key, t, SA_COUNTOF(t));
		check_len(ctx,
		          "CKA_VALUE (sensitive) with NULL pValue: "
		          "ulValueLen",
		          t[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
		memcpy(&cls, cls_buf, sizeof(cls));
		sa_case_checkf(ctx,
		               t[1].ulValueLen == sizeof(CK_OBJECT_CLASS) &&
		                   cls == CKO_SECRET_KEY,
		               "CKA_CLASS after the sensitive slot: length and "
		               "value",
		               "sizeof(CK_OBJECT_CLASS), CKO_SECRET_KEY (0x4)",
		               "%lu, 0x%lx", (unsigned long)t[1].ulValueLen,
		               (unsigned long)cls);
	}
out:
	obj04_teardown(ctx, &s, &key);
}

/* ---- OBJ-04b: the return code of each condition alone ---- */

void sa_p11_obj04b_getattr_rv(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS cls = 0;
	CK_BYTE value[64], small[OBJ04_GUARDED];
	char label[64], lbuf[64];
	CK_RV rv;

	sa_p11_obj_label(label, sizeof(label), "obj04b");
	if (obj04_setup(ctx, label, &s, &key) < 0)
		goto out;
	{
		CK_ATTRIBUTE t[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {CKA_MODULUS, value, sizeof(value)},
		};

		rv = f->C_GetAttributeValue(s, key, t, SA_COUNTOF(t));
		sa_p11_check_rv(
		    ctx,
		    "C_GetAttributeValue(CKA_CLASS, CKA_MODULUS of an "
		    "AES key)",
		    rv, CKR_ATTRIBUTE_TYPE_INVALID, SA_STRICT_ONLY);
	}
	{
		CK_ATTRIBUTE t[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {(CK_ATTRIBUTE_TYPE)0x0ffff5a1UL, value, sizeof(value)},
		};

		rv = f->C_GetAttributeValue(s, key, t, SA_COUNTOF(t));
		sa_p11_check_rv(ctx,
		                "C_GetAttributeValue(CKA_CLASS, undefined type "
		                "0x0ffff5a1)",
		                rv, CKR_ATTRIBUTE_TYPE_INVALID, SA_STRICT_ONLY);
	}
	{
		CK_ATTRIBUTE t[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {CKA_VALUE, value, sizeof(value)},
		};

		rv = f->C_GetAttributeValue(s, key, t, SA_COUNTOF(t));
		sa_p11_check_rv(ctx,
		                "C_GetAttributeValue(CKA_CLASS, CKA_VALUE of a "
		                "sensitive key)",
		                rv, CKR_ATTRIBUTE_SENSITIVE, SA_STRICT_ONLY);
	}
	{
		CK_ATTRIBUTE t = {CKA_VALUE, NULL, 0};

		rv = f->C_GetAttributeValue(s, key, &t, 1);
		sa_p11_check_rv(
		    ctx,
		    "C_GetAttributeValue(CKA_VALUE of a sensitive key, "
		    "NULL pValue)",
		    rv, CKR_ATTRIBUTE_SENSITIVE, SA_STRICT_ONLY);
	}
	{
		CK_ATTRIBUTE t[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {CKA_LABEL, small, 4},
		};

		memset(small, OBJ04_FILL, sizeof(small));
		rv = f->C_GetAttributeValue(s, key, t, SA_COUNTOF(t));
		sa_p11_check_rv(
		    ctx,
		    "C_GetAttributeValue(CKA_CLASS, CKA_LABEL into 4 "
		    "bytes)",
		    rv, CKR_BUFFER_TOO_SMALL, SA_STRICT_ONLY);
		check_guard(ctx,
		            "CKA_LABEL into 4 bytes: nothing written past the "
		            "4 bytes given",
		            small, 4);
	}
	{
		/* A length query is not an error (case 3). */
		CK_ATTRIBUTE t[] = {
		    {CKA_CLASS, &cls, sizeof(cls)},
		    {CKA_LABEL, NULL, 0},
		};

		rv = f->C_GetAttributeValue(s, key, t, SA_COUNTOF(t));
		sa_p11_check_rv(ctx,
		                "C_GetAttributeValue(CKA_CLASS, CKA_LABEL with "
		                "NULL pValue)",
		                rv, CKR_OK, SA_STRICT_ONLY);
	}
	{
		/* A buffer of exactly the value's length is "large enough"
		 * (case 4). */
		CK_ATTRIBUTE t = {CKA_LABEL, lbuf, (CK_ULONG)strlen(label)};

		rv = f->C_GetAttributeValue(s, key, &t, 1);
		sa_p11_check_rv(
		    ctx,
		    "C_GetAttributeValue(CKA_LABEL into a buffer of "
		    "its exact length)",
		    rv, CKR_OK, SA_STRICT_ONLY);
	}
out:
	obj04_teardown(ctx, &s, &key);
}

/* ---- OBJ-05: CKA_MODIFIABLE=FALSE ---- */

void sa_p11_obj05_unmodifiable(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE mod = CK_INVALID_HANDLE, fixed = CK_INVALID_HANDLE;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_ATTRIBUTE unmod = {CKA_MODIFIABLE, &no, sizeof(no)};
	char label[64], relabel[80];
	CK_ATTRIBUTE set_label = {CKA_LABEL, relabel, 0};
	CK_ATTRIBUTE set_mod = {CKA_MODIFIABLE, &yes, sizeof(yes)};
	CK_RV rv;

	sa_p11_obj_label(label, sizeof(label), "obj05");
	snprintf(relabel, sizeof(relabel), "%s-relabelled", label);
	set_label.ulValueLen = (CK_ULONG)strlen(relabel);
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	if (sa_p11_obj_setup_data(ctx, s, label, NULL, 0, "CKO_DATA", &mod) <
	        0 ||
	    sa_p11_obj_setup_data(ctx, s, label, &unmod, 1,
	                          "CKO_DATA, CKA_MODIFIABLE false", &fixed) < 0)
		goto out;
	/* The control: the token does change attributes of an ordinary
	 * object, so a refusal below is about CKA_MODIFIABLE. */
	rv = f->C_SetAttributeValue(s, mod, &set_label, 1);
	sa_p11_check_rv(ctx,
	                "C_SetAttributeValue(CKA_LABEL) of a modifiable "
	                "object",
	                rv, CKR_OK, SA_STRICT_ONLY);
	sa_p11_obj_check_label(ctx, s, mod, relabel,
	                       "CKA_LABEL of the modifiable object afterwards");
	sa_p11_obj_check_bool(ctx, s, fixed, CKA_MODIFIABLE, CK_FALSE,
	                      "CKA_MODIFIABLE of the object created with "
	                      "CKA_MODIFIABLE false");
	/* B2.40 §4.4: CKA_MODIFIABLE false makes the object read-only;
	 * v2.40 introduced CKR_ACTION_PROHIBITED for it, older modules answer
	 * CKR_ATTRIBUTE_READ_ONLY. */
	rv = f->C_SetAttributeValue(s, fixed, &set_label, 1);
	sa_p11_check_rv(ctx,
	                "C_SetAttributeValue(CKA_LABEL) of a CKA_MODIFIABLE "
	                "false object",
	                rv, CKR_ACTION_PROHIBITED,
	                SA_LENIENT(CKR_ATTRIBUTE_READ_ONLY));
	sa_p11_obj_check_label(ctx, s, fixed, label,
	                       "CKA_LABEL of the unmodifiable object "
	                       "afterwards (unchanged)");
	/* Here both refusals apply at once - the object is unmodifiable and
	 * CKA_MODIFIABLE is read-only after creation (B2.40 §4.4) - and
	 * either code may be returned (§4.1.1, §4.1.2). */
	rv = f->C_SetAttributeValue(s, fixed, &set_mod, 1);
	sa_case_check(
	    ctx, rv == CKR_ACTION_PROHIBITED || rv == CKR_ATTRIBUTE_READ_ONLY,
	    "C_SetAttributeValue(CKA_MODIFIABLE true) of a "
	    "CKA_MODIFIABLE false object",
	    "CKR_ACTION_PROHIBITED or CKR_ATTRIBUTE_READ_ONLY",
	    sa_p11_rv_name(rv));
	sa_p11_obj_check_bool(ctx, s, fixed, CKA_MODIFIABLE, CK_FALSE,
	                      "CKA_MODIFIABLE of the unmodifiable object "
	                      "afterwards");
out:
	sa_p11_obj_destroy(ctx, s, &fixed);
	sa_p11_obj_destroy(ctx, s, &mod);
	sa_p11_ses_close(ctx, &s);
}

/* ---- OBJ-06: CKA_COPYABLE=FALSE ---- */

/* The number of objects labelled `label` s can see, as a check that it is
 * `want`. */
static void check_count(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const char *label, CK_ULONG want, const char *what)
{
	CK_ULONG n = 0;
	CK_RV rv = sa_p11_count_label(ctx, s, label, &n);
	char expected[32];

	snprintf(expected, sizeof(expected), "%lu objects",
	         (unsigned long)want);
	sa_case_checkf(ctx, rv == CKR_OK && n == want, what, expected,
	               "%s, %lu objects", sa_p11_rv_name(rv), (unsigned long)n);
}

void sa_p11_obj06a_uncopyable(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE orig = CK_INVALID_HANDLE, fixed = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_ATTRIBUTE uncopyable = {CKA_COPYABLE, &no, sizeof(no)};
	char label[64], copies[80];
	CK_ATTRIBUTE to_copies = {CKA_LABEL, copies, 0};
	CK_ATTRIBUTE with_copyable[] = {
	    {CKA_LABEL, copies, 0},
	    {CKA_COPYABLE, &yes, sizeof(yes)},
	};
	CK_RV rv;

	sa_p11_obj_label(label, sizeof(label), "obj06a");
	snprintf(copies, sizeof(copies), "%s-copy", label);
	to_copies.ulValueLen = (CK_ULONG)strlen(copies);
	with_copyable[0].ulValueLen = to_copies.ulValueLen;
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	if (sa_p11_obj_setup_data(ctx, s, label, NULL, 0, "CKO_DATA", &orig) <
	        0 ||
	    sa_p11_obj_setup_data(ctx, s, label, &uncopyable, 1,
	                          "CKO_DATA, CKA_COPYABLE false", &fixed) < 0)
		goto out;
	/* The control: an ordinary object copies. */
	rv = f->C_CopyObject(s, orig, &to_copies, 1, &copy);
	/* B2.40 §5.7.2 lets a token leave C_CopyObject out: then no copy
	 * exists to prohibit and the rule does not apply. */
	if (rv == CKR_FUNCTION_NOT_SUPPORTED) {
		copy = CK_INVALID_HANDLE;
		sa_case_skip(ctx, "the token does not offer C_CopyObject "
		                  "(CKR_FUNCTION_NOT_SUPPORTED)");
		goto out;
	}
	sa_p11_check_rv(ctx, "C_CopyObject of a copyable object", rv, CKR_OK,
	                SA_STRICT_ONLY);
	if (rv != CKR_OK)
		copy = CK_INVALID_HANDLE;
	sa_p11_obj_destroy(ctx, s, &copy);
	sa_p11_obj_check_bool(ctx, s, fixed, CKA_COPYABLE, CK_FALSE,
	                      "CKA_COPYABLE of the object created with "
	                      "CKA_COPYABLE false");
	/* B2.40 §4.1.3, §5.7.2: "If the CKA_COPYABLE attribute of the object
	 * to be copied is set to CK_FALSE, C_CopyObject returns
	 * CKR_ACTION_PROHIBITED." */
	rv = f->C_CopyObject(s, fixed, &to_copies, 1, &copy);
	sa_p11_check_rv(ctx, "C_CopyObject of a CKA_COPYABLE false object", rv,
	                CKR_ACTION_PROHIBITED, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		copy = CK_INVALID_HANDLE;
	sa_p11_obj_destroy(ctx, s, &copy);
	rv = f->C_CopyObject(s, fixed, with_copyable, SA_COUNTOF(with_copyable),
	                     &copy);
	sa_p11_check_rv(ctx,
	                "C_CopyObject of a CKA_COPYABLE false object asking "
	                "CKA_COPYABLE true for the copy",
	                rv, CKR_ACTION_PROHIBITED, SA_STRICT_ONLY);
	if (rv != CKR_OK)
		copy = CK_INVALID_HANDLE;
	sa_p11_obj_destroy(ctx, s, &copy);
	check_count(ctx, s, copies, 0,
	            "objects with the copies' label after the refused copies");
out:
	(void)sa_p11_obj_purge_label(ctx, s, copies);
	sa_p11_obj_destroy(ctx, s, &fixed);
	sa_p11_obj_destroy(ctx, s, &orig);
	sa_p11_ses_close(ctx, &s);
}

void sa_p11_obj06b_copyable_latch(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE fixed = CK_INVALID_HANDLE, open = CK_INVALID_HANDLE;
	CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
	CK_ATTRIBUTE uncopyable = {CKA_COPYABLE, &no, sizeof(no)};
	CK_ATTRIBUTE set_true = {CKA_COPYABLE, &yes, sizeof(yes)};
	char label[64];
	CK_RV rv;

	sa_p11_obj_label(label, sizeof(label), "obj06b");
	if (sa_p11_ses_open(ctx, true, &s) < 0)
		goto out;
	if (sa_p11_obj_setup_data(ctx, s, label, &uncopyable, 1,
	                          "CKO_DATA, CKA_COPYABLE false", &fixed) < 0)
		goto out;
	/* B2.40 §4.4: CKA_COPYABLE can't be set to TRUE once it is FALSE,
	 * i.e. it is a read-only attribute from then on (§4.1.2). */
	rv = f->C_SetAttributeValue(s, fixed, &set_true, 1);
	sa_p11_check_rv(ctx,
	                "C_SetAttributeValue(CKA_COPYABLE true) of an object "
	                "created with CKA_COPYABLE false",
	                rv, CKR_ATTRIBUTE_READ_ONLY,
	                SA_LENIENT(CKR_ACTION_PROHIBITED));
	sa_p11_obj_check_bool(ctx, s, fixed, CKA_COPYABLE, CK_FALSE,
	                      "CKA_COPYABLE afterwards (still false)");

	/* The same latch reached through C_SetAttributeValue(FALSE), where
	 * the token lets CKA_COPYABLE be cleared at all. */
	if (sa_p11_obj_setup_data(ctx, s, label, NULL, 0, "CKO_DATA", &open) <
	    0)
		goto out;
	rv = f->C_SetAttributeValue(s, open, &uncopyable, 1);
	if (rv != CKR_OK) {
		sa_case_note(ctx,
		             "C_SetAttributeValue(CKA_COPYABLE false) of a "
		             "copyable object returned %s: the second latch "
		             "check is not run",
		             sa_p11_rv_name(rv));
		goto out;
	}
	sa_p11_obj_check_bool(ctx, s, open, CKA_COPYABLE, CK_FALSE,
	                      "CKA_COPYABLE after it was set to false");
	rv = f->C_SetAttributeValue(s, open, &set_true, 1);
	sa_p11_check_rv(ctx,
	                "C_SetAttributeValue(CKA_COPYABLE true) after it was "
	                "set to false",
	                rv, CKR_ATTRIBUTE_READ_ONLY,
	                SA_LENIENT(CKR_ACTION_PROHIBITED));
	sa_p11_obj_check_bool(ctx, s, open, CKA_COPYABLE, CK_FALSE,
	                      "CKA_COPYABLE afterwards (still false)");
out:
	sa_p11_obj_destroy(ctx, s, &open);
	sa_p11_obj_destroy(ctx, s, &fixed);
	sa_p11_ses_close(ctx, &s);
}

/* ---- OBJ-07: CKA_DESTROYABLE=FALSE ---- */

void sa_p11_obj07_undestroyable(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE, other = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE plain = CK_INVALID_HANDLE, fixed = CK_INVALID_HANDLE;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE undestroyable = {CKA_DESTROYABLE, &no, sizeof(no)};
	char label[64];
	CK_RV rv;

	sa_p11_obj_label(label, sizeof(label), "obj07");
	if (sa_p11_ses_open(ctx, true, &s) < 0 ||
	    sa_p11_ses_open(ctx, false, &other) < 0)
		goto out;
	/* Session objects only: a token object with CKA_DESTROYABLE false
	 * could never be removed again. */
	if (sa_p11_obj_setup_data_ex(ctx, s, label, NULL, 0, "CKO_DATA", true,
	                             &plain) < 0 ||
	    sa_p11_obj_setup_data_ex(ctx, s, label, &undestroyable, 1,
	                             "CKO_DATA, CKA_DESTROYABLE false", true,
	                             &fixed) < 0)
		goto out;
	/* The control: an ordinary object is destroyed. */
	rv = f->C_DestroyObject(s, plain);
	sa_p11_check_rv(ctx, "C_DestroyObject of a destroyable object", rv,
	                CKR_OK, SA_STRICT_ONLY);
	if (rv == CKR_OK)
		plain = CK_INVALID_HANDLE;
	sa_p11_obj_check_bool(ctx, s, fixed, CKA_DESTROYABLE, CK_FALSE,
	                      "CKA_DESTROYABLE of the object created with "
	                      "CKA_DESTROYABLE false");
	/* B2.40 §4.4, §5.7.3: an object whose CKA_DESTROYABLE is false
	 * cannot be destroyed with C_DestroyObject, which returns
	 * CKR_ACTION_PROHIBITED. */
	rv = f->C_DestroyObject(s, fixed);
	sa_p11_check_rv(ctx,
	                "C_DestroyObject of a CKA_DESTROYABLE false object", rv,
	                CKR_ACTION_PROHIBITED, SA_STRICT_ONLY);
	rv = sa_p11_ses_probe_object(ctx, s, fixed);
	sa_p11_check_rv(ctx,
	                "C_GetAttributeValue(CKA_CLASS) of the undestroyable "
	                "object afterwards (it still exists)",
	                rv, CKR_OK, SA_STRICT_ONLY);
	/* CKA_DESTROYABLE does not make a session object outlive its session
	 * (B2.40 §5.6.2): this is also the case's cleanup. */
	sa_p11_ses_close(ctx, &s);
	rv = sa_p11_ses_probe_object(ctx, other, fixed);
	sa_p11_check_rv(ctx,
	                "the undestroyable session object once its session "
	                "is closed",
	                rv, CKR_OBJECT_HANDLE_INVALID, SA_STRICT_ONLY);
	fixed = CK_INVALID_HANDLE;
out:
	sa_p11_obj_destroy(ctx, s, &plain);
	sa_p11_ses_close(ctx, &s);
	sa_p11_ses_close(ctx, &other);
}
