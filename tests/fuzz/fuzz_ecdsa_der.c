/* libFuzzer target: the strict DER Ecdsa-Sig-Value decoder of the signing
 * suite (sa_sig_ecdsa_der_to_raw, suites/signing/sig_engine.c), which decides
 * which Wycheproof DER vectors ever reach the token. Its contract: whatever
 * it accepts is the one canonical DER encoding of the r || s it returns
 * (X.690 §10: definite, minimal lengths; minimal non-negative INTEGERs), so
 * re-encoding the output must give the input back byte for byte; whatever
 * it refuses comes with a reason. Checked for the three NIST curve sizes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sig_engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* Minimal DER INTEGER of a big-endian unsigned value. */
static size_t der_int(const unsigned char *v, size_t n, unsigned char *out)
{
	size_t i = 0, len;

	while (i + 1 < n && v[i] == 0)
		i++;
	len = n - i + ((v[i] & 0x80) ? 1 : 0);
	out[0] = 0x02;
	out[1] = (unsigned char)len;
	if (v[i] & 0x80) {
		out[2] = 0;
		memcpy(out + 3, v + i, n - i);
	} else {
		memcpy(out + 2, v + i, n - i);
	}
	return 2 + len;
}

static void one(const uint8_t *data, size_t size, size_t half)
{
	unsigned char raw[2 * 66], body[2 * (3 + 66)], der[4 + sizeof(body)];
	const char *why = NULL;
	size_t blen, dlen = 0;

	if (!sa_sig_ecdsa_der_to_raw(data, size, half, raw, &why)) {
		check(why != NULL && why[0] != '\0');
		return;
	}
	blen = der_int(raw, half, body);
	blen += der_int(raw + half, half, body + blen);
	der[dlen++] = 0x30;
	if (blen >= 0x80)
		der[dlen++] = 0x81;
	der[dlen++] = (unsigned char)blen;
	memcpy(der + dlen, body, blen);
	dlen += blen;
	check(dlen == size && memcmp(der, data, size) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 32);
	one(data, size, 48);
	one(data, size, 66);
	return 0;
}
