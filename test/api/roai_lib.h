#ifndef ROAI_LIB_H
#define ROAI_LIB_H
void roai_lib_set(int v);
int roai_lib_get(void);
void *roai_lib_addr(void);
const char *roai_lib_table(void);
void roai_lib_set_plain(int v);
int roai_lib_get_plain(void);
#endif
