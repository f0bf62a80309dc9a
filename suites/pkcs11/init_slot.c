/* Catalogue groups A (library and initialisation) and B (slots, tokens and
 * mechanisms) of the pkcs11 suite: the case table and the helpers its cases
 * share. The cases themselves are in init_lib.c, slot_token.c and
 * slot_mech.c.
 *
 * Section numbers: B2.40 = PKCS#11 Base Specification v2.40 Plus Errata 01,
 * B3.0 = Base Specification v3.0, UG2.40 = Usage Guide v2.40, P3.0 =
 * Profiles v3.0. A reference marked "(unconfirmed)" could not be checked
 * against the OASIS text when it was written. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init_slot.h"
#include "mech_matrix.h"
#include "suite.h"

/* ---- the case table ---- */

static const sa_case cases[] = {
    {
        .id = "P11-INIT-01",
        .title = "Calls before C_Initialize are refused",
        .description = "Before C_Initialize only C_GetFunctionList (and, in "
                       "3.x, C_GetInterfaceList/C_GetInterface) may be "
                       "called. C_GetInfo, C_GetSlotList and C_OpenSession "
                       "must return CKR_CRYPTOKI_NOT_INITIALIZED; after "
                       "C_Initialize the same calls must work. A module that "
                       "serves requests without initialisation runs on "
                       "undefined internal state (locking not negotiated, "
                       "configuration not loaded), which is how "
                       "use-before-init crashes and cross-application state "
                       "leaks arise.",
        .remediation = "Guard every entry point except C_GetFunctionList with "
                       "an 'initialised' test that returns "
                       "CKR_CRYPTOKI_NOT_INITIALIZED.",
        .refs = SA_REFS("PKCS#11 B2.40 §5.4.1 C_Initialize (unconfirmed)",
                        "PKCS#11 B2.40 §5.4.4 C_GetFunctionList (unconfirmed)",
                        "PKCS#11 B2.40 §5.1.6 (unconfirmed)",
                        "PKCS#11 B3.0 §5.4.1 (unconfirmed)"),
        .impact = 2,
        .threat = "use of the library before initialisation",
        .needs = SA_NEED_P11_MODULE,
        .run = sa_p11is_init01,
    },
    {
        .id = "P11-INIT-02",
        .title = "Second C_Initialize returns "
                 "CKR_CRYPTOKI_ALREADY_INITIALIZED",
        .description = "A second C_Initialize in the same application must "
                       "fail with CKR_CRYPTOKI_ALREADY_INITIALIZED and leave "
                       "the library usable. Applications and middleware "
                       "(OpenSSL engines/providers, p11-kit, Java) rely on "
                       "this code to detect that another component already "
                       "initialised the module; a silent CKR_OK or a reset of "
                       "internal state closes other components' sessions and "
                       "logs them out.",
        .remediation = "Keep an initialisation flag; on a second call return "
                       "CKR_CRYPTOKI_ALREADY_INITIALIZED without touching "
                       "existing sessions.",
        .refs = SA_REFS("PKCS#11 B2.40 §5.4.1 C_Initialize (unconfirmed)",
                        "PKCS#11 B3.0 §5.4.1 (unconfirmed)"),
        .impact = 2,
        .threat = "double initialisation resets shared state",
        .needs = SA_NEED_P11_MODULE,
        .run = sa_p11is_init02,
    },
    {
        .id = "P11-INIT-03",
        .title = "C_Initialize rejects pReserved != NULL",
        .description = "In CK_C_INITIALIZE_ARGS the pReserved field must be "
                       "NULL_PTR; otherwise C_Initialize must return "
                       "CKR_ARGUMENTS_BAD. A module that ignores the field "
                       "cannot later give it a meaning without breaking "
                       "callers, and one that dereferences it reads caller "
                       "memory it does not own. Modules that define pReserved "
                       "as a configuration string (NSS softoken) are exempt: "
                       "the profile's init_args marks them and the case is "
                       "skipped.",
        .remediation = "Return CKR_ARGUMENTS_BAD when pReserved is not "
                       "NULL_PTR, or document the vendor use of the "
                       "field.",
        .refs =
            SA_REFS("PKCS#11 B2.40 §5.4.1 C_Initialize (unconfirmed)",
                    "PKCS#11 B2.40 §3.7 CK_C_INITIALIZE_ARGS (unconfirmed)"),
        .impact = 1,
        .threat = "unchecked initialisation arguments",
        .needs = SA_NEED_P11_MODULE,
        .run = sa_p11is_init03,
    },
    {
        .id = "P11-INIT-04",
        .title = "C_Initialize locking negotiation",
        .description = "The four mutex callbacks in CK_C_INITIALIZE_ARGS must "
                       "be supplied all together or not at all: a partial set "
                       "must give CKR_ARGUMENTS_BAD. With the application's "
                       "callbacks (with or without CKF_OS_LOCKING_OK) the "
                       "module must accept them or say CKR_CANT_LOCK; with "
                       "CKF_LIBRARY_CANT_CREATE_OS_THREADS it must work "
                       "without its own threads or say "
                       "CKR_NEED_TO_CREATE_THREADS. A module that accepts a "
                       "locking contract it does not honour corrupts its "
                       "state under concurrent signing.",
        .remediation = "Validate the callback set, use the application's "
                       "callbacks or the OS primitives as negotiated, and "
                       "return CKR_CANT_LOCK or CKR_NEED_TO_CREATE_THREADS "
                       "when the request cannot be met.",
        .refs = SA_REFS(
            "PKCS#11 B2.40 §5.4.1 C_Initialize (unconfirmed)",
            "PKCS#11 B2.40 §3.7 CK_C_INITIALIZE_ARGS (unconfirmed)",
            "PKCS#11 UG2.40 §2.6.2 Applications and threads (unconfirmed)"),
        .impact = 3,
        .threat = "unsafe multi-threaded access",
        .needs = SA_NEED_P11_MODULE,
        .run = sa_p11is_init04,
    },
    {
        .id = "P11-INIT-05",
        .title = "C_Finalize arguments, double finalize, stale "
                 "handles",
        .description = "C_Finalize with pReserved != NULL must return "
                       "CKR_ARGUMENTS_BAD; a second C_Finalize must return "
                       "CKR_CRYPTOKI_NOT_INITIALIZED; a session handle from "
                       "before C_Finalize must be CKR_SESSION_HANDLE_INVALID "
                       "after a new C_Initialize. A handle that survives "
                       "finalisation can give one component access to "
                       "another's (possibly logged-in) session.",
        .remediation = "Check pReserved, track initialisation, and destroy "
                       "all sessions (and invalidate their handles) in "
                       "C_Finalize.",
        .refs = SA_REFS("PKCS#11 B2.40 §5.4.2 C_Finalize (unconfirmed)",
                        "PKCS#11 B2.40 §5.1.2 (unconfirmed)",
                        "PKCS#11 B3.0 §5.4.2 (unconfirmed)"),
        .impact = 3,
        .threat = "session handles survive re-initialisation",
        .needs = SA_NEED_P11_MODULE,
        .run = sa_p11is_init05,
    },
    {
        .id = "P11-INIT-06",
        .title = "CK_INFO is well formed",
        .description = "C_GetInfo must return blank-padded, non-NUL-terminated "
                       "UTF-8 in manufacturerID and libraryDescription, flags "
                       "equal to 0 (reserved), and a cryptokiVersion equal to "
                       "the version of the function list. These fields "
                       "identify the module in audit evidence and drive "
                       "version-dependent behaviour in callers (3.0 function "
                       "tables); wrong values mislead both.",
        .remediation = "Pad CK_INFO strings with spaces, leave flags at 0, and "
                       "report the implemented Cryptoki version consistently "
                       "in CK_INFO and CK_FUNCTION_LIST.",
        .refs = SA_REFS("PKCS#11 B2.40 §3.1 CK_INFO (unconfirmed)",
                        "PKCS#11 B2.40 §5.4.3 C_GetInfo (unconfirmed)",
                        "PKCS#11 B2.40 §3.6 CK_FUNCTION_LIST (unconfirmed)"),
        .impact = 1,
        .threat = "misleading module identification",
        .needs = SA_NEED_P11,
        .run = sa_p11is_init06,
    },
    {
        .id = "P11-INIT-07",
        .title = "PKCS#11 3.x interfaces (C_GetInterfaceList, "
                 "C_GetInterface)",
        .description = "For a module that offers PKCS#11 3.x interface "
                       "discovery (the exported C_GetInterfaceList and "
                       "C_GetInterface, found in the loaded module with "
                       "dlsym): C_GetInterfaceList(NULL, NULL) gives "
                       "CKR_ARGUMENTS_BAD and follows the output-buffer "
                       "convention; the list has a \"PKCS 11\" interface; "
                       "C_GetInterface(NULL, NULL, 0) gives the default "
                       "interface, named \"PKCS 11\", whose C_GetInfo "
                       "reports its version; a NULL output pointer, an "
                       "unknown name, version or flags are refused with "
                       "CKR_ARGUMENTS_BAD (CKR_FUNCTION_FAILED tolerated). "
                       "Calls with NULL pointers run in a child process, so "
                       "a crash is a failed check. Callers pick their "
                       "function table here. Not applicable to a v2.40 "
                       "module that exports neither function.",
        .remediation = "Implement the 3.0 interface discovery functions as "
                       "specified.",
        .refs = SA_REFS("PKCS#11 B3.0 §5.4.5 C_GetInterfaceList (unconfirmed)",
                        "PKCS#11 B3.0 §5.4.6 C_GetInterface (unconfirmed)"),
        .impact = 2,
        .threat = "wrong function table selected by callers",
        .needs = SA_NEED_P11,
        .run = sa_p11is_init07,
    },
    {
        .id = "P11-INIT-08",
        .title = "Module works in a forked child that re-initialises",
        .description = "After fork() the child is a new application: it must "
                       "be able to call C_Initialize and work, while the "
                       "parent keeps using its own sessions, and neither may "
                       "hang. Signing services and web servers fork workers; "
                       "a module that deadlocks or shares state across fork "
                       "stops the service or mixes sessions between "
                       "processes.",
        .remediation = "Detect fork (pid check or pthread_atfork) and let the "
                       "child's C_Initialize build fresh state; never share "
                       "locks or session tables across processes.",
        .refs = SA_REFS(
            "PKCS#11 UG2.40 §2.6.1 Applications and processes (unconfirmed)",
            "PKCS#11 v2.20 §6.6.1 Applications and processes"),
        .impact = 3,
        .threat = "fork-unsafe module (deadlock, shared state)",
        .needs = SA_NEED_P11_MODULE,
        .run = sa_p11is_init08,
    },
    {
        .id = "P11-SLOT-01",
        .title = "C_GetSlotList follows the output-buffer convention",
        .description = "C_GetSlotList(NULL) gives the number of slots; a "
                       "buffer of that size is filled with CKR_OK; a buffer "
                       "one entry too small gives CKR_BUFFER_TOO_SMALL with "
                       "*pulCount set to the number of slots and nothing "
                       "written past the buffer. Callers size their buffers "
                       "from these answers: a module that overruns the buffer "
                       "or reports the wrong count corrupts the caller's "
                       "memory.",
        .remediation = "Implement the size query, never write past *pulCount "
                       "entries, and set *pulCount to the needed size with "
                       "CKR_BUFFER_TOO_SMALL.",
        .refs = SA_REFS(
            "PKCS#11 B2.40 §5.5.1 C_GetSlotList (unconfirmed)",
            "PKCS#11 B2.40 §5.2 output-buffer conventions (unconfirmed)"),
        .impact = 2,
        .threat = "caller buffer overrun through the size protocol",
        .needs = SA_NEED_P11,
        .run = sa_p11is_slot01,
    },
    {
        .id = "P11-SLOT-02",
        .title = "C_GetSlotList rejects a NULL pulCount",
        .description = "C_GetSlotList with pulCount = NULL_PTR (with and "
                       "without a slot buffer) must return CKR_ARGUMENTS_BAD, "
                       "not crash. A module that dereferences NULL arguments "
                       "can be crashed by any caller on the host.",
        .remediation = "Check pulCount before use and return "
                       "CKR_ARGUMENTS_BAD.",
        .refs = SA_REFS("PKCS#11 B2.40 §5.5.1 C_GetSlotList (unconfirmed)",
                        "PKCS#11 B2.40 §5.1.6 CKR_ARGUMENTS_BAD (unconfirmed)"),
        .impact = 2,
        .threat = "crash on NULL arguments (denial of service)",
        .needs = SA_NEED_P11,
        .run = sa_p11is_slot02,
    },
    {
        .id = "P11-SLOT-03",
        .title = "Invalid slot IDs and empty slots are refused",
        .description = "A slot ID that C_GetSlotList never returned must give "
                       "CKR_SLOT_ID_INVALID from C_GetSlotInfo, "
                       "C_GetTokenInfo, C_GetMechanismList, "
                       "C_GetMechanismInfo, C_OpenSession (and C_InitToken, "
                       "exercised only with --destructive); C_GetTokenInfo on "
                       "a slot without a token must give "
                       "CKR_TOKEN_NOT_PRESENT. A module that maps unknown IDs "
                       "onto some slot sends operations, PINs and "
                       "initialisation to a token the caller did not choose.",
        .remediation = "Validate slot IDs against the slot table in every "
                       "slot-taking function.",
        .refs =
            SA_REFS("PKCS#11 B2.40 §5.5.2 C_GetSlotInfo (unconfirmed)",
                    "PKCS#11 B2.40 §5.5.3 C_GetTokenInfo (unconfirmed)",
                    "PKCS#11 B2.40 §5.5.5-5.5.7 (unconfirmed)",
                    "PKCS#11 B2.40 §5.6.1 C_OpenSession (unconfirmed)",
                    "PKCS#11 B2.40 §5.1.3 CKR_TOKEN_NOT_PRESENT (unconfirmed)"),
        .impact = 2,
        .threat = "operation routed to an unintended slot",
        .needs = SA_NEED_P11,
        .run = sa_p11is_slot03,
    },
    {
        .id = "P11-SLOT-04",
        .title = "CK_SLOT_INFO and CK_TOKEN_INFO are well formed",
        .description = "For every slot and present token: blank-padded UTF-8 "
                       "strings without NUL; only flag bits the specification "
                       "defines; a non-removable slot always has its token "
                       "present; ulMinPinLen <= ulMaxPinLen; utcTime in the "
                       "form YYYYMMDDhhmmss00 when CKF_CLOCK_ON_TOKEN is set; "
                       "session counts consistent with their maxima (or "
                       "CK_UNAVAILABLE_INFORMATION), and at least one session "
                       "counted while one is open. Auditors and callers read "
                       "token identity, PIN policy and time from these "
                       "fields.",
        .remediation = "Fill CK_SLOT_INFO/CK_TOKEN_INFO as specified in B2.40 "
                       "§3.2; report CK_UNAVAILABLE_INFORMATION rather than "
                       "inconsistent numbers.",
        .refs = SA_REFS(
            "PKCS#11 B2.40 §3.2 CK_SLOT_INFO, CK_TOKEN_INFO (unconfirmed)",
            "PKCS#11 B2.40 §5.5.2-5.5.3 (unconfirmed)"),
        .impact = 1,
        .threat = "misleading token metadata and PIN policy",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11is_slot04,
    },
    {
        .id = "P11-MECH-01",
        .title = "Mechanism list and info are consistent",
        .description = "Every mechanism C_GetMechanismList returns must be "
                       "accepted by C_GetMechanismInfo with ulMinKeySize <= "
                       "ulMaxKeySize; a mechanism not in the list must give "
                       "CKR_MECHANISM_INVALID; C_WaitForSlotEvent with "
                       "CKF_DONT_BLOCK and no event must give CKR_NO_EVENT "
                       "(CKR_FUNCTION_NOT_SUPPORTED is tolerated). The "
                       "mechanism list is the basis of the audit's algorithm "
                       "inventory.",
        .remediation = "List only mechanisms the token implements and report "
                       "consistent key-size bounds.",
        .refs =
            SA_REFS("PKCS#11 B2.40 §5.5.5 C_GetMechanismList (unconfirmed)",
                    "PKCS#11 B2.40 §5.5.6 C_GetMechanismInfo (unconfirmed)",
                    "PKCS#11 B2.40 §3.5 CK_MECHANISM_INFO (unconfirmed)",
                    "PKCS#11 B2.40 §5.5.4 C_WaitForSlotEvent (unconfirmed)"),
        .impact = 2,
        .threat = "inaccurate algorithm inventory",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11is_mech01,
    },
    {
        .id = "P11-MECH-02",
        .title = "Mechanism flags are honoured (no-key part)",
        .description = "Mechanism flags are a promise. Every mechanism "
                       "advertising CKF_DIGEST must digest; mechanisms "
                       "without CKF_DIGEST must be refused by C_DigestInit, "
                       "digest mechanisms (without CKF_GENERATE / "
                       "CKF_GENERATE_KEY_PAIR) by C_GenerateKey / "
                       "C_GenerateKeyPair, with CKR_MECHANISM_INVALID. Flags "
                       "that can only be exercised with key material (SIGN, "
                       "VERIFY, ENCRYPT, DECRYPT, WRAP, UNWRAP, DERIVE, "
                       "GENERATE) are exercised by P11-MECH-05, whose "
                       "evidence is the full mechanism support matrix; this "
                       "case's evidence file is the no-key part.",
        .remediation = "Advertise only the functions a mechanism supports and "
                       "refuse the others with CKR_MECHANISM_INVALID.",
        .refs = SA_REFS("PKCS#11 B2.40 §5.5.6 C_GetMechanismInfo (unconfirmed)",
                        "PKCS#11 B2.40 §5.10.1 C_DigestInit (unconfirmed)",
                        "PKCS#11 B2.40 §5.14.1-5.14.2 (unconfirmed)"),
        .impact = 3,
        .threat = "capability misreporting",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11is_mech02,
    },
    {
        .id = "P11-MECH-03",
        .title = "RSA key generation enforces the advertised size "
                 "bounds",
        .description = "C_GenerateKeyPair(CKM_RSA_PKCS_KEY_PAIR_GEN) with a "
                       "modulus one bit below ulMinKeySize and one bit above "
                       "ulMaxKeySize must fail with CKR_KEY_SIZE_RANGE "
                       "(CKR_ATTRIBUTE_VALUE_INVALID or "
                       "CKR_TEMPLATE_INCONSISTENT tolerated), while a size "
                       "inside the range succeeds. A token that generates "
                       "keys below its declared minimum undermines key-length "
                       "policy. Only session objects are created and they are "
                       "destroyed.",
        .remediation = "Check CKA_MODULUS_BITS against the advertised range "
                       "before generating and return CKR_KEY_SIZE_RANGE.",
        .refs =
            SA_REFS("PKCS#11 B2.40 §5.14.2 C_GenerateKeyPair (unconfirmed)",
                    "PKCS#11 B2.40 §3.5 CK_MECHANISM_INFO (unconfirmed)",
                    "PKCS#11 B2.40 §5.1.6 CKR_KEY_SIZE_RANGE (unconfirmed)"),
        .impact = 3,
        .threat = "keys outside the declared size policy",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .mechs = SA_MECHS(CKM_RSA_PKCS_KEY_PAIR_GEN),
        .run = sa_p11is_mech03,
    },
    {
        .id = "P11-MECH-04",
        .title = "Declared PKCS#11 profiles (CKO_PROFILE)",
        .description = "A 3.x token declares the OASIS profiles it claims "
                       "(baseline, extended, authentication, public "
                       "certificates, complete provider) as CKO_PROFILE "
                       "objects. The case lists them (an info verdict) and "
                       "fails only when a profile object is malformed (its "
                       "CKA_PROFILE_ID unreadable or not a CK_ULONG); the "
                       "profiles' mandatory checks are not yet run. A module "
                       "counts as 3.x when CK_INFO or its default 3.x "
                       "interface (C_GetInterface) says so; not applicable "
                       "to v2.40 modules.",
        .remediation = "Publish CKO_PROFILE objects for the profiles the token "
                       "conforms to, and only those.",
        .refs = SA_REFS("PKCS#11 B3.0 §4.13 Profile objects (unconfirmed)",
                        "PKCS#11 P3.0 §2 (unconfirmed)"),
        .impact = 2,
        .threat = "unverified conformance claims",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11is_mech04,
    },
    {
        .id = "P11-MECH-05",
        .title = "Every advertised mechanism flag works",
        .description = "The mechanism support matrix. For every mechanism "
                       "the token lists and every operation flag it "
                       "advertises (ENCRYPT, DECRYPT, DIGEST, SIGN, VERIFY, "
                       "SIGN_RECOVER, VERIFY_RECOVER, GENERATE, "
                       "GENERATE_KEY_PAIR, WRAP, UNWRAP, DERIVE) the case "
                       "runs the operation with keys it makes or imports "
                       "(session objects; token objects labelled "
                       "sigaudit-tmp, destroyed at the end, where a token "
                       "refuses session key pairs), of a size inside the "
                       "advertised range, asking only for the key usages the "
                       "token advertises, and "
                       "checks the output: against OpenSSL where the "
                       "algorithm is standard (known answers, signature "
                       "verification, identical ciphertext, wrapped key or "
                       "derived secret), else by a round trip on the token. "
                       "A listed mechanism that does not work is a failure: "
                       "callers choose algorithms from these flags. Flags "
                       "the case cannot exercise (vendor mechanisms, "
                       "unknown parameters) are listed as not exercised, "
                       "never as passed. The whole matrix is written as "
                       "evidence (mechanism-matrix.tsv).",
        .remediation = "Make every advertised function of every listed "
                       "mechanism work as the Current Mechanisms "
                       "specification defines it, or stop advertising it.",
        .refs = SA_REFS("PKCS#11 B2.40 §3.5 CK_MECHANISM_INFO flags "
                        "(unconfirmed)",
                        "PKCS#11 B2.40 §5.5.6 C_GetMechanismInfo (unconfirmed)",
                        "PKCS#11 Curr. Mech. v2.40 §2 (unconfirmed)",
                        "FIPS 180-4 (SHA test vectors); RFC 3394, RFC 5649, "
                        "RFC 8017, RFC 7919"),
        .impact = 3,
        .threat = "advertised algorithms that do not work",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11is_mech05,
    },
};

const sa_case_group sa_p11_group_init_slot = {cases, SA_COUNTOF(cases)};

/* ---- shared helpers ---- */

/* Every entry of the function list this group calls. */
#define SA_P11IS_FUNCS(X)                                                      \
	X(C_Initialize)                                                        \
	X(C_Finalize)                                                          \
	X(C_GetInfo)                                                           \
	X(C_GetFunctionList)                                                   \
	X(C_GetSlotList)                                                       \
	X(C_GetSlotInfo)                                                       \
	X(C_GetTokenInfo)                                                      \
	X(C_GetMechanismList)                                                  \
	X(C_GetMechanismInfo)                                                  \
	X(C_InitToken)                                                         \
	X(C_OpenSession)                                                       \
	X(C_CloseSession)                                                      \
	X(C_GetSessionInfo)                                                    \
	X(C_Login)                                                             \
	X(C_Logout)                                                            \
	X(C_DestroyObject)                                                     \
	X(C_GetAttributeValue)                                                 \
	X(C_FindObjectsInit)                                                   \
	X(C_FindObjects)                                                       \
	X(C_FindObjectsFinal)                                                  \
	X(C_DigestInit)                                                        \
	X(C_Digest)                                                            \
	X(C_GenerateKey)                                                       \
	X(C_GenerateKeyPair)                                                   \
	X(C_WaitForSlotEvent)

CK_FUNCTION_LIST_PTR sa_p11is_fl(sa_case_ctx *ctx)
{
	CK_FUNCTION_LIST_PTR fl = sa_case_p11(ctx);
	const char *missing = NULL;

	if (fl == NULL) {
		sa_case_error(ctx, "no PKCS#11 function list for this case");
		goto out;
	}
#define SA_P11IS_NULL_FN_(f)                                                   \
	if (missing == NULL && fl->f == NULL)                                  \
		missing = #f;
	SA_P11IS_FUNCS(SA_P11IS_NULL_FN_)
#undef SA_P11IS_NULL_FN_
	/* B2.40 §5.1.6 (unconfirmed): even unsupported functions need a stub
	 * returning CKR_FUNCTION_NOT_SUPPORTED; a NULL entry is a defect. */
	if (missing != NULL) {
		sa_case_checkf(ctx, false,
		               "function list has an entry for every function",
		               "non-NULL pointers", "%s is NULL", missing);
		fl = NULL;
	}
out:
	return fl;
}

/* Shared by the slot and mechanism lists: a size query, then a fill into a
 * buffer of that size. `fill` is called with buf == NULL for the size. */
typedef CK_RV (*sa_p11is_list_fn)(CK_FUNCTION_LIST_PTR fl, CK_ULONG arg,
                                  CK_ULONG *buf, CK_ULONG *count);

static CK_RV slot_list_fn(CK_FUNCTION_LIST_PTR fl, CK_ULONG arg, CK_ULONG *buf,
                          CK_ULONG *count)
{
	return fl->C_GetSlotList((CK_BBOOL)arg, buf, count);
}

static CK_RV mech_list_fn(CK_FUNCTION_LIST_PTR fl, CK_ULONG arg, CK_ULONG *buf,
                          CK_ULONG *count)
{
	return fl->C_GetMechanismList(arg, buf, count);
}

static int get_list(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                    sa_p11is_list_fn fn, CK_ULONG arg, const char *name,
                    CK_ULONG cap, CK_ULONG **out, CK_ULONG *n_out)
{
	int rc = -1;
	CK_ULONG *buf = NULL;
	CK_ULONG n = 0, filled;
	CK_RV rv;
	char what[96];

	*out = NULL;
	*n_out = 0;
	snprintf(what, sizeof(what), "%s size query", name);
	rv = fn(fl, arg, NULL, &n);
	if (rv != CKR_OK) {
		sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY);
		goto out;
	}
	if (n > cap) {
		sa_case_checkf(ctx, false, what, "a plausible count",
		               "%lu entries (cap %lu)", (unsigned long)n,
		               (unsigned long)cap);
		goto out;
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	/* One spare entry: p11-kit 0.24's client module reads one element
	 * past the caller's array (mechanism_list_purge); without it an ASan
	 * build dies inside p11-kit-client.so, not in the case. */
	buf = calloc((size_t)n + 1, sizeof(*buf));
	if (buf == NULL) {
		sa_case_error(ctx, "out of memory for %lu entries",
		              (unsigned long)n);
		goto out;
	}
	filled = n;
	snprintf(what, sizeof(what), "%s fill", name);
	rv = fn(fl, arg, buf, &filled);
	if (rv != CKR_OK) {
		sa_p11_check_rv(ctx, what, rv, CKR_OK, SA_STRICT_ONLY);
		goto out;
	}
	if (filled > n) {
		sa_case_checkf(ctx, false, what, "count <= buffer size",
		               "%lu > %lu", (unsigned long)filled,
		               (unsigned long)n);
		goto out;
	}
	*out = buf;
	*n_out = filled;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	return rc;
}

int sa_p11is_slot_list(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                       CK_BBOOL token_present, CK_SLOT_ID **out,
                       CK_ULONG *n_out)
{
	return get_list(ctx, fl, slot_list_fn, token_present,
	                token_present ? "C_GetSlotList(tokenPresent=TRUE)"
	                              : "C_GetSlotList(tokenPresent=FALSE)",
	                SA_P11IS_MAX_SLOTS, out, n_out);
}

int sa_p11is_mech_list(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                       CK_SLOT_ID slot, CK_MECHANISM_TYPE **out,
                       CK_ULONG *n_out)
{
	return get_list(ctx, fl, mech_list_fn, slot, "C_GetMechanismList",
	                SA_P11IS_MAX_MECHS, out, n_out);
}

int sa_p11is_first_token_slot(sa_case_ctx *ctx, CK_FUNCTION_LIST_PTR fl,
                              CK_SLOT_ID *out)
{
	int rc = -1;
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0;

	if (sa_p11is_slot_list(ctx, fl, CK_TRUE, &slots, &n) < 0)
		goto out;
	if (n == 0) {
		rc = 1;
		goto out;
	}
	*out = slots[0];
	rc = 0;
out:
	free(slots);
	return rc;
}

/* Length of the UTF-8 sequence starting at p (at most avail bytes), or 0
 * when it is not valid UTF-8 (RFC 3629: no overlongs, no surrogates, at
 * most U+10FFFF). */
static size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
	size_t len = 0, i;
	uint32_t cp;

	if (p[0] < 0x80)
		len = 1;
	else if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	if (len == 0 || len > avail)
		goto bad;
	for (i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
	if (len == 3) {
		cp = ((uint32_t)(p[0] & 0x0f) << 12) |
		     ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
		if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
	} else if (len == 4) {
		cp = ((uint32_t)(p[0] & 0x07) << 18) |
		     ((uint32_t)(p[1] & 0x3f) << 12) |
		     ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
		if (cp < 0x10000 || cp > 0x10ffff)
			goto bad;
	}
	goto out;
bad:
	len = 0;
out:
	return len;
}

bool sa_p11is_check_text(sa_case_ctx *ctx, const char *what,
                         const CK_UTF8CHAR *field, size_t len)
{
	const unsigned char *p = field;
	const void *nul = memchr(field, '\0', len);
	size_t i = 0, step;
	char shown[72];
	bool ok = false;

	if (nul != NULL) {
		sa_case_checkf(ctx, false, what,
		               "blank-padded UTF-8, no NUL byte",
		               "NUL byte at offset %zu of %zu",
		               (size_t)((const unsigned char *)nul - p), len);
		goto out;
	}
	while (i < len) {
		step = utf8_seq_len(p + i, len - i);
		if (step == 0)
			break;
		i += step;
	}
	if (i < len) {
		sa_case_checkf(
		    ctx, false, what, "blank-padded UTF-8, no NUL byte",
		    "invalid UTF-8 at offset %zu (byte 0x%02x)", i, p[i]);
		goto out;
	}
	sa_p11_str(shown, sizeof(shown), field, len);
	ok = sa_case_checkf(ctx, true, what, "blank-padded UTF-8, no NUL byte",
	                    "\"%s\"", shown);
out:
	return ok;
}

const char *sa_p11is_version_str(char *buf, size_t size, CK_VERSION v)
{
	snprintf(buf, size, "%u.%02u", (unsigned)v.major, (unsigned)v.minor);
	return buf;
}
