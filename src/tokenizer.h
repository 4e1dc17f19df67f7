/* tokenizer.h - token counts of tokenizer.json and SentencePiece files */
#ifndef DM_TOKENIZER_H
#define DM_TOKENIZER_H

#include <stddef.h>

struct dm_buf;
struct dm_spm;

/*
 * A tokenizer.json of Hugging Face's tokenizers library, counted as the
 * library counts. Byte-level BPE (GPT-2, Llama 3, Qwen, GPT-4o style):
 * normalizer none, NFC or NFKC; pre_tokenizer ByteLevel, Split (Isolated,
 * or Removed inverted) or a Sequence of them. SentencePiece-style models
 * (Llama 2, Mistral, T5, XLM-R): BPE on characters or Unigram (Viterbi
 * over the pieces' scores), byte_fallback and fuse_unk as the model says;
 * normalizers NFC, NFD, NFKC, NFKD, Prepend, Replace, Strip, Lowercase,
 * Precompiled (SentencePiece's charsmap) and Sequence (tokenizer-norm.c);
 * pre-tokenizers Metaspace (prepend_scheme, split) and WhitespaceSplit
 * too. Added tokens are matched in the text first, one token each. The
 * count is that of encode(text, add_special_tokens=False): the
 * post-processor's BOS/EOS are not counted.
 *
 * A tokenizer is loaded once per process (the same path again gives the
 * same one, kept until exit), and the count of every pre-token seen is
 * kept in a bounded cache, so repeated words cost a hash look-up.
 */
struct dm_tok;

/*
 * A SentencePiece model file (Llama 2, T5, Mistral: a .model, told from
 * JSON by its first byte) is read by libsentencepiece; its count is that
 * of its Encode() (spm_encode), without BOS/EOS.
 *
 * A name without '/' or '.' is looked up in the directories of
 * DM_TOKENIZER_PATH (':'-separated), else DM_SHAREDIR/tokenizers, as
 * NAME.json, NAME/tokenizer.json, NAME.model or NAME/tokenizer.model. A
 * Hugging Face model id ORG/NAME that is no file is the tokenizer.json of
 * the snapshot refs/main names in the hub cache (HF_HUB_CACHE, else
 * HF_HOME/hub, else ~/.cache/huggingface/hub), as transformers finds it.
 */

/* The tokenizer of path or name, loaded on first use; NULL with the reason
 * in err (unknown name, unreadable file, not JSON nor a SentencePiece
 * model, an unsupported model or pre-tokenizer). */
struct dm_tok *dm_tok_get(const char *path, struct dm_buf *err);
/* The number of tokens of s[0..n) (valid UTF-8); 0, or -1 with err. */
int	 dm_tok_count(struct dm_tok *, const char *s, size_t n, size_t *count,
	    struct dm_buf *err);

/*
 * The SentencePiece model whose pieces are the words of sp= (words,
 * word_rep, stopword_ratio, flagged_ratio), loaded once. A name without
 * '/' or '.' is NAME.sp.model, as Data-Juicer names its models, looked up
 * in the directories of DM_TOKENIZER_PATH (else DM_SHAREDIR/tokenizers),
 * of DATA_JUICER_EXTERNAL_MODELS_HOME, then in Data-Juicer's model cache
 * (DATA_JUICER_MODELS_CACHE, else DATA_JUICER_CACHE_HOME/models, else
 * ~/.cache/data_juicer/models); anything else is a path. NULL with the
 * reason in err (naming the directories searched).
 */
struct dm_spm *dm_tok_spm(const char *name, struct dm_buf *err);

/* The names of the tokenizers on the search path, sorted, into *names
 * (each and the array the caller's to free); how many. */
size_t	 dm_tok_names(char ***names);

/*
 * The end of the next match of cl100k_base's pre-tokenizer expression
 * (Llama 3's too; Qwen's, which takes one digit at a time, with digits 1)
 * in s[0..n), which starts at pos, as PCRE2 finds it (tokenizer-scan.c).
 */
size_t	 dm_tok_scan(int digits, const char *s, size_t n, size_t pos);

#endif
