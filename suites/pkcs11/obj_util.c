/* Catalogue group D: helpers shared by the obj_*.c cases. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sigaudit/guard.h"

#include "obj_int.h"

/* Arbitrary, not a secret: the cases import it to know what a leak would
 * look like. */
const CK_BYTE sa_p11_obj_key_value[16] = {0x73, 0x69, 0x67, 0x61, 0x75, 0x64,
                                          0x69, 0x74, 0x2d, 0x6f, 0x62, 0x6a,
                                          0x2d, 0x6b, 0x65, 0x79};

void sa_p11_obj_label(char *out, size_t size, const char *tag)
{
	snprintf(out, size, "sigaudit-%s-%ld", tag, (long)getpid());
}

/* C_CreateObject of base followed by extra. */
static CK_RV create(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                    const CK_ATTRIBUTE *base, size_t n_base,
                    const CK_ATTRIBUTE *extra, size_t n_extra,
                    CK_OBJECT_HANDLE *out)
{
	CK_ATTRIBUTE tmpl[SA_P11_OBJ_MAX_ATTRS];
	CK_RV rv = CKR_ARGUMENTS_BAD;

	*out = CK_INVALID_HANDLE;
	/* A harness bug, not a module failure: CKR_ARGUMENTS_BAD is never
	 * what a case expects from a well-formed template. */
	if (n_base + n_extra > SA_COUNTOF(tmpl))
		goto out;
	memcpy(tmpl, base, n_base * sizeof(*base));
	if (n_extra > 0)
		memcpy(tmpl + n_base, extra, n_extra * sizeof(*extra));
	rv = sa_case_p11(ctx)->C_CreateObject(
	    s, tmpl, (CK_ULONG)(n_base + n_extra), out);
out:
	return rv;
}

CK_RV sa_p11_obj_data(sa_case_ctx *ctx, CK_SESSION_HANDLE s, bool token,
                      bool priv, const char *label, const CK_ATTRIBUTE *extra,
                      size_t n_extra, CK_OBJECT_HANDLE *out)
{
	CK_OBJECT_CLASS cls = CKO_DATA;
	CK_BBOOL tok = token ? CK_TRUE : CK_FALSE;
	CK_BBOOL prv = priv ? CK_TRUE : CK_FALSE;
	static const char value[] = "sigaudit";
	/* CKA_PRIVATE is always given: its default is token-specific (B2.40
	 * §4.4), and SoftHSM2 makes objects private by default. */
	CK_ATTRIBUTE base[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_TOKEN, &tok, sizeof(tok)},
	    {CKA_PRIVATE, &prv, sizeof(prv)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	    {CKA_VALUE, (void *)value, sizeof(value) - 1},
	};

	return create(ctx, s, base, SA_COUNTOF(base), extra, n_extra, out);
}

CK_RV sa_p11_obj_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        const char *label, bool sensitive,
                        const CK_ATTRIBUTE *extra, size_t n_extra,
                        CK_OBJECT_HANDLE *out)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_BBOOL sens = sensitive ? CK_TRUE : CK_FALSE;
	/* No usage at all: the key is a specimen for attribute checks and must
	 * not be usable for anything should a case leave it behind. */
	CK_ATTRIBUTE base[] = {
	    {CKA_CLASS, &cls, sizeof(cls)},
	    {CKA_KEY_TYPE, &kt, sizeof(kt)},
	    {CKA_TOKEN, &no, sizeof(no)},
	    {CKA_PRIVATE, &yes, sizeof(yes)},
	    {CKA_LABEL, (void *)label, strlen(label)},
	    {CKA_SENSITIVE, &sens, sizeof(sens)},
	    {CKA_ENCRYPT, &no, sizeof(no)},
	    {CKA_DECRYPT, &no, sizeof(no)},
	    {CKA_VALUE, (void *)sa_p11_obj_key_value,
	     sizeof(sa_p11_obj_key_value)},
	};

	return create(ctx, s, base, SA_COUNTOF(base), extra, n_extra, out);
}

int sa_p11_obj_setup_data(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          const char *label, const CK_ATTRIBUTE *extra,
                          size_t n_extra, const char *what,
                          CK_OBJECT_HANDLE *out)
{
	int rc = SA_E_CKR;
	CK_RV rv =
	    sa_p11_obj_data(ctx, s, false, false, label, extra, n_extra, out);

	if (rv != CKR_OK) {
		*out = CK_INVALID_HANDLE;
		sa_case_error(ctx, "set-up: C_CreateObject(%s) returned %s",
		              what, sa_p11_rv_name(rv));
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

int sa_p11_obj_setup_secret(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            const char *label, bool sensitive, const char *what,
                            CK_OBJECT_HANDLE *out)
{
	int rc = SA_E_CKR;
	CK_RV rv = sa_p11_obj_secret(ctx, s, label, sensitive, NULL, 0, out);

	if (rv != CKR_OK) {
		*out = CK_INVALID_HANDLE;
		sa_case_error(ctx, "set-up: C_CreateObject(%s) returned %s",
		              what, sa_p11_rv_name(rv));
		goto out;
	}
	rc = SA_OK;
out:
	return rc;
}

void sa_p11_obj_destroy(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                        CK_OBJECT_HANDLE *h)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);

	if (f != NULL && s != CK_INVALID_HANDLE && *h != CK_INVALID_HANDLE)
		(void)f->C_DestroyObject(s, *h);
	*h = CK_INVALID_HANDLE;
}

unsigned long sa_p11_obj_purge_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                                     const char *label)
{
	CK_FUNCTION_LIST_PTR f = sa_case_p11(ctx);
	CK_ATTRIBUTE tmpl = {CKA_LABEL, (void *)label, strlen(label)};
	CK_OBJECT_HANDLE found[32];
	CK_ULONG got = 0, i;
	unsigned long n = 0;

	if (f->C_FindObjectsInit(s, &tmpl, 1) != CKR_OK)
		goto out;
	if (f->C_FindObjects(s, found, SA_COUNTOF(found), &got) != CKR_OK)
		got = 0;
	(void)f->C_FindObjectsFinal(s);
	if (got > SA_COUNTOF(found))
		got = SA_COUNTOF(found);
	for (i = 0; i < got; i++)
		if (f->C_DestroyObject(s, found[i]) == CKR_OK)
			n++;
out:
	return n;
}

CK_RV sa_p11_obj_get_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                          CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                          CK_BBOOL *out)
{
	CK_ATTRIBUTE a = {type, out, sizeof(*out)};
	CK_RV rv;

	*out = 0xa5;
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv == CKR_OK && a.ulValueLen != sizeof(*out))
		rv = CKR_GENERAL_ERROR;
	return rv;
}

CK_RV sa_p11_obj_get_ulong(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                           CK_ULONG *out)
{
	CK_ATTRIBUTE a = {type, out, sizeof(*out)};
	CK_RV rv;

	*out = 0;
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv == CKR_OK && a.ulValueLen != sizeof(*out))
		rv = CKR_GENERAL_ERROR;
	return rv;
}

bool sa_p11_obj_check_bool(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                           CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                           CK_BBOOL want, const char *what)
{
	const char *exp = want ? "CK_TRUE" : "CK_FALSE";
	CK_BBOOL v = 0;
	CK_RV rv = sa_p11_obj_get_bool(ctx, s, h, type, &v);
	bool ok;

	if (rv != CKR_OK) {
		ok = sa_case_checkf(ctx, false, what, exp,
		                    "C_GetAttributeValue(%s) returned %s",
		                    sa_p11_attr_name(type), sa_p11_rv_name(rv));
		goto out;
	}
	ok = sa_case_checkf(ctx, v == want, what, exp, "%s",
	                    v == CK_TRUE    ? "CK_TRUE"
	                    : v == CK_FALSE ? "CK_FALSE"
	                                    : "neither CK_TRUE nor CK_FALSE");
out:
	return ok;
}

bool sa_p11_obj_check_label(sa_case_ctx *ctx, CK_SESSION_HANDLE s,
                            CK_OBJECT_HANDLE h, const char *want,
                            const char *what)
{
	char buf[128];
	CK_ATTRIBUTE a = {CKA_LABEL, buf, sizeof(buf) - 1};
	CK_RV rv;
	bool ok;

	memset(buf, 0, sizeof(buf));
	rv = sa_case_p11(ctx)->C_GetAttributeValue(s, h, &a, 1);
	if (rv != CKR_OK) {
		ok =
		    sa_case_checkf(ctx, false, what, want,
		                   "C_GetAttributeValue(CKA_LABEL) returned %s",
		                   sa_p11_rv_name(rv));
		goto out;
	}
	if (a.ulValueLen >= sizeof(buf)) {
		ok = sa_case_checkf(ctx, false, what, want,
		                    "a label of %lu bytes",
		                    (unsigned long)a.ulValueLen);
		goto out;
	}
	buf[a.ulValueLen] = '\0';
	ok = sa_case_check(ctx, strcmp(buf, want) == 0, what, want, buf);
out:
	return ok;
}

const char *sa_p11_obj_len_str(CK_ULONG len, char *buf, size_t size)
{
	if (len == CK_UNAVAILABLE_INFORMATION)
		return "CK_UNAVAILABLE_INFORMATION";
	snprintf(buf, size, "%lu", (unsigned long)len);
	return buf;
}

bool sa_p11_obj_is_v3(sa_case_ctx *ctx)
{
	CK_INFO info;
	bool v3 = false;
	CK_RV rv;

	memset(&info, 0, sizeof(info));
	rv = sa_case_p11(ctx)->C_GetInfo(&info);
	if (rv != CKR_OK) {
		sa_case_note(ctx,
		             "C_GetInfo returned %s: the module is taken "
		             "as PKCS#11 v2.x",
		             sa_p11_rv_name(rv));
		goto out;
	}
	v3 = info.cryptokiVersion.major >= 3;
out:
	return v3;
}
