/* memcap.h - the memory a child process reading hostile input may map */
#ifndef DM_MEMCAP_H
#define DM_MEMCAP_H

#include <stddef.h>

/*
 * Readers that a hostile file can make allocate gigabytes (libarchive's
 * 7-Zip reader, poppler) run in a forked child whose address space is
 * capped: an allocation over the cap fails there, and the child reports
 * it or dies, never the tool. dm_memcap is the number of bytes the child
 * may map beyond what it inherited (dm-scan --max-memory); 0: no cap, and
 * 7-Zip archives are then read in the process itself.
 */
#define DM_MEMCAP_DEFAULT	(1ULL << 30)
extern unsigned long long dm_memcap;
extern const char *dm_memcap_arg;	/* the cap as given, for messages */

/* In the child: sets RLIMIT_AS to what is mapped now plus dm_memcap.
 * Nothing under AddressSanitizer, which maps terabytes of shadow. */
void	 dm_memcap_apply(void);
/* In a child just forked: the default action for SIGPIPE, SIGINT and
 * SIGTERM, stdin and stdout (and stderr when quiet) on /dev/null, then
 * dm_memcap_apply. */
void	 dm_memcap_child(int quiet);
/* In the child: writes one record to the parent on fd, the byte tag, the
 * length of what follows (a uint32_t in host order), then the parts p1,
 * p2 and p3 (a part of length 0 may be NULL). A write that fails ends
 * the child (_exit(1)): the parent is gone. */
void	 dm_memcap_send(int fd, int tag, const void *p1, size_t n1,
	    const void *p2, size_t n2, const void *p3, size_t n3);

#endif /* DM_MEMCAP_H */
