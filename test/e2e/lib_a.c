/* Test library A: needs B (a DT_NEEDED chain). */
int e2e_b_value(void);
static const char a_table[8192] = {1}; /* some rodata */
int e2e_a_value(void);
int e2e_a_value(void)
{
    return e2e_b_value() + a_table[0];
}
