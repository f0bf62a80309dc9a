/* The engine interface behind sig_engine.h (sig_engine*.c only). */
#ifndef SA_SUITE_SIGNING_SIG_ENGINE_INT_H
#define SA_SUITE_SIGNING_SIG_ENGINE_INT_H

#include "sig_engine.h"

typedef struct sa_sig_engine_ops {
	void (*describe)(const sa_sig_engine *e, const sa_sv_file *f, char *out,
	                 size_t size);
	void (*run)(sa_sig_engine *e, const sa_sv_file *f, sa_sig_rec *rec);
	void (*free)(sa_sig_engine *e);
} sa_sig_engine_ops;

/* The first member of every engine. */
struct sa_sig_engine {
	const sa_sig_engine_ops *ops;
	sa_case_ctx *ctx;
	sa_vec_role role;
};

#endif
