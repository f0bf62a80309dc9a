/* sigaudit: selecting a token by PKCS#11 URI (RFC 7512), through p11-kit
 * (private to the harness).
 *
 * A profile names its token with a URI such as pkcs11:token=sigaudit-demo.
 * Only the token, slot and library parts of a URI select a slot; object parts
 * (object=, id=, type=) are accepted so that an auditor may paste a key's URI,
 * and ignored. */
#ifndef SA_URI_H
#define SA_URI_H

#include <stdbool.h>

#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

#include "sigaudit/error.h"

/* A module claiming more slots than this is treated as broken rather than
 * trusted with an unbounded allocation. */
#define SA_URI_MAX_SLOTS 4096u

/** Parse a token URI as the profile and the runner accept it: valid RFC 7512
 * syntax that p11-kit recognises entirely (a misspelt attribute is an error,
 * not a URI that silently matches nothing), and no query part (so no
 * pin-value or pin-source: PINs come from user_pin_env / user_pin_file only).
 * On success *out is a new P11KitUri (p11_kit_uri_free); on error *out is NULL
 * and err says "bad token URI: <why>" (code SA_E_INVALID), without quoting the
 * URI. */
int sa_uri_parse_token(P11KitUri **out, const char *uri, sa_error *err);

/** Whether the token, as described by ti, matches the token part of uri
 * (false when uri is not a valid token URI). Blank and NUL padding of the
 * fixed-width fields are treated alike. */
bool sa_uri_match_token(const char *uri, const CK_TOKEN_INFO *ti);

/** Find the one slot, among slots with a token present, whose module, slot and
 * token match uri. 0 and *out set when exactly one matches; SA_E_NOTFOUND
 * ("no token matches <uri> (tokens seen: 'a', 'b')") when none does;
 * SA_E_INVALID ("<uri> matches N tokens; add serial= to the URI") when several
 * do; SA_E_CKR when the module fails a call. The module must be initialised. */
int sa_uri_select_slot(CK_FUNCTION_LIST_PTR f, const char *uri, CK_SLOT_ID *out,
                       sa_error *err);

#endif
