/* A library linked with -z execstack: dlopen'ing it makes glibc 2.36
 * rewrite __stack_prot in ld.so's RELRO. */
int e2e_execstack_value(void);
int e2e_execstack_value(void)
{
    return 99;
}
