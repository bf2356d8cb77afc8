/* Only in the sub/ directory: reachable through libe2e_loader's RUNPATH. */
int e2e_subplugin_value(void);
int e2e_subplugin_value(void)
{
    return 17;
}
