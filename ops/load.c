/* load.c - read the text of a sample that dm-scan --no-text wrote */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "scan.h"

static const struct dm_param params[] = {
	{ .name = "field", .type = DM_P_STR, .def = "path",
	  .help = "field holding the path, as dm-scan writes it" },
	{ .name = "max_size", .type = DM_P_INT, .def = "67108864",
	  .help = "largest file or member to read, in bytes",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "encoding_errors", .type = DM_P_ENUM, .def = "replace",
	  .help = "text that is not UTF-8: replace with U+FFFD, reject "
	    "(skip), or read as latin1",
	  .choices = "replace,skip,latin1" },
	{ .name = NULL }
};

struct load {
	char			*field;
	char			*b64;	/* FIELD_base64: the exact bytes */
	struct dm_loadopt	 opt;
	struct dm_buf		 path, text, json;
};

static void
fini(void *state)
{
	struct load *st = state;

	if (st == NULL)
		return;
	free(st->field);
	free(st->b64);
	dm_buf_free(&st->path);
	dm_buf_free(&st->text);
	dm_buf_free(&st->json);
	free(st);
}

static int
init(void **state, const struct dm_args *a, struct dm_buf *err)
{
	static const enum dm_encerr modes[] = {
		DM_ENCERR_REPLACE, DM_ENCERR_SKIP, DM_ENCERR_LATIN1
	};
	struct load *st;
	struct dm_buf b = DM_BUF_INIT;

	if (dm_args_fieldpath(a, "field", err) < 0)
		return -1;
	st = dm_xcalloc(1, sizeof *st);
	st->field = dm_xstrdup(dm_arg_str(a, "field"));
	dm_buf_addf(&b, "%s_base64", st->field);
	st->b64 = dm_buf_detach(&b, NULL);
	st->opt.maxsize = (size_t)dm_arg_int(a, "max_size");
	st->opt.encerr = modes[dm_arg_int(a, "encoding_errors")];
	dm_buf_init(&st->path);
	dm_buf_init(&st->text);
	dm_buf_init(&st->json);
	*state = st;
	return 0;
}

static int
run(void *state, struct dm_sample *s, const char *key, struct dm_buf *err)
{
	struct load *st = state;
	struct dm_field f;
	const char *enc;

	dm_buf_reset(&st->path);
	dm_buf_reset(&st->text);
	/* A name that is not UTF-8 is exact only in its base64 form. */
	dm_sample_get(s, st->b64, &f);
	if (f.type == DM_STRING) {
		if (dm_base64_decode(&st->path, f.str, f.len) < 0) {
			dm_buf_addf(err, "field '%s' is not base64", st->b64);
			return -1;
		}
	} else {
		dm_sample_get(s, st->field, &f);
		if (f.type == DM_MISSING) {
			dm_buf_addf(err, "field '%s' is missing", st->field);
			return -1;
		}
		if (f.type != DM_STRING) {
			dm_buf_addf(err, "field '%s' is not a string", st->field);
			return -1;
		}
		dm_buf_add(&st->path, f.str, f.len);
	}
	if (strlen(st->path.buf) != st->path.len) {
		dm_buf_adds(err, "a path with a NUL byte");
		return -1;
	}
	if (dm_scan_load(st->path.buf, &st->opt, &st->text, &enc, err) < 0)
		return -1;
	dm_buf_reset(&st->json);
	dm_json_addstr(&st->json, enc, strlen(enc));
	if (dm_sample_set_raw(s, "encoding", st->json.buf, st->json.len,
	    err) < 0)
		return -1;
	return dm_sample_set_text(s, key, st->text.buf, st->text.len, err);
}

const struct dm_opdef dm_op_load = {
	.name = "load",
	.kind = DM_OP_MAP,
	.summary = "read the text of the file a dm-scan path names",
	.params = params,
	.init = init,
	.sample = run,
	.fini = fini,
};
