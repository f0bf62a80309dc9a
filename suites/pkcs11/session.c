/* Catalogue group C (sessions and the login state machine) of the pkcs11
 * suite: the case table. The cases are in session_state.c, session_pin.c
 * and session_handles.c; their shared helpers in session_util.c.
 *
 * Section numbers: B2.40 = PKCS#11 Base Specification v2.40 Plus Errata 01,
 * UG2.40 = Usage Guide v2.40. A reference marked "(unconfirmed)" could not
 * be checked against the OASIS text when it was written; the Usage Guide
 * numbers follow the v2.20 chapter 6 layout it was cut from (6.6
 * Applications, 6.7 Sessions -> UG2.40 2.6, 2.7).
 *
 * Non-destructive by default (DESIGN §6): no case here leaves a token object,
 * changes a PIN or risks a lockout; SES-08 and SES-14 are tagged destructive
 * and also check sa_case_destructive_allowed() themselves. */
#include "session_int.h"
#include "suite.h"

#define R_OPEN      "PKCS#11 B2.40 §5.6.1 C_OpenSession (unconfirmed)"
#define R_CLOSE     "PKCS#11 B2.40 §5.6.2 C_CloseSession (unconfirmed)"
#define R_CLOSEALL  "PKCS#11 B2.40 §5.6.3 C_CloseAllSessions (unconfirmed)"
#define R_SINFO     "PKCS#11 B2.40 §5.6.4 C_GetSessionInfo (unconfirmed)"
#define R_LOGIN     "PKCS#11 B2.40 §5.6.7 C_Login (unconfirmed)"
#define R_LOGOUT    "PKCS#11 B2.40 §5.6.8 C_Logout (unconfirmed)"
#define R_INITTOKEN "PKCS#11 B2.40 §5.5.7 C_InitToken (unconfirmed)"
#define R_INITPIN   "PKCS#11 B2.40 §5.5.8 C_InitPIN (unconfirmed)"
#define R_SETPIN    "PKCS#11 B2.40 §5.5.9 C_SetPIN (unconfirmed)"
#define R_TOKINFO   "PKCS#11 B2.40 §3.2 CK_TOKEN_INFO flags (unconfirmed)"
#define R_SESSINFO  "PKCS#11 B2.40 §3.3 CK_SESSION_INFO (unconfirmed)"
#define R_RV_SESS   "PKCS#11 B2.40 §5.1.2 session return values (unconfirmed)"
#define R_RV_OTHER  "PKCS#11 B2.40 §5.1.6 other return values (unconfirmed)"
#define R_RV_PRIO   "PKCS#11 B2.40 §5.1.7 priorities of errors (unconfirmed)"
#define R_SIGNINIT  "PKCS#11 B2.40 §5.11.1 C_SignInit (unconfirmed)"
#define R_UG_STATES "PKCS#11 UG2.40 §2.7.1-2.7.2 session states (unconfirmed)"
#define R_UG_ACCESS "PKCS#11 UG2.40 §2.7.3 object access table (unconfirmed)"
#define R_UG_EVENTS "PKCS#11 UG2.40 §2.7.4 session events (unconfirmed)"
#define R_UG_HANDLES                                                           \
	"PKCS#11 UG2.40 §2.7.5 session/object handles (unconfirmed)"

static const sa_case cases[] = {
    {
        .id = "P11-SES-01",
        .title = "C_OpenSession requires CKF_SERIAL_SESSION and honours "
                 "write protection",
        .description =
            "Opens sessions without CKF_SERIAL_SESSION (flags 0 and "
            "CKF_RW_SESSION alone), which must be refused with "
            "CKR_SESSION_PARALLEL_NOT_SUPPORTED; then an RW session, "
            "which a CKF_WRITE_PROTECTED token must refuse with "
            "CKR_TOKEN_WRITE_PROTECTED, and finally checks that "
            "C_GetSessionInfo reports the slot, state and flags the "
            "sessions were opened with. A module that accepts "
            "malformed flags or misreports a session's kind lets an "
            "application believe it holds a session it does not "
            "have, and a write-protected token that opens RW "
            "sessions gives no guarantee its keys cannot change.",
        .remediation =
            "Reject C_OpenSession without CKF_SERIAL_SESSION with "
            "CKR_SESSION_PARALLEL_NOT_SUPPORTED, refuse RW sessions "
            "on write-protected tokens with CKR_TOKEN_WRITE_PROTECTED"
            " and report each session's slotID, state and flags "
            "exactly in C_GetSessionInfo.",
        .refs = SA_REFS(R_OPEN, R_SINFO, R_SESSINFO),
        .impact = 2,
        .threat = "api-nonconformance",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_ses01_open_flags,
    },
    {
        .id = "P11-SES-02",
        .title = "C_OpenSession with a NULL phSession is refused",
        .description =
            "Calls C_OpenSession (RO and RW) with phSession NULL_PTR "
            "and expects CKR_ARGUMENTS_BAD, then checks that the "
            "token's ulSessionCount did not grow. A module that "
            "writes through the NULL pointer crashes the calling "
            "process; one that opens the session anyway leaks a "
            "session the application can never close.",
        .remediation = "Validate phSession before doing anything and return "
                       "CKR_ARGUMENTS_BAD without opening a session.",
        .refs = SA_REFS(R_OPEN, R_RV_OTHER, R_TOKINFO),
        .impact = 2,
        .threat = "memory-safety",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_ses02_open_null,
    },
    {
        .id = "P11-SES-03a",
        .title = "User login and logout move every session of the "
                 "application",
        .description =
            "Opens an RO and an RW session, logs the user in through "
            "the RO one and checks that both report "
            "CKS_RO_USER_FUNCTIONS / CKS_RW_USER_FUNCTIONS, that "
            "sessions opened afterwards start logged in, and that "
            "C_Logout in one session returns all four to the public "
            "states. Login state belongs to the application, not to "
            "a session: an auditor needs to know that C_GetSessionInfo"
            " tells the truth about who is authenticated, because "
            "applications decide what to attempt from it.",
        .remediation =
            "Keep one login state per application and token, apply "
            "C_Login/C_Logout to all its sessions at once and report "
            "it through CK_SESSION_INFO.state.",
        .refs = SA_REFS(R_UG_STATES, R_UG_EVENTS, R_LOGIN, R_LOGOUT, R_SINFO),
        .impact = 4,
        .threat = "authentication-state-confusion",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses03a_user_states,
    },
    {
        .id = "P11-SES-03b",
        .title = "SO login gives CKS_RW_SO_FUNCTIONS to every session",
        .description =
            "Logs the Security Officer in through an RW session, "
            "checks CKS_RW_SO_FUNCTIONS in it and in an RW session "
            "opened afterwards, then logs out through the second "
            "session and checks both are CKS_RW_PUBLIC_SESSION "
            "again. The SO role can reset the user PIN: a token that "
            "misreports or leaves an SO session behind after logout "
            "hides an administrative privilege.",
        .remediation = "Apply SO login and logout to all the application's "
                       "sessions and report CKS_RW_SO_FUNCTIONS only while the "
                       "SO is logged in.",
        .refs = SA_REFS(R_UG_STATES, R_UG_EVENTS, R_LOGIN, R_LOGOUT, R_SINFO),
        .impact = 4,
        .threat = "privilege-escalation",
        .tags = SA_TAG_NEEDS_SO,
        .needs = SA_NEED_TOKEN | SA_NEED_SO_PIN,
        .run = sa_p11_ses03b_so_states,
    },
    {
        .id = "P11-SES-04",
        .title = "SO login is refused while a read-only session exists",
        .description =
            "With an RO and an RW session open, C_Login(CKU_SO) "
            "(through either session, with the right SO PIN) must "
            "return CKR_SESSION_READ_ONLY_EXISTS and leave both "
            "sessions public. Read-only SO sessions do not exist in "
            "PKCS#11; a token that accepts the login has sessions in "
            "an undefined state and may grant the SO rights through "
            "a session the application believes is read-only.",
        .remediation = "Refuse an SO login with CKR_SESSION_READ_ONLY_EXISTS "
                       "while the application has any RO session with the "
                       "token.",
        .refs = SA_REFS(R_LOGIN, R_UG_STATES),
        .impact = 3,
        .threat = "privilege-escalation",
        .tags = SA_TAG_NEEDS_SO,
        .needs = SA_NEED_TOKEN | SA_NEED_SO_PIN,
        .run = sa_p11_ses04_so_ro_exists,
    },
    {
        .id = "P11-SES-05",
        .title = "No read-only session opens while the SO is logged in",
        .description = "Logs the SO in through an RW session and then opens an "
                       "RO session, which must fail with "
                       "CKR_SESSION_READ_WRITE_SO_EXISTS; the SO session must "
                       "stay in CKS_RW_SO_FUNCTIONS. An RO session created "
                       "beside an SO login would be in a state the "
                       "specification does not define.",
        .remediation = "Return CKR_SESSION_READ_WRITE_SO_EXISTS from "
                       "C_OpenSession without CKF_RW_SESSION while the SO is "
                       "logged in.",
        .refs = SA_REFS(R_OPEN, R_UG_STATES),
        .impact = 3,
        .threat = "authentication-state-confusion",
        .tags = SA_TAG_NEEDS_SO,
        .needs = SA_NEED_TOKEN | SA_NEED_SO_PIN,
        .run = sa_p11_ses05_ro_while_so,
    },
    {
        .id = "P11-SES-06a",
        .title = "A second user login is refused as already logged in",
        .description =
            "Logs the user in, then calls C_Login(CKU_USER) again in "
            "the same session and in another one: both must return "
            "CKR_USER_ALREADY_LOGGED_IN and leave the state "
            "unchanged. Returning CKR_OK hides from the application "
            "that the login is shared by all its sessions.",
        .remediation = "Return CKR_USER_ALREADY_LOGGED_IN for any C_Login of "
                       "the user while the user is logged in to the "
                       "application.",
        .refs = SA_REFS(R_LOGIN),
        .impact = 2,
        .threat = "api-nonconformance",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses06a_user_twice,
    },
    {
        .id = "P11-SES-06b",
        .title = "User and SO cannot be logged in at the same time",
        .description = "With the user logged in, C_Login(CKU_SO) must return "
                       "CKR_USER_ANOTHER_ALREADY_LOGGED_IN; with the SO logged "
                       "in, C_Login(CKU_USER) must too, and the session state "
                       "must stay that of the first role. A token that lets "
                       "both roles in at once mixes the SO's administrative "
                       "rights with the user's access to private keys in one "
                       "application.",
        .remediation = "Allow one role per application and token; refuse the "
                       "other with CKR_USER_ANOTHER_ALREADY_LOGGED_IN until "
                       "C_Logout.",
        .refs = SA_REFS(R_LOGIN, R_UG_EVENTS),
        .impact = 4,
        .threat = "privilege-escalation",
        .tags = SA_TAG_NEEDS_SO,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN | SA_NEED_SO_PIN,
        .run = sa_p11_ses06b_user_and_so,
    },
    {
        .id = "P11-SES-07",
        .title = "A wrong user PIN is refused and reported in the token "
                 "flags",
        .description = "Proves the configured user PIN with a login, then "
                       "presents exactly one wrong PIN (derived from the real "
                       "one, same length and character class): it must fail "
                       "with CKR_PIN_INCORRECT and leave the session public; "
                       "CKF_USER_PIN_COUNT_LOW should then be set (a token may "
                       "keep all PIN flags false: lenient) and "
                       "CKF_USER_PIN_LOCKED must not be; a good login must "
                       "clear COUNT_LOW and FINAL_TRY. The case is skipped if "
                       "FINAL_TRY or LOCKED is already set. Auditors rely on "
                       "these flags to see guessing attempts, and stuck flags "
                       "train operators to ignore them.",
        .remediation = "Refuse wrong PINs with CKR_PIN_INCORRECT, set "
                       "CKF_USER_PIN_COUNT_LOW (and FINAL_TRY before the last "
                       "attempt) and clear them on the next successful login.",
        .refs = SA_REFS(R_LOGIN, R_TOKINFO),
        .impact = 3,
        .threat = "pin-guessing",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses07_wrong_pin_flags,
    },
    {
        .id = "P11-SES-08",
        .title = "The user PIN locks after repeated wrong PINs",
        .description =
            "Destructive, disposable tokens only. After proving the "
            "user and SO PINs, presents wrong user PINs until the "
            "token reports CKR_PIN_LOCKED or CKF_USER_PIN_LOCKED, at "
            "most " SA_P11_SES_XSTR(
                SA_P11_SES_LOCKOUT_MAX_TRIES) " times; then the "
                                              "right PIN must be refused with "
                                              "CKR_PIN_LOCKED and "
                                              "FINAL_TRY must have announced "
                                              "the locking attempt. "
                                              "The user PIN is then restored "
                                              "by the SO with C_InitPIN. "
                                              "PKCS#11 does not require a "
                                              "lockout, so its absence is "
                                              "a security finding rather than "
                                              "a conformance failure: "
                                              "without one, the PIN protecting "
                                              "the signing keys can "
                                              "be guessed by anyone who can "
                                              "reach the module.",
        .remediation = "Configure a retry limit on the user PIN (typically 3 "
                       "to 10), report it through CKF_USER_PIN_COUNT_LOW / "
                       "FINAL_TRY / LOCKED and refuse even the right PIN once "
                       "locked until the SO resets it.",
        .refs = SA_REFS(R_LOGIN, R_TOKINFO, R_INITPIN),
        .impact = 5,
        .threat = "pin-brute-force",
        .tags = SA_TAG_DESTRUCTIVE | SA_TAG_NEEDS_SO | SA_TAG_FINDING,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN | SA_NEED_SO_PIN,
        .run = sa_p11_ses08_pin_lockout,
    },
    {
        .id = "P11-SES-09",
        .title = "C_Login with an undefined user type is refused",
        .description = "Calls C_Login with user types 3, 99 and 0x7fffffff "
                       "(none defined by PKCS#11 v2.40) and the real user PIN: "
                       "each must return CKR_USER_TYPE_INVALID and leave the "
                       "session public. A module that maps unknown types onto "
                       "a real role authenticates a principal the application "
                       "never asked for; passing the right PIN means such a "
                       "module logs in here instead of counting a wrong PIN.",
        .remediation = "Accept only CKU_SO, CKU_USER and CKU_CONTEXT_SPECIFIC "
                       "and return CKR_USER_TYPE_INVALID for any other value "
                       "before the PIN is examined.",
        .refs = SA_REFS(R_LOGIN, R_RV_OTHER),
        .impact = 3,
        .threat = "authentication-bypass",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses09_user_type,
    },
    {
        .id = "P11-SES-10",
        .title = "C_Logout without a login returns "
                 "CKR_USER_NOT_LOGGED_IN",
        .description = "Calls C_Logout in a fresh public session and, when a "
                       "user PIN is configured, a second time after a login "
                       "and logout: both must return CKR_USER_NOT_LOGGED_IN. A "
                       "silent CKR_OK hides from an application that it was "
                       "never (or no longer) authenticated.",
        .remediation = "Return CKR_USER_NOT_LOGGED_IN from C_Logout when no "
                       "user is logged in.",
        .refs = SA_REFS(R_LOGOUT),
        .impact = 1,
        .threat = "api-nonconformance",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_ses10_logout_twice,
    },
    {
        .id = "P11-SES-11",
        .title = "C_Logout destroys private session objects and "
                 "invalidates private handles",
        .description =
            "Logged in, creates a private and a public session "
            "CKO_DATA object and notes a private token object if "
            "one exists; after C_Logout the private session object "
            "and the token object's handle must give "
            "CKR_OBJECT_HANDLE_INVALID while the public object stays "
            "readable, and after logging in again the old handles "
            "must still be invalid and the private session object "
            "must not be found. Stale handles that keep working "
            "after logout let any later code in the application use "
            "private keys without authenticating.",
        .remediation = "On C_Logout destroy the application's private session "
                       "objects and invalidate every handle to a private "
                       "object; hand out new handles after the next login.",
        .refs = SA_REFS(R_LOGOUT, R_UG_ACCESS, R_UG_HANDLES),
        .impact = 4,
        .threat = "private-object-exposure",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses11_logout_objects,
    },
    {
        .id = "P11-SES-12a",
        .title = "Every session function refuses closed and bogus "
                 "session handles",
        .description =
            "With a live RW session open, calls each of the 55 "
            "PKCS#11 v2.40 functions that take a session handle "
            "(C_GetSessionInfo to C_CloseSession, with otherwise "
            "valid arguments) with a closed handle, with 0, with a "
            "value never issued and with an object's handle: each "
            "must return CKR_SESSION_HANDLE_INVALID (the legacy "
            "C_GetFunctionStatus / C_CancelFunction may answer "
            "CKR_FUNCTION_NOT_PARALLEL: lenient), and the live "
            "session must be unharmed. A module that maps an invalid "
            "handle onto some live session lets one caller act in "
            "another's authenticated context.",
        .remediation =
            "Look every session handle up before anything else and "
            "return CKR_SESSION_HANDLE_INVALID when it does not name "
            "an open session of the calling application.",
        .refs = SA_REFS(R_RV_SESS, R_UG_HANDLES, R_CLOSE),
        .impact = 3,
        .threat = "handle-confusion",
        .needs = SA_NEED_TOKEN,
        .run = sa_p11_ses12a_bad_handles,
    },
    {
        .id = "P11-SES-12b",
        .title = "An invalid session handle outranks NULL arguments",
        .description =
            "Calls 18 session functions with a closed session handle "
            "and NULL pointer arguments: the session error must be "
            "reported (CKR_SESSION_HANDLE_INVALID) before the "
            "argument error (CKR_ARGUMENTS_BAD is accepted as "
            "lenient, the priority rule being stated \"in "
            "general\"). A module that dereferences arguments "
            "before it validates the session crashes on input an "
            "application cannot always control. Each call runs in "
            "a forked process that initialises the library itself "
            "(a new application), so a crash fails that one call's "
            "check and the other calls are still measured.",
        .remediation = "Validate the session handle first, then the arguments, "
                       "as the error priorities of the specification require.",
        .refs = SA_REFS(R_RV_PRIO, R_RV_SESS, R_RV_OTHER),
        .impact = 2,
        .threat = "memory-safety",
        .needs = SA_NEED_P11_MODULE,
        .run = sa_p11_ses12b_handle_precedence,
    },
    {
        .id = "P11-SES-13",
        .title = "C_CloseAllSessions closes every session and logs out",
        .description =
            "Opens an RO and an RW session, logs the user in and "
            "creates a session object, then calls C_CloseAllSessions:"
            " the old handles must give CKR_SESSION_HANDLE_INVALID, "
            "a new session must start in CKS_RO_PUBLIC_SESSION and "
            "the session object must be gone. An application closes "
            "all sessions to drop its authentication (for instance "
            "when a signing service shuts down); a module that keeps "
            "them alive keeps the keys unlocked.",
        .remediation = "Make C_CloseAllSessions close every session of the "
                       "application on the slot, destroy their session objects "
                       "and log the application out.",
        .refs = SA_REFS(R_CLOSEALL, R_CLOSE, R_UG_EVENTS),
        .impact = 3,
        .threat = "stale-authentication",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses13_close_all,
    },
    {
        .id = "P11-SES-14",
        .title = "C_InitToken is refused with a session open or a "
                 "wrong SO PIN",
        .description =
            "Destructive, disposable tokens only. With a session "
            "open, C_InitToken with the right SO PIN and the token's "
            "own label must return CKR_SESSION_EXISTS; with no "
            "session, one attempt with a wrong SO PIN must return "
            "CKR_PIN_INCORRECT. The token must keep its label, "
            "stay initialised with its user PIN, and a good SO login "
            "must clear the SO PIN flags. C_InitToken destroys every "
            "object: accepting it in either situation lets a "
            "program wipe the keys of a running service or without "
            "the SO's authority. Should the token wrongly accept, "
            "the case restores the SO and user PINs it knows.",
        .remediation = "Refuse C_InitToken with CKR_SESSION_EXISTS while any "
                       "session is open on the token, and verify the existing "
                       "SO PIN (CKR_PIN_INCORRECT) before re-initialising.",
        .refs = SA_REFS(R_INITTOKEN, R_TOKINFO),
        .impact = 4,
        .threat = "unauthorised-token-wipe",
        .tags = SA_TAG_DESTRUCTIVE | SA_TAG_NEEDS_SO,
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN | SA_NEED_SO_PIN,
        .run = sa_p11_ses14_init_token,
    },
    {
        .id = "P11-SES-15a",
        .title = "C_SetPIN is refused in read-only sessions",
        .description = "Calls C_SetPIN (old and new PIN both the real user PIN,"
                       " so that nothing can change) in an RO public and an RO "
                       "user session: both must return CKR_SESSION_READ_ONLY. "
                       "Changing a PIN is a write to the token, which a "
                       "read-only session must never perform.",
        .remediation = "Allow C_SetPIN only in the R/W Public, R/W User and "
                       "R/W SO states; return CKR_SESSION_READ_ONLY otherwise.",
        .refs = SA_REFS(R_SETPIN, R_UG_STATES),
        .impact = 3,
        .threat = "unauthorised-pin-change",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses15a_setpin_ro,
    },
    {
        .id = "P11-SES-15b",
        .title = "C_InitPIN works only in the R/W SO Functions state",
        .description = "Calls C_InitPIN (new PIN = the real user PIN, so an "
                       "erroneous success changes nothing) in an RW public, an "
                       "RO public (CKR_SESSION_READ_ONLY accepted as lenient) "
                       "and an RW user session: each must return "
                       "CKR_USER_NOT_LOGGED_IN. A token that lets anyone but "
                       "the SO set the user PIN lets an attacker take over the "
                       "user role and every private key with it.",
        .remediation = "Allow C_InitPIN only in CKS_RW_SO_FUNCTIONS and return "
                       "CKR_USER_NOT_LOGGED_IN in every other state.",
        .refs = SA_REFS(R_INITPIN, R_UG_STATES),
        .impact = 5,
        .threat = "privilege-escalation",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses15b_initpin_state,
    },
    {
        .id = "P11-SES-15c",
        .title = "C_SetPIN enforces ulMinPinLen and ulMaxPinLen",
        .description =
            "Logged in as the user, calls C_SetPIN with the real old "
            "PIN and a new PIN one character longer than "
            "ulMaxPinLen (only when ulMaxPinLen < 256) and one "
            "shorter than ulMinPinLen: both must return "
            "CKR_PIN_LEN_RANGE. If the token accepts one, the PIN is "
            "set back at once and the case fails. A token that "
            "accepts PINs shorter than it advertises weakens the "
            "only secret between an attacker and the keys; one that "
            "silently truncates long PINs locks users out.",
        .remediation = "Check the new PIN's length against ulMinPinLen and "
                       "ulMaxPinLen and return CKR_PIN_LEN_RANGE without "
                       "changing the PIN.",
        .refs = SA_REFS(R_SETPIN, R_TOKINFO),
        .impact = 2,
        .threat = "weak-pin",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses15c_pin_len_range,
    },
    {
        .id = "P11-SES-16a",
        .title = "A private key cannot be used after logout",
        .description =
            "Logged in, takes a private signing key of the token (or,"
            " if there is none, generates a session P-256 key pair),"
            " logs out and calls C_SignInit with the old key handle, "
            "in the logged-out session and in a session opened "
            "afterwards. Any refusal passes here (the return code is "
            "P11-SES-16b); an accepted C_SignInit fails, and a "
            "signature made without authentication is the critical "
            "finding this case exists for: whoever can call the "
            "module could sign as the key holder.",
        .remediation = "Check the session's login state and the handle's "
                       "validity on every use of a private object; never start "
                       "an operation with a private key in a public session.",
        .refs = SA_REFS(R_SIGNINIT, R_LOGOUT, R_UG_ACCESS),
        .impact = 5,
        .threat = "key-use-without-authentication",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses16a_key_without_login,
    },
    {
        .id = "P11-SES-16b",
        .title = "C_SignInit after logout returns CKR_USER_NOT_LOGGED_IN "
                 "or CKR_KEY_HANDLE_INVALID",
        .description =
            "The same sequence as P11-SES-16a, checking the return "
            "code: for a token key CKR_USER_NOT_LOGGED_IN (the key "
            "exists, the user is not logged in), with "
            "CKR_KEY_HANDLE_INVALID lenient since C_Logout "
            "invalidates handles to private objects; for a session "
            "key, destroyed by C_Logout, CKR_KEY_HANDLE_INVALID with "
            "CKR_USER_NOT_LOGGED_IN lenient. Other codes (such as "
            "CKR_OBJECT_HANDLE_INVALID, which C_SignInit does not "
            "list) leave an application unable to tell an expired "
            "login from a programming error, and so to re-"
            "authenticate correctly.",
        .remediation =
            "Return CKR_USER_NOT_LOGGED_IN (or CKR_KEY_HANDLE_INVALID"
            " for a handle invalidated by C_Logout) from C_SignInit "
            "and the other key-taking functions.",
        .refs = SA_REFS(R_SIGNINIT, R_LOGOUT, R_RV_OTHER),
        .impact = 1,
        .threat = "api-nonconformance",
        .needs = SA_NEED_TOKEN | SA_NEED_USER_PIN,
        .run = sa_p11_ses16b_key_without_login_rv,
    },
};

const sa_case_group sa_p11_group_session = {cases, SA_COUNTOF(cases)};
