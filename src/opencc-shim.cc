/* opencc-shim.cc - dm-opencc.so: a C face of libopencc, called by
 * opencc-load.c */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include <opencc/Config.hpp>
#include <opencc/Converter.hpp>
#include <opencc/Exception.hpp>

#include "opencc-shim.h"

/*
 * OpenCC's C API (opencc_open) takes a configuration by file name, and
 * libopencc then looks for each dictionary the configuration names in the
 * current folder before the configuration's: a STPhrases.ocd2 there would
 * be read in its place. Its C++ Config::NewFromString takes the
 * configuration's text, which opencc-load.c gives with every dictionary
 * made a full path, so that no file is looked for where the tool runs.
 * Converter::Convert is what opencc_convert_utf8 and Python's binding
 * call. No C++ exception crosses into C, and nothing here calls back
 * into the tools.
 */
struct occ {
	opencc::ConverterPtr	conv;
};

static void
setmsg(char *msg, size_t len, const char *what)
{
	if (len)
		snprintf(msg, len, "%s", what);
}

/* The message of the exception being handled. */
static void
caught(char *msg, size_t msglen)
{
	try {
		throw;
	} catch (const opencc::Exception &e) {
		/* not a std::exception */
		setmsg(msg, msglen, e.what());
	} catch (const std::exception &e) {
		setmsg(msg, msglen, e.what());
	} catch (...) {
		setmsg(msg, msglen, "unknown error");
	}
}

static void *
occ_open(const char *json, const char *dir, char *msg, size_t msglen)
{
	occ *o = nullptr;

	try {
		opencc::Config config;

		o = new occ;
		o->conv = config.NewFromString(json, dir);
		return o;
	} catch (...) {
		caught(msg, msglen);
	}
	delete o;
	return nullptr;
}

static char *
occ_convert(void *p, const char *s, size_t n, size_t *len, char *msg,
    size_t msglen)
{
	occ *o = static_cast<occ *>(p);
	char *r;

	try {
		std::string out = o->conv->Convert(std::string(s, n));

		if ((r = static_cast<char *>(malloc(out.size() + 1))) ==
		    nullptr) {
			setmsg(msg, msglen, "out of memory");
			return nullptr;
		}
		memcpy(r, out.data(), out.size());
		r[out.size()] = '\0';
		*len = out.size();
		return r;
	} catch (...) {
		caught(msg, msglen);
	}
	return nullptr;
}

static void
occ_release(char *r)
{
	free(r);
}

/* the build this shim is of (src/shim.h) */
extern "C" const char dm_shim_abi[] = DM_SHIM_ABI;

extern "C" const struct dm_opencc_shim dm_opencc_shim = {
	occ_open, occ_convert, occ_release
};
