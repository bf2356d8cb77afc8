#ifndef ROAI_SECOND_H
#define ROAI_SECOND_H
void roai_second_set(int v);
int roai_second_get(void);
void *roai_second_addr(void);
#endif
