/* libfaults-dl.so: dlopen'ed by faults-maxmap. */
__attribute__((visibility("default"))) int faults_dl_answer(void);
int faults_dl_answer(void)
{
    return 42;
}
