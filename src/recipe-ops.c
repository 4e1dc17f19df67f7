/* recipe-ops.c - the one table of Data-Juicer and DataMate operator names
 * (the data; recipe-emit.c writes their dm text) */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recipe.h"

/*
 * Each row says what dm does with an operator of a recipe. Defaults are
 * those of the operator's __init__ in Data-Juicer's data_juicer/ops/ and
 * of the settings in DataMate's runtime/ops/.../metadata.yml. sys.maxsize,
 * Data-Juicer's default upper bound, is written as it prints.
 */
#define MAXSIZE	"9223372036854775807"
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- the table ---- */

static const struct dm_rparam p_clean[] = {
	{ "pattern", DM_RP_STR, NULL },
	{ "repl", DM_RP_STR, "" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_fix_unicode[] = {
	{ "normalization", DM_RP_STR, NULL },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_chinese_convert[] = {
	{ "mode", DM_RP_STR, "s2t" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_long_words[] = {
	{ "min_len", DM_RP_INT, "1" },
	{ "max_len", DM_RP_INT, MAXSIZE },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_substrings[] = {
	{ "lang", DM_RP_STR, "en" },
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "substrings", DM_RP_STRS, NULL },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_chars[] = {
	{ "chars_to_remove", DM_RP_STRS,
	  "\u25c6\u25cf\u25a0\u25ba\u25bc\u25b2\u25b4\u2206\u25bb\u25b7"
	  "\u2756\u2661\u25a1" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_repeat[] = {
	{ "lowercase", DM_RP_BOOL, "false" },
	{ "ignore_special_character", DM_RP_BOOL, "true" },
	{ "min_repeat_sentence_length", DM_RP_INT, "2" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_table[] = {
	{ "min_col", DM_RP_INT, "2" },
	{ "max_col", DM_RP_INT, "20" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_chunk[] = {
	{ "max_len", DM_RP_INT, NULL },
	{ "split_pattern", DM_RP_STR, "\\n\\n" },
	{ "overlap_len", DM_RP_INT, "0" },
	{ "tokenizer", DM_RP_STR, NULL },
	{ "trust_remote_code", DM_RP_BOOL, "false" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_replace[] = {
	{ "pattern", DM_RP_STRS, NULL },
	{ "repl", DM_RP_STRS, "" },
	{ NULL, 0, NULL }
};

#define RANGE_FLAGS \
	{ "min_closed_interval", DM_RP_BOOL, "true" }, \
	{ "max_closed_interval", DM_RP_BOOL, "true" }, \
	{ "reversed_range", DM_RP_BOOL, "false" }

static const struct dm_rparam p_alnum[] = {
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "min_ratio", DM_RP_FLOAT, "0.25" },
	{ "max_ratio", DM_RP_FLOAT, MAXSIZE },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_len[] = {
	{ "min_len", DM_RP_FLOAT, "10" },
	{ "max_len", DM_RP_FLOAT, MAXSIZE },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_char_rep[] = {
	{ "rep_len", DM_RP_INT, "10" },
	{ "min_ratio", DM_RP_FLOAT, "0.0" },
	{ "max_ratio", DM_RP_FLOAT, "0.5" },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_flagged[] = {
	{ "lang", DM_RP_STR, "en" },
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "min_ratio", DM_RP_FLOAT, "0.0" },
	{ "max_ratio", DM_RP_FLOAT, "0.045" },
	{ "flagged_words_dir", DM_RP_STR, NULL },
	{ "use_words_aug", DM_RP_BOOL, "false" },
	{ "words_aug_group_sizes", DM_RP_ANY, NULL },
	{ "words_aug_join_char", DM_RP_ANY, NULL },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_special[] = {
	{ "min_ratio", DM_RP_FLOAT, "0.0" },
	{ "max_ratio", DM_RP_FLOAT, "0.25" },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_stopwords[] = {
	{ "lang", DM_RP_STR, "en" },
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "min_ratio", DM_RP_FLOAT, "0.3" },
	{ "max_ratio", DM_RP_FLOAT, "1.0" },
	{ "stopwords_dir", DM_RP_STR, NULL },
	{ "use_words_aug", DM_RP_BOOL, "false" },
	{ "words_aug_group_sizes", DM_RP_ANY, NULL },
	{ "words_aug_join_char", DM_RP_ANY, NULL },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_word_rep[] = {
	{ "lang", DM_RP_STR, "en" },
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "rep_len", DM_RP_INT, "10" },
	{ "min_ratio", DM_RP_FLOAT, "0.0" },
	{ "max_ratio", DM_RP_FLOAT, "0.5" },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_token_num[] = {
	{ "hf_tokenizer", DM_RP_STR, "EleutherAI/pythia-6.9b-deduped" },
	{ "min_num", DM_RP_FLOAT, "10" },
	{ "max_num", DM_RP_FLOAT, MAXSIZE },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_words[] = {
	{ "lang", DM_RP_STR, "en" },
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "min_num", DM_RP_FLOAT, "10" },
	{ "max_num", DM_RP_FLOAT, MAXSIZE },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_lang[] = {
	{ "lang", DM_RP_STRS, "" },
	{ "min_score", DM_RP_FLOAT, "0.8" },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_suffix[] = {
	{ "suffixes", DM_RP_STRS, NULL },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_specified[] = {
	{ "field_key", DM_RP_STR, "" },
	{ "target_value", DM_RP_ANY, NULL },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

/* -sys.maxsize and sys.maxsize, Python ints */
static const struct dm_rparam p_specified_num[] = {
	{ "field_key", DM_RP_STR, "" },
	{ "min_value", DM_RP_FLOAT, "-" MAXSIZE },
	{ "max_value", DM_RP_FLOAT, MAXSIZE },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_dedup_exact[] = {
	{ "lowercase", DM_RP_BOOL, "false" },
	{ "ignore_non_character", DM_RP_BOOL, "false" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_dedup_minhash[] = {
	{ "tokenization", DM_RP_STR, "space" },
	{ "window_size", DM_RP_INT, "5" },
	{ "lowercase", DM_RP_BOOL, "true" },
	{ "ignore_pattern", DM_RP_STR, NULL },
	{ "num_permutations", DM_RP_INT, "256" },
	{ "jaccard_threshold", DM_RP_FLOAT, "0.7" },
	{ "num_bands", DM_RP_INT, NULL },
	{ "num_rows_per_band", DM_RP_INT, NULL },
	{ "tokenizer_model", DM_RP_STR, NULL },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_dedup_simhash[] = {
	{ "tokenization", DM_RP_STR, "space" },
	{ "window_size", DM_RP_INT, "6" },
	{ "lowercase", DM_RP_BOOL, "true" },
	{ "ignore_pattern", DM_RP_STR, NULL },
	{ "num_blocks", DM_RP_INT, "6" },
	{ "hamming_distance", DM_RP_INT, "4" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_dm_word_rate[] = {
	{ .name = "repeatWordRatio", .type = DM_RP_FLOAT, .def = "0.5" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_dupfiles[] = {
	{ .name = "fileDuplicateThreshold", .type = DM_RP_FLOAT, .def = "0.5" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_phrase[] = {
	{ .name = "repeatPhraseRatio", .type = DM_RP_FLOAT, .def = "0.5" },
	{ .name = "hitStopwords", .type = DM_RP_ANY, .def = "false" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_special[] = {
	{ .name = "specialCharRatio", .type = DM_RP_FLOAT, .def = "0.3" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_sensitive[] = {
	{ .name = "sensitiveWordsRate", .type = DM_RP_FLOAT, .def = "0.01" },
	{ .name = "list", .type = DM_RP_STR, .def = "" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_length[] = {
	{ .name = "fileLength", .type = DM_RP_ANY, .def = NULL },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_html[] = {
	{ .name = "removeTableTags", .type = DM_RP_ANY, .def = "false" },
	{ .name = NULL }
};

static const struct dm_rparam p_comments[] = {
	{ "doc_type", DM_RP_ANY, "tex" },	/* read by nothing */
	{ "inline", DM_RP_BOOL, "true" },
	{ "multiline", DM_RP_BOOL, "true" },
	{ NULL, 0, NULL }
};

/* drop_no_head changes nothing in Data-Juicer: see ops/remove-header.c */
static const struct dm_rparam p_header[] = {
	{ "drop_no_head", DM_RP_BOOL, "true" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_non_chinese[] = {
	{ "keep_alphabet", DM_RP_BOOL, "true" },
	{ "keep_number", DM_RP_BOOL, "true" },
	{ "keep_punc", DM_RP_BOOL, "true" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_none[] = {
	{ NULL, 0, NULL }
};

#define MAP(j, m, f, p, e) \
	{ .dj = (j), .dmate = (m), .kind = DM_R_MAP, .form = (f), \
	  .params = (p), .emit = (e) }
#define FILTER(j, m, f, p) \
	{ .dj = (j), .dmate = (m), .kind = DM_R_FILTER, .form = (f), \
	  .params = (p), .emit = dm_emit_range }
#define DEDUP(j, m, p, e) \
	{ .dj = (j), .dmate = (m), .kind = DM_R_DEDUP, .form = "dm-dedup", \
	  .params = (p), .emit = (e) }
#define SLICE(j, p, e) \
	{ .dj = (j), .kind = DM_R_SLICE, .form = "dm-slice", .params = (p), \
	  .emit = (e) }
#define NONE(j, m, w) \
	{ .dj = (j), .dmate = (m), .kind = DM_R_NONE, .why = (w) }

static const char no_text[] = "not a text operator";
static const char no_model[] = "needs a model dm does not run";
static const char no_port[] = "not yet part of dm";
/* Ray's deduplicators keep, of each group, the copy that reaches their
 * shared set first (ray_document_deduplicator) or got the smallest id as
 * Ray's blocks came (ray_bts_minhash_deduplicator), in no set order;
 * ray_document_deduplicator also tells an empty text from one of
 * spaces, which document_deduplicator takes as the same */
static const char no_ray[] = "runs on Ray, whose order of blocks chooses "
    "the copy kept";

/* Sorted by Data-Juicer name, then the DataMate-only rows by their name. */
static const struct dm_rop table[] = {
	FILTER("alphanumeric_filter", NULL, "alnum_ratio", p_alnum),
	NONE("audio_add_gaussian_noise_mapper", NULL, no_text),
	NONE("audio_duration_filter", NULL, no_text),
	NONE("audio_ffmpeg_wrapped_mapper", NULL, no_text),
	NONE("audio_nmf_snr_filter", NULL, no_text),
	NONE("audio_size_filter", NULL, no_text),
	FILTER("average_line_length_filter", NULL, "avg_line_len", p_len),
	NONE("calibrate_qa_mapper", NULL, no_model),
	NONE("calibrate_query_mapper", NULL, no_model),
	NONE("calibrate_response_mapper", NULL, no_model),
	FILTER("character_repetition_filter", NULL, "char_rep(10)",
	    p_char_rep),
	MAP("chinese_convert_mapper", NULL, "chinese-convert mode=s2t",
	    p_chinese_convert, dm_emit_chinese_convert),
	MAP("clean_copyright_mapper", NULL, "remove-copyright", p_none,
	    dm_emit_plain),
	MAP("clean_email_mapper", NULL, "remove-emails", p_clean,
	    dm_emit_clean),
	MAP("clean_html_mapper", NULL, "clean-html scripts=true", p_none,
	    dm_emit_plain),
	MAP("clean_ip_mapper", NULL, "remove-ips", p_clean, dm_emit_clean),
	MAP("clean_links_mapper", NULL, "remove-urls", p_clean, dm_emit_clean),
	NONE("detect_character_attributes_mapper", NULL, no_model),
	NONE("detect_character_locations_mapper", NULL, no_model),
	NONE("detect_main_character_mapper", NULL, no_model),
	NONE("dialog_intent_detection_mapper", NULL, no_model),
	NONE("dialog_sentiment_detection_mapper", NULL, no_model),
	NONE("dialog_sentiment_intensity_mapper", NULL, no_model),
	NONE("dialog_topic_detection_mapper", NULL, no_model),
	DEDUP("document_deduplicator", NULL, p_dedup_exact,
	    dm_emit_dedup_exact),
	DEDUP("document_minhash_deduplicator", NULL, p_dedup_minhash,
	    dm_emit_dedup_minhash),
	DEDUP("document_simhash_deduplicator", NULL, p_dedup_simhash,
	    dm_emit_dedup_simhash),
	NONE("download_file_mapper", NULL, no_port),
	NONE("entity_attribute_aggregator", NULL, no_model),
	MAP("expand_macro_mapper", NULL, "expand-macros", p_none,
	    dm_emit_plain),
	NONE("extract_entity_attribute_mapper", NULL, no_model),
	NONE("extract_entity_relation_mapper", NULL, no_model),
	NONE("extract_event_mapper", NULL, no_model),
	NONE("extract_keyword_mapper", NULL, no_model),
	NONE("extract_nickname_mapper", NULL, no_model),
	NONE("extract_support_text_mapper", NULL, no_model),
	NONE("extract_tables_from_html_mapper", NULL, no_port),
	MAP("fix_unicode_mapper", NULL, "fix-unicode", p_fix_unicode,
	    dm_emit_fix_unicode),
	FILTER("flagged_words_filter", NULL, "flagged_ratio(\"en\")",
	    p_flagged),
	NONE("frequency_specified_field_selector", NULL, no_port),
	NONE("general_field_filter", NULL, no_port),
	NONE("generate_qa_from_examples_mapper", NULL, no_model),
	NONE("generate_qa_from_text_mapper", NULL, no_model),
	NONE("image_aesthetics_filter", NULL, no_text),
	NONE("image_aspect_ratio_filter", NULL, no_text),
	NONE("image_blur_mapper", NULL, no_text),
	NONE("image_captioning_from_gpt4v_mapper", NULL, no_text),
	NONE("image_captioning_mapper", NULL, no_text),
	NONE("image_deduplicator", NULL, no_text),
	NONE("image_detection_yolo_mapper", NULL, no_text),
	NONE("image_diffusion_mapper", NULL, no_text),
	NONE("image_face_blur_mapper", NULL, no_text),
	NONE("image_face_count_filter", NULL, no_text),
	NONE("image_face_ratio_filter", NULL, no_text),
	NONE("image_nsfw_filter", NULL, no_text),
	NONE("image_pair_similarity_filter", NULL, no_text),
	NONE("image_remove_background_mapper", NULL, no_text),
	NONE("image_segment_mapper", NULL, no_text),
	NONE("image_shape_filter", NULL, no_text),
	NONE("image_size_filter", NULL, no_text),
	NONE("image_tagging_mapper", NULL, no_text),
	NONE("image_text_matching_filter", NULL, no_text),
	NONE("image_text_similarity_filter", NULL, no_text),
	NONE("image_watermark_filter", NULL, no_text),
	NONE("imgdiff_difference_area_generator_mapper", NULL, no_text),
	NONE("imgdiff_difference_caption_generator_mapper", NULL, no_text),
	NONE("in_context_influence_filter", NULL, no_model),
	NONE("instruction_following_difficulty_filter", NULL, no_model),
	NONE("key_value_grouper", NULL, no_port),
	{ .dj = "language_id_score_filter", .kind = DM_R_FILTER,
	  .form = "lang", .params = p_lang, .emit = dm_emit_lang },
	NONE("llm_analysis_filter", NULL, no_model),
	NONE("llm_difficulty_score_filter", NULL, no_model),
	NONE("llm_perplexity_filter", NULL, no_model),
	NONE("llm_quality_score_filter", NULL, no_model),
	NONE("llm_task_relevance_filter", NULL, no_model),
	FILTER("maximum_line_length_filter", NULL, "max_line_len", p_len),
	NONE("meta_tags_aggregator", NULL, no_model),
	NONE("mllm_mapper", NULL, no_model),
	NONE("most_relevant_entities_aggregator", NULL, no_model),
	NONE("naive_grouper", NULL, no_port),
	NONE("naive_reverse_grouper", NULL, no_port),
	NONE("nested_aggregator", NULL, no_model),
	NONE("nlpaug_en_mapper", NULL, no_model),
	NONE("nlpcda_zh_mapper", NULL, no_model),
	NONE("optimize_prompt_mapper", NULL, no_model),
	NONE("optimize_qa_mapper", NULL, no_model),
	NONE("optimize_query_mapper", NULL, no_model),
	NONE("optimize_response_mapper", NULL, no_model),
	NONE("pair_preference_mapper", NULL, no_model),
	NONE("perplexity_filter", NULL,
	    "needs a KenLM language model dm does not run"),
	NONE("phrase_grounding_recall_filter", NULL, no_text),
	MAP("punctuation_normalization_mapper", NULL, "normalize-punct",
	    p_none, dm_emit_plain),
	NONE("python_file_mapper", NULL, "runs Python code"),
	NONE("python_lambda_mapper", NULL, "runs Python code"),
	NONE("query_intent_detection_mapper", NULL, no_model),
	NONE("query_sentiment_detection_mapper", NULL, no_model),
	NONE("query_topic_detection_mapper", NULL, no_model),
	NONE("random_selector", NULL, no_port),
	NONE("range_specified_field_selector", NULL, no_port),
	NONE("ray_bts_minhash_deduplicator", NULL, no_ray),
	NONE("ray_document_deduplicator", NULL, no_ray),
	NONE("ray_image_deduplicator", NULL, no_text),
	NONE("ray_video_deduplicator", NULL, no_text),
	NONE("relation_identity_mapper", NULL, no_model),
	MAP("remove_bibliography_mapper", NULL, "replace", p_none,
	    dm_emit_bibliography),
	MAP("remove_comments_mapper", NULL, "replace", p_comments,
	    dm_emit_comments),
	MAP("remove_header_mapper", NULL, "remove-header", p_header,
	    dm_emit_plain),
	MAP("remove_long_words_mapper", NULL, "remove-long-words",
	    p_long_words, dm_emit_long_words),
	MAP("remove_non_chinese_character_mapper", NULL, "replace",
	    p_non_chinese, dm_emit_non_chinese),
	MAP("remove_repeat_sentences_mapper", NULL, "remove-repeat-sentences",
	    p_repeat, dm_emit_repeat_sentences),
	MAP("remove_specific_chars_mapper", NULL, "remove-chars", p_chars,
	    dm_emit_chars),
	MAP("remove_table_text_mapper", NULL, "remove-table-text", p_table,
	    dm_emit_table),
	MAP("remove_words_with_incorrect_substrings_mapper", NULL,
	    "remove-incorrect-substrings", p_substrings,
	    dm_emit_incorrect_substrings),
	MAP("replace_content_mapper", NULL, "replace", p_replace,
	    dm_emit_replace),
	NONE("sdxl_prompt2prompt_mapper", NULL, no_text),
	NONE("sentence_augmentation_mapper", NULL, no_model),
	NONE("sentence_split_mapper", NULL, no_port),
	FILTER("special_characters_filter", NULL, "special_ratio", p_special),
	{ .dj = "specified_field_filter", .kind = DM_R_FILTER,
	  .form = "all_in(FIELD, target_value)", .params = p_specified,
	  .emit = dm_emit_specified, .strict = 1 },
	{ .dj = "specified_numeric_field_filter", .kind = DM_R_FILTER,
	  .form = "float(FIELD) >= min_value && float(FIELD) <= max_value",
	  .params = p_specified_num,
	  .emit = dm_emit_specified_num, .strict = 1 },
	FILTER("stopwords_filter", NULL, "stopword_ratio(\"en\")",
	    p_stopwords),
	{ .dj = "suffix_filter", .kind = DM_R_FILTER,
	  .form = ".__dj__suffix__ in [...]", .params = p_suffix,
	  .emit = dm_emit_suffix },
	NONE("tags_specified_field_selector", NULL, no_port),
	NONE("text_action_filter", NULL, no_model),
	SLICE("text_chunk_mapper", p_chunk, dm_emit_chunk),
	NONE("text_embd_similarity_filter", NULL, no_model),
	NONE("text_entity_dependency_filter", NULL, no_model),
	FILTER("text_length_filter", NULL, "len", p_len),
	NONE("text_pair_similarity_filter", NULL, no_model),
	FILTER("token_num_filter", NULL, "tokens", p_token_num),
	NONE("topk_specified_field_selector", NULL, no_port),
	NONE("video_aesthetics_filter", NULL, no_text),
	NONE("video_aspect_ratio_filter", NULL, no_text),
	NONE("video_captioning_from_audio_mapper", NULL, no_text),
	NONE("video_captioning_from_frames_mapper", NULL, no_text),
	NONE("video_captioning_from_summarizer_mapper", NULL, no_text),
	NONE("video_captioning_from_video_mapper", NULL, no_text),
	NONE("video_deduplicator", NULL, no_text),
	NONE("video_duration_filter", NULL, no_text),
	NONE("video_extract_frames_mapper", NULL, no_text),
	NONE("video_face_blur_mapper", NULL, no_text),
	NONE("video_ffmpeg_wrapped_mapper", NULL, no_text),
	NONE("video_frames_text_similarity_filter", NULL, no_text),
	NONE("video_motion_score_filter", NULL, no_text),
	NONE("video_motion_score_raft_filter", NULL, no_text),
	NONE("video_nsfw_filter", NULL, no_text),
	NONE("video_ocr_area_ratio_filter", NULL, no_text),
	NONE("video_remove_watermark_mapper", NULL, no_text),
	NONE("video_resize_aspect_ratio_mapper", NULL, no_text),
	NONE("video_resize_resolution_mapper", NULL, no_text),
	NONE("video_resolution_filter", NULL, no_text),
	NONE("video_split_by_duration_mapper", NULL, no_text),
	NONE("video_split_by_key_frame_mapper", NULL, no_text),
	NONE("video_split_by_scene_mapper", NULL, no_text),
	NONE("video_tagging_from_audio_mapper", NULL, no_text),
	NONE("video_tagging_from_frames_filter", NULL, no_text),
	NONE("video_tagging_from_frames_mapper", NULL, no_text),
	NONE("video_watermark_filter", NULL, no_text),
	MAP("whitespace_normalization_mapper", NULL, "normalize-ws", p_none,
	    dm_emit_plain),
	FILTER("word_repetition_filter", NULL, "word_rep(10)", p_word_rep),
	FILTER("words_num_filter", NULL, "words", p_words),

	/* DataMate (runtime/ops, by raw_id) */
	NONE(NULL, "AnnotationSlicer", no_port),
	MAP(NULL, "AnonymizedCreditCardNumber", "anonymize kinds=card",
	    p_none, dm_emit_anonymize),
	/* DataMate checks no ID number: its result, without dm's checksum */
	MAP(NULL, "AnonymizedIdNumber", "anonymize kinds=idcard checksum=false",
	    p_none, dm_emit_anonymize),
	MAP(NULL, "AnonymizedIpAddress", "anonymize kinds=ip", p_none,
	    dm_emit_anonymize),
	MAP(NULL, "AnonymizedPhoneNumber", "anonymize kinds=phone", p_none,
	    dm_emit_anonymize),
	MAP(NULL, "AnonymizedUrlCleaner", "anonymize kinds=url", p_none,
	    dm_emit_anonymize),
	NONE(NULL, "ContentCleaner", no_port),
	{ .dmate = "DuplicateFilesFilter", .kind = DM_R_DEDUP,
	  .form = "dm-dedup", .params = p_dm_dupfiles,
	  .emit = dm_emit_dedup_datamate, .dropempty = 1 },
	{ .dmate = "DuplicateSentencesFilter", .kind = DM_R_MAP,
	  .form = "remove-repeat-lines", .params = p_none,
	  .emit = dm_emit_plain, .dropempty = 1 },
	MAP(NULL, "EmailNumberCleaner", "anonymize kinds=email", p_none,
	    dm_emit_anonymize),
	MAP(NULL, "EmojiCleaner", "remove-emoji", p_none, dm_emit_plain),
	MAP(NULL, "ExtraSpaceCleaner", "collapse-ws", p_none, dm_emit_plain),
	{ .dmate = "FileWithHighRepeatPhraseRateFilter", .kind = DM_R_FILTER,
	  .form = "phrase_repeat", .params = p_dm_phrase,
	  .emit = dm_emit_dm_phrase, .dropempty = 1 },
	{ .dmate = "FileWithHighRepeatWordRateFilter", .kind = DM_R_FILTER,
	  .form = "cjk_repeat", .params = p_dm_word_rate,
	  .emit = dm_emit_dm_rate, .dropempty = 1 },
	{ .dmate = "FileWithHighSpecialCharRateFilter", .kind = DM_R_FILTER,
	  .form = "special_chars", .params = p_dm_special,
	  .emit = dm_emit_dm_rate, .dropempty = 1 },
	{ .dmate = "FileWithManySensitiveWordsFilter", .kind = DM_R_FILTER,
	  .form = "sensitive_words", .params = p_dm_sensitive,
	  .emit = dm_emit_dm_sensitive, .dropempty = 1 },
	{ .dmate = "FileWithShortOrLongLengthFilter", .kind = DM_R_FILTER,
	  .form = "stripped_len", .params = p_dm_length,
	  .emit = dm_emit_dm_length, .dropempty = 1 },
	MAP(NULL, "FullWidthCharacterCleaner", "fullwidth", p_none,
	    dm_emit_plain),
	NONE(NULL, "GrableCharactersCleaner", no_port),
	{ .dmate = "HtmlTagCleaner", .kind = DM_R_MAP,
	  .form = "remove-html-tags", .params = p_dm_html,
	  .emit = dm_emit_dm_html },
	NONE(NULL, "ImgAdvertisementImagesCleaner", no_text),
	NONE(NULL, "ImgBlurredImagesCleaner", no_text),
	NONE(NULL, "ImgBrightness", no_text),
	NONE(NULL, "ImgContrast", no_text),
	NONE(NULL, "ImgDenoise", no_text),
	NONE(NULL, "ImgDirectionCorrect", no_text),
	NONE(NULL, "ImgDuplicatedImagesCleaner", no_text),
	NONE(NULL, "ImgPerspectiveTransformation", no_text),
	NONE(NULL, "ImgResize", no_text),
	NONE(NULL, "ImgSaturation", no_text),
	NONE(NULL, "ImgShadowRemove", no_text),
	NONE(NULL, "ImgSharpness", no_text),
	NONE(NULL, "ImgSimilarImagesCleaner", no_text),
	NONE(NULL, "ImgTypeUnify", no_text),
	MAP(NULL, "InvisibleCharactersCleaner", "remove-invisible", p_none,
	    dm_emit_plain),
	NONE(NULL, "KnowledgeRelationSlice", no_model),
	NONE(NULL, "LegendCleaner", no_port),
	NONE(NULL, "MineruFormatter", no_model),
	NONE(NULL, "PiiDetector", no_model),
	NONE(NULL, "PoliticalWordCleaner", no_port),
	NONE(NULL, "QAConditionEvaluator", no_model),
	NONE(NULL, "Segmentation", no_port),
	NONE(NULL, "SexualAndViolentWordCleaner", no_port),
	NONE(NULL, "SimpleSlicer", no_port),
	NONE(NULL, "SlideFormatter", no_text),
	NONE(NULL, "TextQualityEvaluation", no_model),
	NONE(NULL, "TextToWord", no_text),
	NONE(NULL, "TraditionalChineseCleaner", no_port),
	/* its class of spaces, each turned into U+0020 */
	MAP(NULL, "UnicodeSpaceCleaner", "replace pattern=\"[\\x{a0}"
	    "\\x{1680}\\x{2000}-\\x{200d}\\x{2028}\\x{2029}\\x{202f}"
	    "\\x{205f}\\x{3000}\\x{180e}\\x{2060}\\x{feff}]\" repl=\" \"",
	    p_none, dm_emit_plain),
	MAP(NULL, "XMLTagCleaner", "xml-to-text", p_none, dm_emit_plain),
};

const struct dm_rop *
dm_rop_find(const char *name, int datamate)
{
	size_t i;

	for (i = 0; i < NELEM(table); i++) {
		if (datamate && table[i].dmate &&
		    strcmp(table[i].dmate, name) == 0)
			return &table[i];
		if (!datamate && table[i].dj && strcmp(table[i].dj, name) == 0)
			return &table[i];
	}
	return NULL;
}

const struct dm_rop *
dm_rop_all(size_t *n)
{
	*n = NELEM(table);
	return table;
}

const char *const *
dm_rop_names(int datamate, size_t *n)
{
	static const char *names[2][NELEM(table)];
	static size_t count[2];
	size_t i;

	if (count[datamate] == 0)
		for (i = 0; i < NELEM(table); i++) {
			const char *s = datamate ? table[i].dmate :
			    table[i].dj;

			if (s)
				names[datamate][count[datamate]++] = s;
		}
	*n = count[datamate];
	return names[datamate];
}

/* The keyword arguments of Data-Juicer's OP base class, and the run-time
 * settings DataMate merges into each operator: none changes a result. */
int
dm_rop_ignored(const char *name)
{
	static const char *const names[] = { "accelerator", "audio_key",
		"batch_size", "cpu_required", "gpu_required", "history_key",
		"image_bytes_key", "image_key", "index_key", "instruction_key",
		"mem_required", "num_proc", "prompt_key", "query_key",
		"response_key", "skip_op_error", "stats_export_path",
		"system_key", "turbo", "video_key", "work_dir",
		"audio_special_token", "eoc_special_token",
		"image_special_token", "video_special_token" };
	size_t i;

	for (i = 0; i < NELEM(names); i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}
