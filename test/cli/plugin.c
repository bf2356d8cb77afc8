/* A tiny plugin for the status test (dlopen'ed by sleeper). */
int plugin_answer(void);
int plugin_answer(void)
{
    return 42;
}
