#include <stddef.h>
#include <stdint.h>

typedef struct dt_inst dt_inst;
int dt_init(void);
void dt_tick(void);
dt_inst *dt_new(const uint8_t *wasm, size_t len, int64_t memlimit, int64_t tablelimit, int *stage, int *code, char *msg, int msglen);
void dt_free(dt_inst *d);
int dt_call(dt_inst *d, const char *name, size_t namelen, const uint8_t *kinds, const uint64_t *args, int nargs,
            uint64_t *res, uint8_t *reskinds, int nres, uint64_t deadline, int *code, int64_t *offset, char *msg, int msglen);
int dt_memory(dt_inst *d, const char *name, size_t namelen, uint8_t **data, size_t *len);
int dt_global(dt_inst *d, const char *name, size_t namelen, uint64_t *lo, uint64_t *hi);
int dt_log_len(void);
void dt_log_get(int i, uint8_t *kind, uint64_t *lo, uint64_t *hi);
void dt_log_reset(void);
int dt_callback(void *caller, const char *name, size_t namelen, const uint8_t *kinds, const uint64_t *args, int nargs,
                uint64_t *res, int nres);
