#define _GNU_SOURCE
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "fmt.h"
#include "frozen.h"
#include "sys.h"

AS_HOT static const struct as_policy *log_policy;
AS_HOT static bool log_privileged;

static const char level_names[][6] = {"error", "warn", "info", "debug"}; /* no relocations */

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

bool as_log_enabled_for(const struct as_policy *p, int level)
{
    if (p == NULL || p->log == AS_LOG_NONE) {
        return false;
    }
    return level <= p->loglevel;
}

bool as_log_enabled(int level)
{
    return as_log_enabled_for(current(), level);
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

/* --- log=journal: journald's native protocol ------------------------------
 * One datagram to /run/systemd/journal/socket of "FIELD=value\n" lines (no
 * value holds a newline: as_log() replaced them).  MESSAGE is sent straight
 * from the caller's line (an iovec), the other fields are built in a static
 * buffer (below); a field that does not fit is left out whole. */

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define JOURNAL_FIELDS_MAX 1536 /* bytes of fields besides MESSAGE (static) */

static size_t put(char *buf, size_t len, size_t n, const char *s, size_t sl)
{
    if (n + sl > len) {
        return len + 1; /* does not fit: caller drops the field */
    }
    memcpy(buf + n, s, sl);
    return n + sl;
}

static bool field_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* Append "AUTOSEAL_KEY=value\n" (key upper-cased, '-' as '_'); returns the
 * new length, or n unchanged when it does not fit. */
static size_t put_field(char *buf, size_t len, size_t n, const char *key, size_t kl,
                        const char *val, size_t vl)
{
    size_t m = put(buf, len, n, "AUTOSEAL_", 9);
    for (size_t i = 0; i < kl && m <= len; i++) {
        static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        char c = key[i];
        if (c == '-') {
            c = '_';
        } else if (c >= 'a' && c <= 'z') {
            c = upper[c - 'a'];
        }
        m = put(buf, len, m, &c, 1);
    }
    m = m <= len ? put(buf, len, m, "=", 1) : m;
    m = m <= len ? put(buf, len, m, val, vl) : m;
    m = m <= len ? put(buf, len, m, "\n", 1) : m;
    return m <= len ? m : n;
}

size_t as_journal_fields(char *buf, size_t len, int level, const char *msg, size_t n,
                         const char *profile, const char *mode)
{
    static const int prio[] = {3, 4, 6, 7};
    char pr[] = "PRIORITY=0\nSYSLOG_IDENTIFIER=autoseal\nSYSLOG_FACILITY=1\n";
    pr[9] = (char)('0' + prio[level & 3]);
    size_t o = put(buf, len, 0, pr, sizeof pr - 1);
    if (o > len) {
        return 0;
    }
    bool have_profile = false, have_mode = false;
    size_t i = 0;
    while (i < n) {
        while (i < n && msg[i] == ' ') {
            i++;
        }
        size_t k = i;
        while (i < n && field_char(msg[i])) {
            i++;
        }
        size_t kl = i - k;
        if (kl == 0 || kl > 40 || i >= n || msg[i] != '=' || !(msg[k] >= 'a' && msg[k] <= 'z')) {
            while (i < n && msg[i] != ' ') { /* not key=value: skip the word */
                i++;
            }
            continue;
        }
        i++; /* '=' */
        size_t v = i, vl;
        if (i < n && msg[i] == '"') { /* quoted: up to the closing quote */
            v = ++i;
            while (i < n && msg[i] != '"') {
                i += msg[i] == '\\' && i + 1 < n ? 2 : 1;
            }
            vl = (i < n ? i : n) - v;
            i = i < n ? i + 1 : n;
        } else {
            while (i < n && msg[i] != ' ') {
                i++;
            }
            vl = i - v;
        }
        have_profile |= kl == 7 && memcmp(msg + k, "profile", 7) == 0;
        have_mode |= kl == 4 && memcmp(msg + k, "mode", 4) == 0;
        o = put_field(buf, len, o, msg + k, kl, msg + v, vl);
    }
    if (!have_profile && profile) {
        o = put_field(buf, len, o, "profile", 7, profile, strlen(profile));
    }
    if (!have_mode && mode) {
        o = put_field(buf, len, o, "mode", 4, mode, strlen(mode));
    }
    return o;
}

/* The fields are built in static storage (the caller's stack budget is
 * ~2 KiB and as_log() already holds the line), owned by one thread at a
 * time: jowner is the pid of the process whose thread holds it.  Contended
 * (another thread, or a signal handler inside a message): MESSAGE and
 * PRIORITY only.  After fork the child sees its parent's pid there and takes
 * the buffer over: children start clean.  (A CLONE_VM child that logs while
 * a thread of its parent builds fields can garble both messages' fields;
 * every write stays inside the buffer.) */
static char jfields[JOURNAL_FIELDS_MAX];
static int jowner;

static bool jfields_take(int me)
{
    int cur = 0;
    if (__atomic_compare_exchange_n(&jowner, &cur, me, false, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED)) {
        return true;
    }
    /* held under another pid: left over from before a fork */
    return cur != me && __atomic_compare_exchange_n(&jowner, &cur, me, false, __ATOMIC_ACQUIRE,
                                                    __ATOMIC_RELAXED);
}

/* line: "autoseal[PID]: key=value ..." without a newline.  0 or -errno. */
static __attribute__((noinline)) int to_journal(int level, const char *line, size_t n)
{
    const char *msg = line;
    const char *colon = memchr(line, ']', n);
    if (colon && (size_t)(colon - line) + 2 < n && colon[1] == ':' && colon[2] == ' ') {
        msg = colon + 3;
    }
    size_t mlen = n - (size_t)(msg - line);
    const struct as_policy *p = log_policy;
    int me = (int)getpid();
    bool own = jfields_take(me);
    char pr[] = "PRIORITY=0\nSYSLOG_IDENTIFIER=autoseal\n";
    struct iovec iov[4] = {{(void *)"MESSAGE=", 8}, {(void *)msg, mlen}, {(void *)"\n", 1}};
    if (own) {
        iov[3].iov_base = jfields;
        iov[3].iov_len = as_journal_fields(jfields, sizeof jfields, level, msg, mlen,
                                           as_profile_name(p->profile), as_mode_name(p->mode));
    } else {
        static const char prio[] = {'3', '4', '6', '7'};
        pr[9] = prio[level & 3];
        iov[3].iov_base = pr;
        iov[3].iov_len = sizeof pr - 1;
    }
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, JOURNAL_SOCKET, sizeof JOURNAL_SOCKET);
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_name = &sa;
    mh.msg_namelen = sizeof sa;
    mh.msg_iov = iov;
    mh.msg_iovlen = 4;
    int r = 0, fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        r = -errno;
    } else {
        r = sendmsg(fd, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
        close(fd);
    }
    if (own) {
        __atomic_store_n(&jowner, 0, __ATOMIC_RELEASE);
    }
    return r;
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
    /* log=auto: the journal when its socket exists, else syslog */
    int target = p->log;
    if (target == AS_LOG_AUTO) {
        target = access(JOURNAL_SOCKET, F_OK) == 0 ? AS_LOG_JOURNAL : AS_LOG_SYSLOG;
    }
    if (target == AS_LOG_SYSLOG) {
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
    switch (target) {
    case AS_LOG_JOURNAL:
        if (to_journal(level, line, n - 1) != 0) {
            to_syslog(line, n - 1); /* no journal: /dev/log (no <PRI>: user.notice) */
        }
        break;
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
