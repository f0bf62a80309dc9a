/* sigaudit: the one byte-buffer type (STYLE rule 12).
 *
 * A failed allocation sets a sticky flag: later appends are no-ops and
 * sa_buf_ok() tells. A buffer marked secure (sa_buf_init_secure) is wiped with
 * OPENSSL_cleanse on every reallocation and on free: use it for PINs and key
 * bytes. The data is always NUL-terminated (not counted in len) so a buffer
 * holding text can be used as a C string. */
#ifndef SIGAUDIT_BUF_H
#define SIGAUDIT_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sa_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	bool failed;
	bool secure;
} sa_buf;

#define SA_BUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0, false, false                                       \
	}
#define SA_BUF_INIT_SECURE                                                     \
	{                                                                      \
		NULL, 0, 0, false, true                                        \
	}

/** Ensure room for `extra` more bytes (plus the NUL). 0 or SA_E_NOMEM/RANGE. */
int sa_buf_reserve(sa_buf *buf, size_t extra);
/** Append bytes. 0 or a negative code; after a failure the buffer is failed. */
int sa_buf_append(sa_buf *buf, const void *data, size_t len);
int sa_buf_append_str(sa_buf *buf, const char *str);
int sa_buf_appendf(sa_buf *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** Append `len` bytes as lowercase hex. */
int sa_buf_append_hex(sa_buf *buf, const void *data, size_t len);
/** true when no operation has failed. */
bool sa_buf_ok(const sa_buf *buf);
/** Keep the allocation, set len to 0 (wiping when secure). */
void sa_buf_reset(sa_buf *buf);
/** Release (wiping when secure); the buffer is left as SA_BUF_INIT. NULL ok. */
void sa_buf_free(sa_buf *buf);
/** Return the data (caller frees with free(), or OPENSSL_clear_free when
 * secure) and leave the buffer empty. Returns NULL if failed or empty. */
unsigned char *sa_buf_steal(sa_buf *buf, size_t *len_out);
/** The contents as a C string ("" when empty). Borrowed. */
const char *sa_buf_cstr(const sa_buf *buf);

#endif
