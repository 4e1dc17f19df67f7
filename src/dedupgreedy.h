/* dedupgreedy.h - dm-dedup --preset datamate: each sample against the kept */
#ifndef DM_DEDUPGREEDY_H
#define DM_DEDUPGREEDY_H

#include "deduprun.h"

#define DM_GREEDY_PERMS	128

/*
 * DataMate's same-name rule: its query leaves out the kept files whose
 * stored name equals the sample's name. DataMate stores the kept names
 * hex-encoded (file_name.encode("utf-8").hex()) and compares them with
 * the raw name (DM_SAMENAME_HEX, its behaviour); DM_SAMENAME_RAW stores
 * them raw, which leaves out the kept files of the same name. field is
 * the sample's name (a string; a sample without one is compared with
 * every kept one, and leaves out none later); NULL or "": no rule.
 */
enum dm_samename { DM_SAMENAME_HEX, DM_SAMENAME_RAW };
struct dm_greedyname {
	const char	*field;
	enum dm_samename how;
};

/*
 * DataMate's DuplicateFilesFilter: datasketch's MinHash (128 permutations,
 * seed 1, sha1_hash32) of the pieces of the text between punctuation, and
 * each sample compared in input order with every sample kept before it; a
 * sample whose estimated Jaccard with one of them reaches r->d.threshold
 * is a duplicate, unless nm's rule leaves that one out. One pass over the inputs (standard input is not read
 * twice); the kept signatures, 512 bytes each, are held in memory within
 * r->memory. With params, prints the settings instead. Returns the exit
 * status.
 */
int	 dm_dedup_greedy(struct dedup_run *r, const struct dm_greedyname *nm,
	    int params, int argc, char **argv);

#endif
