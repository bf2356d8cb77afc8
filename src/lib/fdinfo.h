/* Can the process write, elsewhere, the file behind a descriptor it asks
 * to map executable (a double mapping)?  Raw system calls only. */
#ifndef AUTOSEAL_FDINFO_H
#define AUTOSEAL_FDINFO_H

#include "rules.h"

/* Fill fi: fcntl(F_GETFL) for the access mode, fcntl(F_GET_SEALS) for
 * memfd/shmem/hugetlbfs files (writable memory unless F_SEAL_WRITE), and
 * fstat plus /proc/self/maps for a MAP_SHARED writable mapping of the same
 * file.  fi->known is false when maps could not be read. */
void as_fd_query(int fd, struct as_fd_info *fi);

#endif
