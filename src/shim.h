/* shim.h - shared objects of the heavy libraries, loaded on first use */
#ifndef DM_SHIM_H
#define DM_SHIM_H

#include "dm.h"

/*
 * The code that needs a heavy library (C++ ones: libfasttext, libcld2,
 * libsentencepiece, and libstdc++ with them) is built as a shared object,
 * a shim, instead of linking the library into every tool: a tool that
 * never uses it never pays for loading it at its start. A shim NAME.so is
 * looked for next to the tool (the build tree's bin/, and bin/'s parent
 * for bin/asan and bin/fuzz), then in PREFIX/lib/dm beside the installed
 * tools' bin/, then in the compiled-in LIBDIR (make's, PREFIX/lib/dm by
 * default).
 *
 * A shim is of the build of the tool that loads it: each exports
 * dm_shim_abi, DM_SHIM_ABI, a checksum of the headers made by the Makefile,
 * and one that differs (or has none) is passed over, so that a tool copied
 * away from its tree never calls into tables of another layout.
 *
 * dm_shim_load returns the shim's table of functions, the symbol sym, once
 * loaded for good; NULL with the reason appended to err ("'NAME.so' is not
 * installed ...", or dlopen's message) when it cannot be loaded. The
 * caller names its operator in front of the reason.
 */
const void *dm_shim_load(const char *name, const char *sym,
	    struct dm_buf *err);

#endif
