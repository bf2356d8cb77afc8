/* A plain plugin: loaded after startup, must end up sealed. */
int host_plugin2_value(void);
int host_plugin2_value(void)
{
    return 11;
}
