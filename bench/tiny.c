/* A /bin/true-sized program: dynamically linked against libc only. */
int main(void)
{
    return 0;
}
