/* dedupgreedy.h - dm-dedup --preset datamate: each sample against the kept */
#ifndef DM_DEDUPGREEDY_H
#define DM_DEDUPGREEDY_H

#include "deduprun.h"

#define DM_GREEDY_PERMS	128

/*
 * DataMate's DuplicateFilesFilter: datasketch's MinHash (128 permutations,
 * seed 1, sha1_hash32) of the pieces of the text between punctuation, and
 * each sample compared in input order with every sample kept before it; a
 * sample whose estimated Jaccard with one of them reaches r->d.threshold
 * is a duplicate. One pass over the inputs (standard input is not read
 * twice); the kept signatures, 512 bytes each, are held in memory within
 * r->memory. With params, prints the settings instead. Returns the exit
 * status.
 */
int	 dm_dedup_greedy(struct dedup_run *r, int params, int argc,
	    char **argv);

#endif
