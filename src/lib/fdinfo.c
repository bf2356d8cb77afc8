#define _GNU_SOURCE
#include "fdinfo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "procmaps.h"
#include "sys.h"

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#endif
#ifndef F_SEAL_WRITE
#define F_SEAL_WRITE 0x0008
#endif

void as_fd_query(int fd, struct as_fd_info *fi)
{
    fi->known = true;
    fi->writable_fd = false;
    fi->shmem_unsealed = false;
    fi->shared_writable = false;
    long fl = as_syscall3(__NR_fcntl, fd, F_GETFL, 0);
    if (fl < 0) {
        return; /* not a descriptor: mmap itself will say EBADF */
    }
    fi->writable_fd = (fl & O_ACCMODE) != O_RDONLY;
    long seals = as_syscall3(__NR_fcntl, fd, F_GET_SEALS, 0);
    if (seals >= 0 && !(seals & F_SEAL_WRITE)) {
        fi->shmem_unsealed = true; /* memory: writable through any other fd or mapping */
    }
    if (fi->writable_fd || fi->shmem_unsealed) {
        return; /* refused already: no /proc lookup */
    }
    struct stat st;
    if (as_syscall3(__NR_fstat, fd, (long)&st, 0) != 0) {
        fi->known = false;
        return;
    }
    int r = as_maps_shared_writable(major(st.st_dev), minor(st.st_dev), (uint64_t)st.st_ino);
    fi->known = r >= 0;
    fi->shared_writable = r == 1;
}
