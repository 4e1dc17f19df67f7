/* normalize-punct.c - normalize-punct: typographic punctuation to ASCII */
#include <stddef.h>

#include "dm.h"
#include "byteset.h"

/*
 * Data-Juicer's punctuation_normalization_mapper (after BigScience's
 * data-preparation): each character found in its punctuation_unicode map
 * is replaced, every other one kept. The map is reproduced as it is,
 * oddities included, so that a recipe means the same thing here: U+FF11
 * FULLWIDTH DIGIT ONE becomes '"', U+2014 becomes " - ", U+FF0E becomes
 * ". ", and U+2018 is not in the map while U+2019 is.
 */

static const struct dm_param params[] = {
	{ .name = NULL }
};

static const char *
punct(int32_t c)
{
	switch (c) {
	case 0x00AB:		/* « */
	case 0x00BB:		/* » */
	case 0x201C:		/* “ */
	case 0x201D:		/* ” */
	case 0x201E:		/* „ */
	case 0x300A:		/* 《 */
	case 0x300B:		/* 》 */
	case 0x300C:		/* 「 */
	case 0x300D:		/* 」 */
	case 0xFF11:		/* １, as Data-Juicer has it */
		return "\"";
	case 0x00B4:		/* ´ */
	case 0x2019:		/* ’ */
		return "'";
	case 0x2013:		/* – */
	case 0x2501:		/* ━ */
	case 0x25BA:		/* ► */
		return "-";
	case 0x2014:		/* — */
		return " - ";
	case 0x2026:		/* … */
		return "...";
	case 0x2236:		/* ∶ */
	case 0xFF1A:		/* ： */
		return ":";
	case 0x3001:		/* 、 */
	case 0xFF0C:		/* ， */
		return ",";
	case 0x3002:		/* 。 */
		return ".";
	case 0xFF0E:		/* ． */
		return ". ";
	case 0x3008:		/* 〈 */
		return "<";
	case 0x3009:		/* 〉 */
		return ">";
	case 0x3010:		/* 【 */
		return "[";
	case 0x3011:		/* 】 */
		return "]";
	case 0xFF01:		/* ！ */
		return "!";
	case 0xFF05:		/* ％ */
		return "%";
	case 0xFF08:		/* （ */
		return "(";
	case 0xFF09:		/* ） */
		return ")";
	case 0xFF1B:		/* ； */
		return ";";
	case 0xFF1F:		/* ？ */
		return "?";
	case 0xFF5E:		/* ～ */
		return "~";
	}
	return NULL;
}

static struct dm_byteset lead;
static int ready;

static int
normalize_punct_text(void *state, const char *in, size_t n,
    struct dm_buf *out, struct dm_buf *err)
{
	const char *r;
	size_t i, done;
	int32_t cp;
	int len, changed;

	(void)state;
	(void)err;
	if (!ready) {
		dm_byteset_init(&lead, "\xC2\xE2\xE3\xEF", 4);
		ready = 1;
	}
	changed = 0;
	/* Every character of the map starts with one of these lead bytes;
	 * everything else is copied in runs. */
	for (i = done = 0; i < n; i++) {
		if ((i = (size_t)(dm_byteset_find(&lead, in + i, in + n) -
		    in)) == n)
			break;
		if ((len = dm_utf8_decode(in + i, n - i, &cp)) < 0 ||
		    (r = punct(cp)) == NULL)
			continue;
		dm_buf_add(out, in + done, i - done);
		dm_buf_adds(out, r);
		done = i + (size_t)len;
		i = done - 1;
		changed = 1;
	}
	if (!changed)
		return 0;
	dm_buf_add(out, in + done, n - done);
	return 1;
}

const struct dm_opdef dm_op_normalize_punct = {
	.name = "normalize-punct",
	.kind = DM_OP_MAP,
	.summary = "turn full-width and typographic punctuation into ASCII "
	    "(Data-Juicer punctuation_normalization_mapper)",
	.params = params,
	.text = normalize_punct_text,
};
