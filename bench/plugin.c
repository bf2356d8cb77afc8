/* The small plugin runtimebench dlopen()s. */
int autoseal_bench_plugin(int x);
int autoseal_bench_plugin(int x)
{
    return x + 1;
}
