/* Small shared utilities of the harness (private). */
#ifndef SA_UTIL_H
#define SA_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "sigaudit/error.h"

/** mkdir -p with mode 0755. */
int sa_mkdir_p(const char *path, sa_error *err);
/** Write a whole file (0644), replacing it. */
int sa_write_file(const char *path, const void *data, size_t len,
                  sa_error *err);
/** Write via path.tmp + rename, so a reader never sees half a file. */
int sa_write_file_atomic(const char *path, const void *data, size_t len,
                         sa_error *err);
/** Read a whole file (at most max bytes) into *out (NUL-terminated, free()). */
int sa_read_file(char **out, size_t *len, const char *path, size_t max,
                 sa_error *err);
/** SHA-256 of a file as 64 lowercase hex chars + NUL. */
int sa_sha256_file(char out[65], const char *path, sa_error *err);
/** "2026-11-23T10:00:31Z" for t. */
void sa_utc_iso(char out[32], time_t t);
/** "20261123T100031Z" for t (directory names). */
void sa_utc_compact(char out[32], time_t t);
/** Monotonic milliseconds. */
uint64_t sa_now_ms(void);
/** Length of the valid UTF-8 sequence (RFC 3629) at s, at most n bytes; 0
 * when invalid. */
size_t sa_utf8_seq_len(const unsigned char *s, size_t n);
/** json string that replaces invalid UTF-8 bytes by '?' (never NULL unless
 * OOM). */
json_t *sa_json_string_lossy(const char *s);
/** Split "a,b,c" into a NULL-terminated array of strings (one allocation each);
 * free with sa_strv_free. */
char **sa_strv_split(const char *s, char sep);
void sa_strv_free(char **v);
/** fnmatch-style glob match (case-sensitive): '*' and '?'. */
bool sa_glob_match(const char *pattern, const char *s);

#endif
