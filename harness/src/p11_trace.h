/* A PKCS#11 call trace per case, kept as evidence (DESIGN §7: "raw
 * requests/responses, call traces").
 *
 * In the case's child the runner puts a function list of wrappers between
 * the case and the module. Each call becomes one line of
 * evidence/<case>/p11-trace.tsv, written as soon as the call returns (so a
 * crash or a hang keeps everything before it):
 *
 *   seq  t_ms  function  arguments  rv  us
 *
 * Arguments are the scalar values (handles, lengths, flags), the mechanism
 * by name, and for CK_ULONG outputs (lengths, counts, handles) the value
 * after the call; buffers appear only as "buf" or "NULL", never their
 * contents, and every parameter that holds a PIN or its length is left out
 * entirely. After SA_P11_TRACE_LINES_MAX lines only counts are kept; the
 * last line is a summary of calls per function. One trace per process: the
 * child runs one case. */
#ifndef SA_P11_TRACE_H
#define SA_P11_TRACE_H

#include <p11-kit/pkcs11.h>

#define SA_P11_TRACE_LINES_MAX 20000

/** Start tracing calls into `real` to `path` (created, truncated). Returns
 * the wrapping function list, or `real` itself when the file cannot be
 * opened (the case runs untraced; tracing is evidence, not a condition). */
CK_FUNCTION_LIST_PTR sa_p11_trace_wrap(CK_FUNCTION_LIST_PTR real,
                                       const char *path);
/** Append the summary and close the file. */
void sa_p11_trace_finish(void);

#endif
