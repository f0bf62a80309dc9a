/* Unit tests of harness/src/uri.c: token selection by PKCS#11 URI, against a
 * small in-process mock module (and SoftHSM2 when it is installed). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <p11-kit/p11-kit.h>

#include "uri.h"

#define SOFTHSM2_MODULE "/usr/lib/softhsm/libsofthsm2.so"

/* ---- the mock module ----------------------------------------------------- */

struct mock_slot {
	CK_SLOT_ID id;
	const char *desc;
	const char *label;
	const char *manuf;
	const char *serial;
	bool nul_pad;   /* pad with NULs, as a broken module does */
	CK_RV token_rv; /* returned by C_GetTokenInfo */
};

static struct mock {
	struct mock_slot slots[16];
	size_t n;          /* slots visible to C_GetSlotList */
	CK_ULONG claim;    /* nonzero: count claimed by the size query */
	int appear;        /* fill calls that report a newly inserted token */
	CK_ULONG overflow; /* nonzero: count the fill call reports, CKR_OK */
	CK_RV list_rv;     /* C_GetSlotList result */
	const char *lib_manuf;
	int getinfo_calls;
	int slotinfo_calls;
} mock;

static void pad(CK_UTF8CHAR *field, size_t len, const char *s, bool nul)
{
	size_t n = s ? strlen(s) : 0;

	memset(field, nul ? '\0' : ' ', len);
	memcpy(field, s ? s : "", n < len ? n : len);
}

static const struct mock_slot *find_slot(CK_SLOT_ID id)
{
	for (size_t i = 0; i < mock.n; i++) {
		if (mock.slots[i].id == id)
			return &mock.slots[i];
	}
	return NULL;
}

static CK_RV mock_get_info(CK_INFO_PTR info)
{
	mock.getinfo_calls++;
	memset(info, 0, sizeof(*info));
	info->cryptokiVersion.major = 2;
	info->cryptokiVersion.minor = 40;
	pad(info->manufacturerID, sizeof(info->manufacturerID), mock.lib_manuf,
	    false);
	pad(info->libraryDescription, sizeof(info->libraryDescription),
	    "Mock module", false);
	info->libraryVersion.major = 1;
	info->libraryVersion.minor = 0;
	return CKR_OK;
}

static CK_RV mock_get_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR list,
                                CK_ULONG_PTR count)
{
	CK_ULONG n;

	ck_assert(present == CK_TRUE);
	if (mock.list_rv != CKR_OK)
		return mock.list_rv;
	n = mock.claim ? mock.claim : (CK_ULONG)mock.n;
	if (list == NULL) {
		*count = n;
		return CKR_OK;
	}
	if (mock.appear > 0) {
		/* A token arrives between the size query and the fill. */
		mock.appear--;
		mock.n++;
		*count = (CK_ULONG)mock.n;
		return CKR_BUFFER_TOO_SMALL;
	}
	if (mock.overflow) {
		*count = mock.overflow;
		return CKR_OK;
	}
	if (*count < n) {
		*count = n;
		return CKR_BUFFER_TOO_SMALL;
	}
	for (CK_ULONG i = 0; i < n; i++)
		list[i] = mock.slots[i].id;
	*count = n;
	return CKR_OK;
}

static CK_RV mock_get_slot_info(CK_SLOT_ID id, CK_SLOT_INFO_PTR info)
{
	const struct mock_slot *s = find_slot(id);

	mock.slotinfo_calls++;
	if (s == NULL)
		return CKR_SLOT_ID_INVALID;
	memset(info, 0, sizeof(*info));
	pad(info->slotDescription, sizeof(info->slotDescription), s->desc,
	    s->nul_pad);
	pad(info->manufacturerID, sizeof(info->manufacturerID), "MockCo",
	    s->nul_pad);
	info->flags = CKF_TOKEN_PRESENT;
	return CKR_OK;
}

static CK_RV mock_get_token_info(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info)
{
	const struct mock_slot *s = find_slot(id);

	if (s == NULL)
		return CKR_SLOT_ID_INVALID;
	if (s->token_rv != CKR_OK)
		return s->token_rv;
	memset(info, 0, sizeof(*info));
	pad(info->label, sizeof(info->label), s->label, s->nul_pad);
	pad(info->manufacturerID, sizeof(info->manufacturerID),
	    s->manuf ? s->manuf : "Acme", s->nul_pad);
	pad(info->model, sizeof(info->model), "Model 1", s->nul_pad);
	pad(info->serialNumber, sizeof(info->serialNumber), s->serial,
	    s->nul_pad);
	info->flags = CKF_TOKEN_INITIALIZED;
	return CKR_OK;
}

/* Only what token selection may call; any other call would crash. */
static CK_FUNCTION_LIST mock_list = {
    .version = {2, 40},
    .C_GetInfo = mock_get_info,
    .C_GetSlotList = mock_get_slot_list,
    .C_GetSlotInfo = mock_get_slot_info,
    .C_GetTokenInfo = mock_get_token_info,
};

static void add_slot(CK_SLOT_ID id, const char *label, const char *serial)
{
	struct mock_slot *s = &mock.slots[mock.n++];

	memset(s, 0, sizeof(*s));
	s->id = id;
	s->label = label;
	s->serial = serial;
	s->desc = id == 2 ? "Reader B" : "Reader A";
}

static void setup(void)
{
	memset(&mock, 0, sizeof(mock));
	mock.lib_manuf = "MockCo";
	add_slot(1, "alpha", "S1");
	add_slot(2, "beta", "S2");
}

static int select_slot(const char *uri, CK_SLOT_ID *slot, sa_error *err)
{
	*slot = (CK_SLOT_ID)-1;
	sa_error_clear(err);
	return sa_uri_select_slot(&mock_list, uri, slot, err);
}

/* ---- selection ----------------------------------------------------------- */

START_TEST(test_select_by_label)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(select_slot("pkcs11:token=beta", &slot, &err), SA_OK);
	ck_assert_uint_eq(slot, 2);
	ck_assert_int_eq(select_slot("pkcs11:token=alpha", &slot, &err), SA_OK);
	ck_assert_uint_eq(slot, 1);
	/* Neither library nor slot attributes: C_GetInfo and C_GetSlotInfo
	 * are not called (a module crashing in them still gets selected). */
	ck_assert_int_eq(mock.getinfo_calls, 0);
	ck_assert_int_eq(mock.slotinfo_calls, 0);
}
END_TEST

START_TEST(test_select_none)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(select_slot("pkcs11:token=nope", &slot, &err),
	                 SA_E_NOTFOUND);
	ck_assert_str_eq(err.msg, "no token matches pkcs11:token=nope "
	                          "(tokens seen: 'alpha', 'beta')");
	ck_assert_uint_eq(slot, (CK_SLOT_ID)-1);
}
END_TEST

START_TEST(test_select_ambiguous)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(select_slot("pkcs11:manufacturer=Acme", &slot, &err),
	                 SA_E_INVALID);
	ck_assert_str_eq(err.msg, "pkcs11:manufacturer=Acme matches 2 tokens; "
	                          "add serial= to the URI");
	ck_assert_int_eq(
	    select_slot("pkcs11:manufacturer=Acme;serial=S2", &slot, &err),
	    SA_OK);
	ck_assert_uint_eq(slot, 2);
}
END_TEST

START_TEST(test_select_empty_uri)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(select_slot("pkcs11:", &slot, &err), SA_E_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "matches 2 tokens"));
	mock.n = 1;
	ck_assert_int_eq(select_slot("pkcs11:", &slot, &err), SA_OK);
	ck_assert_uint_eq(slot, 1);
}
END_TEST

START_TEST(test_select_slot_attributes)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(select_slot("pkcs11:slot-id=2", &slot, &err), SA_OK);
	ck_assert_uint_eq(slot, 2);
	ck_assert_int_eq(mock.slotinfo_calls, 0);
	ck_assert_int_eq(select_slot("pkcs11:slot-id=3", &slot, &err),
	                 SA_E_NOTFOUND);
	ck_assert_int_eq(
	    select_slot("pkcs11:slot-description=Reader%20B", &slot, &err),
	    SA_OK);
	ck_assert_uint_eq(slot, 2);
	ck_assert_int_gt(mock.slotinfo_calls, 0);
	ck_assert_int_eq(
	    select_slot("pkcs11:slot-manufacturer=MockCo;token=alpha", &slot,
	                &err),
	    SA_OK);
	ck_assert_uint_eq(slot, 1);
}
END_TEST

START_TEST(test_select_library_attributes)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(
	    select_slot("pkcs11:library-manufacturer=MockCo;token=alpha", &slot,
	                &err),
	    SA_OK);
	ck_assert_uint_eq(slot, 1);
	ck_assert_int_eq(mock.getinfo_calls, 1);
	ck_assert_int_eq(
	    select_slot("pkcs11:library-version=1.0;token=beta", &slot, &err),
	    SA_OK);
	ck_assert_uint_eq(slot, 2);
	ck_assert_int_eq(
	    select_slot("pkcs11:library-manufacturer=Other;token=alpha", &slot,
	                &err),
	    SA_E_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "tokens seen: 'alpha', 'beta'"));
	ck_assert_ptr_nonnull(strstr(err.msg, "library attributes do not "
	                                      "match"));
}
END_TEST

START_TEST(test_select_object_parts_ignored)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(select_slot("pkcs11:token=beta;object=signing%20key;"
	                             "type=private;id=%01%02",
	                             &slot, &err),
	                 SA_OK);
	ck_assert_uint_eq(slot, 2);
}
END_TEST

START_TEST(test_select_bad_uri)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	ck_assert_int_eq(select_slot("pkcs11:tokn=alpha", &slot, &err),
	                 SA_E_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "bad token URI"));
	ck_assert_int_eq(select_slot("http://alpha", &slot, &err),
	                 SA_E_INVALID);
	ck_assert_int_eq(select_slot(NULL, &slot, &err), SA_E_INVALID);
	ck_assert_int_eq(
	    select_slot("pkcs11:token=alpha?pin-value=1234", &slot, &err),
	    SA_E_INVALID);
	ck_assert_ptr_null(strstr(err.msg, "1234"));
	ck_assert_int_eq(sa_uri_select_slot(NULL, "pkcs11:", &slot, &err),
	                 SA_E_INVALID);
}
END_TEST

START_TEST(test_select_nul_padding)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	mock.slots[1].nul_pad = true;
	ck_assert_int_eq(select_slot("pkcs11:token=beta;serial=S2;"
	                             "slot-description=Reader%20B",
	                             &slot, &err),
	                 SA_OK);
	ck_assert_uint_eq(slot, 2);
}
END_TEST

START_TEST(test_select_no_tokens)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	mock.n = 0;
	ck_assert_int_eq(select_slot("pkcs11:token=alpha", &slot, &err),
	                 SA_E_NOTFOUND);
	ck_assert_str_eq(err.msg, "no token matches pkcs11:token=alpha "
	                          "(tokens seen: none)");
}
END_TEST

START_TEST(test_select_many_labels)
{
	static char labels[12][8];
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	mock.n = 0;
	for (int i = 0; i < 12; i++) {
		snprintf(labels[i], sizeof(labels[i]), "t%d", i);
		add_slot((CK_SLOT_ID)(10 + i), labels[i], labels[i]);
	}
	ck_assert_int_eq(select_slot("pkcs11:token=x", &slot, &err),
	                 SA_E_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "'t6', 't7', ...)"));
	ck_assert_ptr_null(strstr(err.msg, "'t8'"));
	ck_assert_int_eq(select_slot("pkcs11:token=t11", &slot, &err), SA_OK);
	ck_assert_uint_eq(slot, 21);
}
END_TEST

/* ---- a misbehaving module ------------------------------------------------ */

START_TEST(test_select_too_many_slots)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	mock.claim = SA_URI_MAX_SLOTS + 1;
	ck_assert_int_eq(select_slot("pkcs11:token=alpha", &slot, &err),
	                 SA_E_RANGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "4097 slots"));
}
END_TEST

START_TEST(test_select_token_inserted)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	/* beta arrives between the two C_GetSlotList calls. */
	mock.n = 1;
	mock.appear = 1;
	ck_assert_int_eq(select_slot("pkcs11:token=beta", &slot, &err), SA_OK);
	ck_assert_uint_eq(slot, 2);
}
END_TEST

START_TEST(test_select_slot_list_overflow)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	mock.overflow = 10;
	ck_assert_int_eq(select_slot("pkcs11:token=alpha", &slot, &err),
	                 SA_E_MODULE);
	ck_assert_ptr_nonnull(strstr(err.msg, "10 slots returned into room "
	                                      "for 2"));
}
END_TEST

START_TEST(test_select_call_errors)
{
	CK_SLOT_ID slot;
	sa_error err = SA_ERROR_INIT;

	mock.list_rv = CKR_GENERAL_ERROR;
	ck_assert_int_eq(select_slot("pkcs11:token=alpha", &slot, &err),
	                 SA_E_CKR);
	ck_assert(err.has_ckr);
	ck_assert_uint_eq(err.ckr, CKR_GENERAL_ERROR);
	mock.list_rv = CKR_OK;

	mock.slots[1].token_rv = CKR_DEVICE_ERROR;
	ck_assert_int_eq(select_slot("pkcs11:token=alpha", &slot, &err),
	                 SA_E_CKR);
	ck_assert_uint_eq(err.ckr, CKR_DEVICE_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "C_GetTokenInfo"));
	ck_assert_ptr_nonnull(strstr(err.msg, "CKR_DEVICE_ERROR"));

	/* A token removed since C_GetSlotList is not a candidate. */
	mock.slots[1].token_rv = CKR_TOKEN_NOT_PRESENT;
	ck_assert_int_eq(select_slot("pkcs11:", &slot, &err), SA_OK);
	ck_assert_uint_eq(slot, 1);
}
END_TEST

/* ---- sa_uri_match_token -------------------------------------------------- */

struct match_row {
	const char *uri;
	bool nul_pad;
	bool want;
};

static const struct match_row match_rows[] = {
    {"pkcs11:token=alpha", false, true},
    {"pkcs11:token=alpha", true, true},
    {"pkcs11:token=alph", false, false},
    {"pkcs11:token=alpha%20", false, true}, /* trailing blank = padding */
    {"pkcs11:token=ALPHA", false, false},
    {"pkcs11:", false, true},
    {"pkcs11:manufacturer=Acme;model=Model%201;serial=S1", false, true},
    {"pkcs11:manufacturer=Acme;model=Model%201;serial=S1", true, true},
    {"pkcs11:serial=S2", false, false},
    {"pkcs11:token=alpha;object=k;id=%01;type=cert", false, true},
    {"pkcs11:token=alpha;slot-id=99", false, true}, /* token info only */
    {"pkcs11:tokn=alpha", false, false},
    {"pkcs11:token=alpha?pin-value=1", false, false},
    {"pkcs11:token=%zz", false, false},
    {"file:///alpha", false, false},
    {NULL, false, false},
};

START_TEST(test_match_token)
{
	const struct match_row *r = &match_rows[_i];
	CK_TOKEN_INFO ti;

	memset(&ti, 0, sizeof(ti));
	pad(ti.label, sizeof(ti.label), "alpha", r->nul_pad);
	pad(ti.manufacturerID, sizeof(ti.manufacturerID), "Acme", r->nul_pad);
	pad(ti.model, sizeof(ti.model), "Model 1", r->nul_pad);
	pad(ti.serialNumber, sizeof(ti.serialNumber), "S1", r->nul_pad);
	ck_assert_msg(sa_uri_match_token(r->uri, &ti) == r->want, "row %d: %s",
	              _i, r->uri ? r->uri : "(null)");
	ck_assert(!sa_uri_match_token("pkcs11:", NULL));
}
END_TEST

/* ---- SoftHSM2 ------------------------------------------------------------ */

/* A real module: an empty SoftHSM2 store has one slot with an uninitialised
 * token. */
START_TEST(test_softhsm2)
{
	char dir[512], conf[600], tokens[600], text[1024];
	CK_FUNCTION_LIST_PTR f;
	CK_SLOT_ID slot = 99;
	sa_error err = SA_ERROR_INIT;
	FILE *fp;

	if (access(SOFTHSM2_MODULE, R_OK) != 0)
		return; /* not installed: nothing to test against */
	snprintf(dir, sizeof(dir), "%s/uri-XXXXXX", SA_TEST_TMP_DIR);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(tokens, sizeof(tokens), "%s/tokens", dir);
	ck_assert_int_eq(mkdir(tokens, 0700), 0);
	snprintf(conf, sizeof(conf), "%s/softhsm2.conf", dir);
	snprintf(text, sizeof(text),
	         "directories.tokendir = %s\nobjectstore.backend = file\n"
	         "log.level = ERROR\n",
	         tokens);
	fp = fopen(conf, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	setenv("SOFTHSM2_CONF", conf, 1);

	f = p11_kit_module_load(SOFTHSM2_MODULE, P11_KIT_MODULE_UNMANAGED);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->C_Initialize(NULL), CKR_OK);
	ck_assert_int_eq(sa_uri_select_slot(f,
	                                    "pkcs11:manufacturer=SoftHSM%20"
	                                    "project;model=SoftHSM%20v2",
	                                    &slot, &err),
	                 SA_OK);
	ck_assert_uint_ne(slot, 99);
	ck_assert_int_eq(sa_uri_select_slot(f,
	                                    "pkcs11:library-manufacturer="
	                                    "SoftHSM",
	                                    &slot, &err),
	                 SA_OK);
	ck_assert_int_eq(
	    sa_uri_select_slot(f, "pkcs11:token=sigaudit-none", &slot, &err),
	    SA_E_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "no token matches "
	                                      "pkcs11:token=sigaudit-none "
	                                      "(tokens seen: '"));
	ck_assert_uint_eq(f->C_Finalize(NULL), CKR_OK);
	p11_kit_module_release(f);
	unlink(conf);
	rmdir(tokens);
	rmdir(dir);
}
END_TEST

static Suite *uri_suite(void)
{
	Suite *s = suite_create("uri");
	TCase *tc;

	tc = tcase_create("select");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_select_by_label);
	tcase_add_test(tc, test_select_none);
	tcase_add_test(tc, test_select_ambiguous);
	tcase_add_test(tc, test_select_empty_uri);
	tcase_add_test(tc, test_select_slot_attributes);
	tcase_add_test(tc, test_select_library_attributes);
	tcase_add_test(tc, test_select_object_parts_ignored);
	tcase_add_test(tc, test_select_bad_uri);
	tcase_add_test(tc, test_select_nul_padding);
	tcase_add_test(tc, test_select_no_tokens);
	tcase_add_test(tc, test_select_many_labels);
	suite_add_tcase(s, tc);

	tc = tcase_create("broken-module");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_select_too_many_slots);
	tcase_add_test(tc, test_select_token_inserted);
	tcase_add_test(tc, test_select_slot_list_overflow);
	tcase_add_test(tc, test_select_call_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_loop_test(tc, test_match_token, 0,
	                    (int)(sizeof(match_rows) / sizeof(match_rows[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("softhsm2");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_softhsm2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(uri_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
