/* A plugin opened with dlopen by the tests. */
static const char plugin_table[4096] = {7};
int e2e_plugin_value(void);
int e2e_plugin_value(void)
{
    return plugin_table[0] + 35; /* 42 */
}
