/* One of the 40 dependencies of host_big (HOST_DEP_N: which one). */
int HOST_DEP_FN(int x);
int HOST_DEP_FN(int x)
{
    return x + HOST_DEP_N;
}
