/* libe2e_outer needs libe2e_inner: its constructor must run after inner's
 * has finished, and exactly once (autoseal must never run it early). */
extern int e2e_inner_done;
int e2e_outer_ctor_runs;
int e2e_outer_saw_inner;
__attribute__((constructor)) static void outer_ctor(void)
{
    e2e_outer_ctor_runs++;
    e2e_outer_saw_inner = e2e_inner_done;
}
