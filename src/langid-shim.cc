/* langid-shim.cc - the C face of libfasttext and libcld2, both C++, in the
 * shared object dm-langid.so that langid-load.c loads on first use */
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fasttext/fasttext.h>
#include <cld2/public/compact_lang_det.h>

#include "langid-shim.h"

namespace CLD2 {
/* exported by libcld2 but declared only in its internal headers */
const char *LanguageCode(Language lang);
}

/*
 * Prediction follows FastText::predictLine, which `fasttext predict-prob`
 * and the Python binding use: the words of one line (the text and a
 * newline, so that the end-of-sentence token is counted as they count it),
 * then predict(k, threshold 0), then exp of the log-probabilities. No C++
 * exception crosses into C.
 */
struct dm_ft {
	fasttext::FastText	 ft;
	std::shared_ptr<const fasttext::Dictionary> dict;
	std::vector<std::string> labels;	/* without the label prefix */
	std::vector<int32_t>	 words, lab;
	fasttext::Predictions	 preds;
	std::string		 line;
};

/* as fasttext.cc defines them: a model file starts with both */
enum { FT_MAGIC = 793712314, FT_VERSION = 12 };

static void
setmsg(char *msg, size_t len, const char *what)
{
	if (len)
		snprintf(msg, len, "%s", what);
}

/*
 * FastText::loadModel(filename) reads a truncated file forever (a label
 * is read up to its NUL with get(), which returns EOF at the end, not 0),
 * so the stream here throws at its end instead, and the magic number and
 * version its checkModel() would test are tested first.
 */
static bool
load(fasttext::FastText &ft, const char *path, char *msg, size_t msglen)
{
	std::ifstream in;
	int32_t magic = 0, version = 0;

	in.open(path, std::ifstream::binary);
	if (!in.is_open()) {
		setmsg(msg, msglen, strerror(errno));
		return false;
	}
	in.exceptions(std::ifstream::failbit | std::ifstream::badbit |
	    std::ifstream::eofbit);
	try {
		in.read((char *)&magic, sizeof magic);
		in.read((char *)&version, sizeof version);
	} catch (...) {
	}
	if (magic != FT_MAGIC || version != FT_VERSION) {
		setmsg(msg, msglen, "not a fastText model");
		return false;
	}
	try {
		ft.loadModel(in);
	} catch (const std::ios_base::failure &) {
		setmsg(msg, msglen, "truncated or damaged model");
		return false;
	}
	return true;
}

static struct dm_ft *
ft_open(const char *path, char *msg, size_t msglen)
{
	struct dm_ft *m = NULL;

	try {
		m = new dm_ft;
		if (!load(m->ft, path, msg, msglen)) {
			delete m;
			return NULL;
		}
		if (m->ft.getArgs().model != fasttext::model_name::sup) {
			setmsg(msg, msglen, "not a supervised (classifier) model");
			delete m;
			return NULL;
		}
		m->dict = m->ft.getDictionary();
		std::string prefix = m->ft.getArgs().label;
		for (int32_t i = 0; i < m->dict->nlabels(); i++) {
			std::string l = m->dict->getLabel(i);
			if (l.compare(0, prefix.size(), prefix) == 0)
				l.erase(0, prefix.size());
			m->labels.push_back(l);
		}
		return m;
	} catch (const std::exception &e) {
		setmsg(msg, msglen, e.what());
	} catch (...) {
		setmsg(msg, msglen, "cannot load the model");
	}
	delete m;
	return NULL;
}

static int
ft_nlabels(const struct dm_ft *m)
{
	return (int)m->labels.size();
}

static const char *
ft_label(const struct dm_ft *m, int id)
{
	return m->labels[(size_t)id].c_str();
}

static int
ft_predict(struct dm_ft *m, const char *s, size_t n, int k, float *prob,
    int *id, char *msg, size_t msglen)
{
	try {
		m->line.assign(s, n);
		m->line.push_back('\n');
		std::istringstream in(m->line);
		m->words.clear();
		m->lab.clear();
		m->preds.clear();
		m->dict->getLine(in, m->words, m->lab);
		m->ft.predict(k, m->words, m->preds, 0.0);
		size_t i;
		for (i = 0; i < m->preds.size(); i++) {
			prob[i] = std::exp(m->preds[i].first);
			id[i] = m->preds[i].second;
		}
		return (int)i;
	} catch (const std::exception &e) {
		setmsg(msg, msglen, e.what());
	} catch (...) {
		setmsg(msg, msglen, "prediction failed");
	}
	return -1;
}

static void
ft_close(struct dm_ft *m)
{
	delete m;
}

static int
cld2_detect(const char *s, size_t n, const char *code[3], int pct[3])
{
	CLD2::Language lang3[3];
	double norm3[3];
	int textbytes, valid, i;
	bool reliable;

	if (n > 0x7fffffff)
		n = 0x7fffffff;
	try {
		CLD2::ExtDetectLanguageSummaryCheckUTF8(s, (int)n, true, NULL,
		    0, lang3, pct, norm3, NULL, &textbytes, &reliable, &valid);
		for (i = 0; i < 3; i++)
			code[i] = CLD2::LanguageCode(lang3[i]);
	} catch (...) {
		return -1;
	}
	return 0;
}

/* the two symbols dm-langid.so exports: the build it is of (src/shim.h)
 * and its table */
extern "C" const char dm_shim_abi[] = DM_SHIM_ABI;

extern "C" const struct dm_langid_shim dm_langid_shim = {
	ft_open, ft_nlabels, ft_label, ft_predict, ft_close, cld2_detect
};
