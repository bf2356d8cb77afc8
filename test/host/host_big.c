/* A plugin with 40 DT_NEEDED dependencies: one dlopen brings in more new
 * objects than one safe-point batch holds. */
int host_big_value(void);
int host_big_value(void)
{
    return 40;
}
