/* libe2e_middle needs libe2e_inner and is needed by libe2e_outer, so glibc
 * initialises inner, then middle, then outer.  inner's constructor calls
 * dlsym/dlopen while middle is loaded but not yet initialised: a safe point
 * there that promoted middle with dlopen(RTLD_NOLOAD) would run middle's
 * constructor early, before inner's has finished. */
extern int e2e_inner_done;
int e2e_middle_ctor_runs;
int e2e_middle_saw_inner;
__attribute__((constructor)) static void middle_ctor(void)
{
    e2e_middle_ctor_runs++;
    e2e_middle_saw_inner = e2e_inner_done;
}
