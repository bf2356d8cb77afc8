/* A tiny plugin for the status test (dlopen'ed by sleeper).  Its bss is
 * larger than a page, so the loader maps an anonymous rw tail after the
 * file's last page: an adjacent anonymous rw mmap merges with it. */
int plugin_answer(void);
extern volatile char plugin_scratch[5 * 4096];

volatile char plugin_scratch[5 * 4096];

int plugin_answer(void)
{
    plugin_scratch[sizeof plugin_scratch - 1] = 1;
    return 41 + plugin_scratch[sizeof plugin_scratch - 1];
}
