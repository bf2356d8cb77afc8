/* A second preloaded library next to autoseal. */
static const char p_table[4096] = {3};
int e2e_preload2_value(void);
int e2e_preload2_value(void)
{
    return p_table[0];
}
