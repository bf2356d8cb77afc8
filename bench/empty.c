/* The empty preload library: the floor of what LD_PRELOAD itself costs. */
int autoseal_bench_empty_preload;
