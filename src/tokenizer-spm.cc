/* tokenizer-spm.cc - the C face of libsentencepiece, which is C++, in the
 * shared object dm-spm.so that spm-load.c loads on first use */
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>

#include "tokenizer-spm.h"

/*
 * The count is the length of Encode()'s ids: the model's own normalizer
 * (nmt_nfkc and the like, from the model file), its whitespace handling
 * and, for BPE models trained with byte_fallback, one id a byte of an
 * unknown character. No C++ exception crosses into C.
 */
struct dm_spm {
	sentencepiece::SentencePieceProcessor	sp;
	std::vector<int>			ids;
};

static void
setmsg(char *msg, size_t len, const std::string &what)
{
	if (len)
		snprintf(msg, len, "%s", what.c_str());
}

static struct dm_spm *
spm_open(const char *path, char *msg, size_t msglen)
{
	dm_spm *m = nullptr;

	try {
		m = new dm_spm;
		auto st = m->sp.Load(path);
		if (!st.ok()) {
			/* its parse error names only its own source line */
			std::string why = st.error_message();
			setmsg(msg, msglen, why.find("ParseFromArray") ==
			    std::string::npos ? why : "");
			delete m;
			return nullptr;
		}
		return m;
	} catch (const std::exception &e) {
		setmsg(msg, msglen, e.what());
		delete m;
		return nullptr;
	}
}

static int
spm_count(struct dm_spm *m, const char *s, size_t n, size_t *count,
    char *msg, size_t msglen)
{
	try {
		m->ids.clear();
		auto st = m->sp.Encode(std::string_view(s, n), &m->ids);
		if (!st.ok()) {
			setmsg(msg, msglen, st.error_message());
			return -1;
		}
		*count = m->ids.size();
		return 0;
	} catch (const std::exception &e) {
		setmsg(msg, msglen, e.what());
		return -1;
	}
}

/* The pieces of EncodeAsPieces(), which Python's encode_as_pieces() is
 * (its unknown pieces as their surface text), each given to fn. */
static int
spm_pieces(struct dm_spm *m, const char *s, size_t n,
    void (*fn)(void *, const char *, size_t), void *arg, char *msg,
    size_t msglen)
{
	try {
		std::vector<std::string> pieces;
		auto st = m->sp.Encode(std::string_view(s, n), &pieces);
		if (!st.ok()) {
			setmsg(msg, msglen, st.error_message());
			return -1;
		}
		for (const auto &p : pieces)
			fn(arg, p.data(), p.size());
		return 0;
	} catch (const std::exception &e) {
		setmsg(msg, msglen, e.what());
		return -1;
	}
}

static void
spm_close(struct dm_spm *m)
{
	delete m;
}

/* the two symbols dm-spm.so exports: the build it is of (src/shim.h) and
 * its table */
extern "C" const char dm_shim_abi[] = DM_SHIM_ABI;

extern "C" const struct dm_spm_shim dm_spm_shim = {
	spm_open, spm_count, spm_close, spm_pieces
};
