#define _GNU_SOURCE
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fmt.h"
#include "frozen.h"

static const struct as_policy *log_policy;
static bool log_privileged;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void as_log_configure(const struct as_policy *p, bool privileged)
{
    log_policy = p;
    log_privileged = privileged;
}

/* Once the constructor stored the frozen page, its policy decides (a
 * written pointer cannot send log lines elsewhere). */
static const struct as_policy *current(void)
{
    return as_frozen_ready() ? &as_frozen()->policy : log_policy;
}

bool as_log_enabled(int level)
{
    const struct as_policy *p = current();
    if (p == NULL || p->log == AS_LOG_NONE) {
        return false;
    }
    return level <= p->loglevel;
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void to_syslog(const char *line, size_t n)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return;
    }
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, "/dev/log", sizeof "/dev/log");
    /* never block: a full syslog queue must not stall the program */
    (void)sendto(fd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof sa);
    close(fd);
}

static bool file_failed_noted;

/* The log file: opened per message with O_NOFOLLOW (a planted symbolic link
 * is never followed, in any process), O_NONBLOCK (a FIFO without reader
 * cannot hang the program) and O_APPEND|O_CLOEXEC; only a regular file
 * with one link is written.  On failure the line goes to stderr, the first
 * time after a line that says why. */
static void to_file(const char *path, const char *line, size_t n)
{
    int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK;
    int fd = open(path, flags, 0600);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) != 0) {
            err = errno;
        } else if (!S_ISREG(st.st_mode)) {
            err = EINVAL;
        } else if (st.st_nlink != 1) {
            err = EMLINK;
        }
        if (err == 0) {
            write_all(fd, line, n);
            close(fd);
            return;
        }
        close(fd);
    }
    if (!__atomic_exchange_n(&file_failed_noted, true, __ATOMIC_RELAXED)) {
        char note[160]; /* (a long path is cut: this frame adds to the line's) */
        size_t k = as_fmt_log(note, sizeof note,
                              "autoseal[%d]: level=error event=log-file-failed path=%s error=%d "
                              "msg=\"%s\"\n",
                              (int)getpid(), path, err,
                              err == ELOOP    ? "a symbolic link: not followed"
                              : err == EINVAL ? "not a regular file"
                              : err == EMLINK ? "more than one hard link"
                                              : "cannot open; logging to stderr");
        write_all(STDERR_FILENO, note, k < sizeof note ? k : sizeof note - 1);
    }
    write_all(STDERR_FILENO, line, n);
}

void as_log(int level, const char *fmt, ...)
{
    if (!as_log_enabled(level)) {
        return;
    }
    int saved = errno;
    const struct as_policy *p = current();
    char line[1024];
    size_t n = 0;
    int pri = (1 << 3) | (level == AS_LEVEL_ERROR ? 3 : level == AS_LEVEL_WARN ? 4
                                                : level == AS_LEVEL_INFO  ? 6
                                                                          : 7);
    if (p->log == AS_LOG_SYSLOG) {
        n = as_fmt(line, sizeof line, "<%d>", pri);
    }
    n += as_fmt_log(line + n, sizeof line - n, "autoseal[%d]: prog=%s level=%s ", (int)getpid(),
                program_invocation_short_name, level_names[level & 3]);
    if (n >= sizeof line) {
        n = sizeof line - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    n += as_vfmt_log(line + n, sizeof line - n, fmt, ap);
    va_end(ap);
    if (n >= sizeof line - 1) {
        n = sizeof line - 2;
    }
    /* one line per message: no embedded newlines */
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '\n' || line[i] == '\r') {
            line[i] = ' ';
        }
    }
    line[n++] = '\n';
    line[n] = '\0';
    switch (p->log) {
    case AS_LOG_STDERR:
        write_all(STDERR_FILENO, line, n);
        break;
    case AS_LOG_SYSLOG:
        to_syslog(line, n - 1);
        break;
    case AS_LOG_FILE:
        to_file(p->log_path, line, n);
        break;
    default:
        break;
    }
    errno = saved;
}
