// The wasmtime side of difftest, over wasmtime's C API (wasmtime-go v37
// links the library but its Go Val has no v128, so calls are made here).
// One engine per process; one store and instance per module. Not thread
// safe: difftest runs one module at a time.

#define _GNU_SOURCE // memmem
#include <stdlib.h>
#include <string.h>
#include <wasmtime.h>

#include "wt.h"
#include "_cgo_export.h"

static wasm_engine_t *engine;

// Values the module's fuzzing-support log-* imports were called with, in
// order: the kind of each and its bits (two words for a v128).
enum { MAXLOG = 4096 };
static int nlog;
static uint8_t logkind[MAXLOG];
static uint64_t logval[MAXLOG][2];

int dt_log_len(void) { return nlog; }
void dt_log_get(int i, uint8_t *kind, uint64_t *lo, uint64_t *hi) {
	*kind = logkind[i];
	*lo = logval[i][0];
	*hi = logval[i][1];
}
void dt_log_reset(void) { nlog = 0; }

static void setmsg(char *buf, int n, const char *s, size_t len) {
	if (n <= 0) return;
	if (len > (size_t)n - 1) len = n - 1;
	memcpy(buf, s, len);
	buf[len] = 0;
}

static const char hosttrap[] = "wasmgen host trap";
static const char externfail[] = "difftest: wasmtime_externref_new failed";

// errmsg puts err's message in buf and says whether the whole message
// (a callback's nested errors make it long) names wasmgen's host trap.
static int errmsg(wasmtime_error_t *err, char *buf, int n) {
	wasm_byte_vec_t m;
	wasmtime_error_message(err, &m);
	setmsg(buf, n, m.data, m.size);
	int host = memmem(m.data, m.size, hosttrap, strlen(hosttrap)) != NULL;
	wasm_byte_vec_delete(&m);
	wasmtime_error_delete(err);
	return host;
}

static void trapmsg(wasm_trap_t *t, char *buf, int n) {
	wasm_message_t m;
	wasm_trap_message(t, &m);
	setmsg(buf, n, m.data, m.size);
	wasm_byte_vec_delete(&m);
}

int dt_init(void) {
	wasm_config_t *c = wasm_config_new();
	// WebAssembly 2.0, what lucet implements; nothing newer.
	wasmtime_config_wasm_simd_set(c, true);
	wasmtime_config_wasm_bulk_memory_set(c, true);
	wasmtime_config_wasm_multi_value_set(c, true);
	wasmtime_config_wasm_reference_types_set(c, true);
	wasmtime_config_wasm_relaxed_simd_set(c, false);
	wasmtime_config_wasm_tail_call_set(c, false);
	wasmtime_config_wasm_multi_memory_set(c, false);
	wasmtime_config_wasm_memory64_set(c, false);
	wasmtime_config_wasm_threads_set(c, false);
	wasmtime_config_wasm_function_references_set(c, false);
	wasmtime_config_wasm_gc_set(c, false);
	wasmtime_config_wasm_wide_arithmetic_set(c, false);
	wasmtime_config_epoch_interruption_set(c, true);
	wasmtime_config_parallel_compilation_set(c, false);
	engine = wasm_engine_new_with_config(c);
	return engine != NULL;
}

void dt_tick(void) { wasmtime_engine_increment_epoch(engine); }

struct dt_inst {
	wasmtime_store_t *store;
	wasmtime_context_t *cx;
	wasmtime_module_t *module;
	wasmtime_instance_t inst;
};

// externid is a host externref's id (wasmgen.ExternID; the data it was
// made with), 0 for null.
static uint64_t externid(wasmtime_context_t *cx, const wasmtime_externref_t *r) {
	return wasmtime_externref_is_null(r) ? 0 : (uint64_t)(uintptr_t)wasmtime_externref_data(cx, r);
}

static void logargs(wasmtime_context_t *cx, const wasmtime_val_t *args, size_t nargs) {
	for (size_t i = 0; i < nargs && nlog < MAXLOG; i++) {
		logkind[nlog] = args[i].kind;
		logval[nlog][0] = logval[nlog][1] = 0;
		switch (args[i].kind) {
		case WASMTIME_I32: logval[nlog][0] = (uint32_t)args[i].of.i32; break;
		case WASMTIME_I64: logval[nlog][0] = (uint64_t)args[i].of.i64; break;
		case WASMTIME_F32: memcpy(&logval[nlog][0], &args[i].of.f32, 4); break;
		case WASMTIME_F64: memcpy(&logval[nlog][0], &args[i].of.f64, 8); break;
		case WASMTIME_V128: memcpy(logval[nlog], args[i].of.v128, 16); break;
		case WASMTIME_FUNCREF: logval[nlog][0] = !wasmtime_funcref_is_null(&args[i].of.funcref); break;
		case WASMTIME_EXTERNREF: logval[nlog][0] = externid(cx, &args[i].of.externref); break;
		default: break;
		}
		nlog++;
	}
}

static wasm_trap_t *logcb(void *env, wasmtime_caller_t *caller, const wasmtime_val_t *args, size_t nargs,
                          wasmtime_val_t *results, size_t nresults) {
	logargs(wasmtime_caller_context(caller), args, nargs);
	const uint8_t *kinds = env; // wasmtime kinds of the results
	for (size_t i = 0; i < nresults; i++) {
		memset(&results[i], 0, sizeof results[i]);
		results[i].kind = kinds[i];
		if (kinds[i] == WASMTIME_FUNCREF) wasmtime_funcref_set_null(&results[i].of.funcref);
		if (kinds[i] == WASMTIME_EXTERNREF) wasmtime_externref_set_null(&results[i].of.externref);
	}
	return NULL;
}

// A host function of wasmgen's (module "wasmgen", name h..., t... or c...,
// v128 and references too): logs its arguments as logcb does, and its results
// or its trap are wasmgen.HostCall's, through dtHost (wasmtime.go).
typedef struct {
	char *name;
	int namelen, np, nr;
	uint8_t kinds[]; // the parameters', then the results'
} hostenv;

// pending is the trap a callback's callee ended with (dt_callback), which
// hostcb returns as its own.
static wasm_trap_t *pending;

// dt_callback calls export name of the caller's instance (for a wasmgen
// callback import): nargs arguments and nres results one word each, of
// the given wasmtime kinds (scalars only). Returns 0 when it returned, 1
// when it trapped or failed (pending set: a trap, or the error's message
// as a trap).
int dt_callback(void *caller, const char *name, size_t namelen, const uint8_t *kinds, const uint64_t *args, int nargs,
                uint64_t *res, int nres) {
	wasmtime_caller_t *c = caller;
	wasmtime_extern_t item;
	if (!wasmtime_caller_export_get(c, name, namelen, &item) || item.kind != WASMTIME_EXTERN_FUNC) {
		pending = wasmtime_trap_new("no callee", 9);
		return 1;
	}
	wasmtime_val_t a[nargs + 1], r[nres + 1];
	for (int i = 0; i < nargs; i++) {
		memset(&a[i], 0, sizeof a[i]);
		a[i].kind = kinds[i];
		switch (kinds[i]) {
		case WASMTIME_I32: a[i].of.i32 = (int32_t)args[i]; break;
		case WASMTIME_I64: a[i].of.i64 = (int64_t)args[i]; break;
		case WASMTIME_F32: memcpy(&a[i].of.f32, &args[i], 4); break;
		case WASMTIME_F64: memcpy(&a[i].of.f64, &args[i], 8); break;
		}
	}
	wasm_trap_t *trap = NULL;
	wasmtime_error_t *err = wasmtime_func_call(wasmtime_caller_context(c), &item.of.func, a, nargs, r, nres, &trap);
	if (err) {
		wasm_byte_vec_t m;
		wasmtime_error_message(err, &m);
		pending = wasmtime_trap_new(m.data, m.size);
		wasm_byte_vec_delete(&m);
		wasmtime_error_delete(err);
		return 1;
	}
	if (trap) {
		pending = trap;
		return 1;
	}
	for (int i = 0; i < nres; i++) {
		res[i] = 0;
		switch (r[i].kind) {
		case WASMTIME_I32: res[i] = (uint32_t)r[i].of.i32; break;
		case WASMTIME_I64: res[i] = (uint64_t)r[i].of.i64; break;
		case WASMTIME_F32: memcpy(&res[i], &r[i].of.f32, 4); break;
		case WASMTIME_F64: memcpy(&res[i], &r[i].of.f64, 8); break;
		}
	}
	return 0;
}

static wasm_trap_t *hostcb(void *env, wasmtime_caller_t *caller, const wasmtime_val_t *args, size_t nargs,
                           wasmtime_val_t *results, size_t nresults) {
	hostenv *h = env;
	wasmtime_context_t *cx = wasmtime_caller_context(caller);
	logargs(cx, args, nargs);
	// A word a value, two for a v128 (wasmgen.HostCall's slots).
	uint64_t a[2 * h->np + 1], r[2 * h->nr + 1];
	int n = 0;
	for (int i = 0; i < h->np; i++) {
		a[n] = 0;
		switch (args[i].kind) {
		case WASMTIME_I32: a[n] = (uint32_t)args[i].of.i32; break;
		case WASMTIME_I64: a[n] = (uint64_t)args[i].of.i64; break;
		case WASMTIME_F32: memcpy(&a[n], &args[i].of.f32, 4); break;
		case WASMTIME_F64: memcpy(&a[n], &args[i].of.f64, 8); break;
		case WASMTIME_V128: memcpy(&a[n++], args[i].of.v128, 16); break;
		case WASMTIME_FUNCREF: a[n] = !wasmtime_funcref_is_null(&args[i].of.funcref); break;
		case WASMTIME_EXTERNREF: a[n] = externid(cx, &args[i].of.externref); break;
		}
		n++;
	}
	pending = NULL;
	switch (dtHost(caller, h->name, h->namelen, h->kinds, h->np, h->nr, a, r)) {
	case 0: break;
	case 2: return pending; // the callee's trap, or its error as one
	default: return wasmtime_trap_new(hosttrap, strlen(hosttrap));
	}
	n = 0;
	for (int i = 0; i < h->nr; i++) {
		memset(&results[i], 0, sizeof results[i]);
		results[i].kind = h->kinds[h->np + i];
		switch (results[i].kind) {
		case WASMTIME_I32: results[i].of.i32 = (int32_t)r[n]; break;
		case WASMTIME_I64: results[i].of.i64 = (int64_t)r[n]; break;
		case WASMTIME_F32: memcpy(&results[i].of.f32, &r[n], 4); break;
		case WASMTIME_F64: memcpy(&results[i].of.f64, &r[n], 8); break;
		case WASMTIME_V128: memcpy(results[i].of.v128, &r[n++], 16); break;
		case WASMTIME_FUNCREF: wasmtime_funcref_set_null(&results[i].of.funcref); break; // HostCall's are null
		case WASMTIME_EXTERNREF: // an id made into a reference whose data it is
			if (r[n] == 0)
				wasmtime_externref_set_null(&results[i].of.externref);
			else if (!wasmtime_externref_new(cx, (void *)(uintptr_t)r[n], NULL, &results[i].of.externref))
				return wasmtime_trap_new(externfail, strlen(externfail));
			break;
		}
		n++;
	}
	return NULL;
}

static void freehost(void *env) {
	hostenv *h = env;
	free(h->name);
	free(h);
}

// newhost makes the hostenv of import mod.name of type ft, NULL if it is
// not one of wasmgen's host functions.
static hostenv *newhost(const wasm_name_t *mod, const wasm_name_t *name, const wasm_functype_t *ft) {
	if (mod->size != 7 || memcmp(mod->data, "wasmgen", 7) != 0 || name->size == 0 || (name->data[0] != 'h' && name->data[0] != 't' && name->data[0] != 'c'))
		return NULL;
	const wasm_valtype_vec_t *p = wasm_functype_params(ft), *r = wasm_functype_results(ft);
	hostenv *h = calloc(1, sizeof *h + p->size + r->size + 1);
	h->np = p->size;
	h->nr = r->size;
	for (size_t i = 0; i < p->size + r->size; i++) {
		wasm_valkind_t k = wasm_valtype_kind(i < p->size ? p->data[i] : r->data[i - p->size]);
		if (k > WASM_F64 && k != WASMTIME_V128 && k != WASM_FUNCREF && k != WASM_EXTERNREF) {
			free(h);
			return NULL;
		}
		h->kinds[i] = k == WASM_FUNCREF ? WASMTIME_FUNCREF : k == WASM_EXTERNREF ? WASMTIME_EXTERNREF : (uint8_t)k;
	}
	h->name = malloc(name->size);
	memcpy(h->name, name->data, name->size);
	h->namelen = name->size;
	return h;
}

// reskinds is a malloc'd array of the wasmtime kinds of ft's results.
static uint8_t *reskinds(const wasm_functype_t *ft) {
	const wasm_valtype_vec_t *r = wasm_functype_results(ft);
	uint8_t *k = calloc(r->size + 1, 1);
	for (size_t i = 0; i < r->size; i++) {
		wasm_valkind_t v = wasm_valtype_kind(r->data[i]);
		k[i] = v == WASM_FUNCREF ? WASMTIME_FUNCREF : v == WASM_EXTERNREF ? WASMTIME_EXTERNREF : (uint8_t)v;
	}
	return k;
}

// dt_new compiles and instantiates wasm. Only function and global
// imports are provided: a function logs its arguments and returns zeros
// (binaryen's fuzzing-support log-*, the spec testsuite's spectest
// print*), a global holds zero or null.
// Returns NULL with a message in msg: *stage is 1 for a compile error,
// 2 for a link error, 3 for a trap during instantiation (*code set).
dt_inst *dt_new(const uint8_t *wasm, size_t len, int64_t memlimit, int64_t tablelimit, int *stage, int *code, char *msg, int msglen) {
	dt_inst *d = calloc(1, sizeof *d);
	*code = -1;
	wasmtime_error_t *err = wasmtime_module_new(engine, wasm, len, &d->module);
	if (err) {
		*stage = 1;
		errmsg(err, msg, msglen);
		free(d);
		return NULL;
	}
	d->store = wasmtime_store_new(engine, NULL, NULL);
	d->cx = wasmtime_store_context(d->store);
	wasmtime_store_limiter(d->store, memlimit, tablelimit, -1, -1, -1);
	wasmtime_context_set_epoch_deadline(d->cx, 1000000);

	wasm_importtype_vec_t imps;
	wasmtime_module_imports(d->module, &imps);
	wasmtime_extern_t *ext = calloc(imps.size + 1, sizeof *ext);
	for (size_t i = 0; i < imps.size; i++) {
		const wasm_name_t *mod = wasm_importtype_module(imps.data[i]);
		const wasm_externtype_t *et = wasm_importtype_type(imps.data[i]);
		const wasm_functype_t *ft = wasm_externtype_as_functype_const(et);
		const wasm_globaltype_t *gt = wasm_externtype_as_globaltype_const(et);
		if (gt) {
			// A global of zero (or null), as lucet's side makes.
			wasmtime_val_t v;
			memset(&v, 0, sizeof v);
			wasm_valkind_t k = wasm_valtype_kind(wasm_globaltype_content(gt));
			v.kind = k == WASM_FUNCREF ? WASMTIME_FUNCREF : k == WASM_EXTERNREF ? WASMTIME_EXTERNREF : k;
			if (v.kind == WASMTIME_FUNCREF) wasmtime_funcref_set_null(&v.of.funcref);
			if (v.kind == WASMTIME_EXTERNREF) wasmtime_externref_set_null(&v.of.externref);
			ext[i].kind = WASMTIME_EXTERN_GLOBAL;
			wasmtime_error_t *gerr = wasmtime_global_new(d->cx, gt, &v, &ext[i].of.global);
			if (gerr) {
				*stage = 2;
				errmsg(gerr, msg, msglen);
				wasm_importtype_vec_delete(&imps);
				free(ext);
				dt_free(d);
				return NULL;
			}
			continue;
		}
		if (!ft) {
			*stage = 2;
			setmsg(msg, msglen, "unsupported import", 18);
			wasm_importtype_vec_delete(&imps);
			free(ext);
			dt_free(d);
			return NULL;
		}
		ext[i].kind = WASMTIME_EXTERN_FUNC;
		hostenv *h = newhost(mod, wasm_importtype_name(imps.data[i]), ft);
		if (h)
			wasmtime_func_new(d->cx, ft, hostcb, h, freehost, &ext[i].of.func);
		else
			wasmtime_func_new(d->cx, ft, logcb, reskinds(ft), free, &ext[i].of.func);
	}
	wasm_trap_t *trap = NULL;
	err = wasmtime_instance_new(d->cx, d->module, ext, imps.size, &d->inst, &trap);
	wasm_importtype_vec_delete(&imps);
	free(ext);
	if (err) {
		*stage = 2;
		errmsg(err, msg, msglen);
		dt_free(d);
		return NULL;
	}
	if (trap) {
		*stage = 3;
		wasmtime_trap_code_t c;
		if (wasmtime_trap_code(trap, &c)) *code = c;
		trapmsg(trap, msg, msglen);
		wasm_trap_delete(trap);
		dt_free(d);
		return NULL;
	}
	return d;
}

void dt_free(dt_inst *d) {
	if (!d) return;
	if (d->store) wasmtime_store_delete(d->store);
	if (d->module) wasmtime_module_delete(d->module);
	free(d);
}

static int lookup(dt_inst *d, const char *name, size_t n, wasmtime_extern_t *item) {
	return wasmtime_instance_export_get(d->cx, &d->inst, name, n, item);
}

// dt_call calls export name with nargs values of the given wasmtime kinds
// (args: two words each) and stores nres results the same way. Returns 0
// when the call returned, 1 on a trap (*code, *offset: the innermost
// frame's module offset or -1), 2 on another error (msg).
int dt_call(dt_inst *d, const char *name, size_t namelen, const uint8_t *kinds, const uint64_t *args, int nargs,
            uint64_t *res, uint8_t *reskinds, int nres, uint64_t deadline, int *code, int64_t *offset, char *msg, int msglen) {
	wasmtime_extern_t item;
	if (!lookup(d, name, namelen, &item) || item.kind != WASMTIME_EXTERN_FUNC) {
		setmsg(msg, msglen, "no such function", 16);
		return 2;
	}
	wasmtime_val_t *a = calloc(nargs + 1, sizeof *a), *r = calloc(nres + 1, sizeof *r);
	for (int i = 0; i < nargs; i++) {
		a[i].kind = kinds[i];
		switch (kinds[i]) {
		case WASMTIME_I32: a[i].of.i32 = (int32_t)args[2 * i]; break;
		case WASMTIME_I64: a[i].of.i64 = (int64_t)args[2 * i]; break;
		case WASMTIME_F32: memcpy(&a[i].of.f32, &args[2 * i], 4); break;
		case WASMTIME_F64: memcpy(&a[i].of.f64, &args[2 * i], 8); break;
		case WASMTIME_V128: memcpy(a[i].of.v128, &args[2 * i], 16); break;
		case WASMTIME_FUNCREF: wasmtime_funcref_set_null(&a[i].of.funcref); break;
		case WASMTIME_EXTERNREF: wasmtime_externref_set_null(&a[i].of.externref); break;
		}
	}
	wasmtime_context_set_epoch_deadline(d->cx, deadline);
	wasm_trap_t *trap = NULL;
	wasmtime_error_t *err = wasmtime_func_call(d->cx, &item.of.func, a, nargs, r, nres, &trap);
	int ret = 0;
	if (err) {
		ret = 2;
		if (errmsg(err, msg, msglen)) { // a host function's trap comes as an error
			ret = 1;
			*code = -2;
			*offset = -1;
		}
	} else if (trap) {
		ret = 1;
		wasmtime_trap_code_t c;
		*code = -1;
		if (wasmtime_trap_code(trap, &c)) *code = c;
		*offset = -1;
		wasm_frame_vec_t fr;
		wasm_trap_trace(trap, &fr);
		if (fr.size > 0) *offset = (int64_t)wasm_frame_module_offset(fr.data[0]);
		wasm_frame_vec_delete(&fr);
		trapmsg(trap, msg, msglen);
		if (*code == -1 && strstr(msg, hosttrap)) *code = -2;
		wasm_trap_delete(trap);
	} else {
		for (int i = 0; i < nres; i++) {
			reskinds[i] = r[i].kind;
			res[2 * i] = res[2 * i + 1] = 0;
			switch (r[i].kind) {
			case WASMTIME_I32: res[2 * i] = (uint32_t)r[i].of.i32; break;
			case WASMTIME_I64: res[2 * i] = (uint64_t)r[i].of.i64; break;
			case WASMTIME_F32: memcpy(&res[2 * i], &r[i].of.f32, 4); break;
			case WASMTIME_F64: memcpy(&res[2 * i], &r[i].of.f64, 8); break;
			case WASMTIME_V128: memcpy(&res[2 * i], r[i].of.v128, 16); break;
			case WASMTIME_FUNCREF: res[2 * i] = !wasmtime_funcref_is_null(&r[i].of.funcref); break;
			case WASMTIME_EXTERNREF:
				res[2 * i] = r[i].of.externref.store_id != 0;
				wasmtime_val_unroot(d->cx, &r[i]);
				break;
			}
		}
	}
	free(a);
	free(r);
	return ret;
}

// dt_memory finds exported memory name: its bytes and length.
int dt_memory(dt_inst *d, const char *name, size_t namelen, uint8_t **data, size_t *len) {
	wasmtime_extern_t item;
	if (!lookup(d, name, namelen, &item) || item.kind != WASMTIME_EXTERN_MEMORY) return 0;
	*data = wasmtime_memory_data(d->cx, &item.of.memory);
	*len = wasmtime_memory_data_size(d->cx, &item.of.memory);
	return 1;
}

// dt_global reads exported global name (references: 1 when not null).
int dt_global(dt_inst *d, const char *name, size_t namelen, uint64_t *lo, uint64_t *hi) {
	wasmtime_extern_t item;
	if (!lookup(d, name, namelen, &item) || item.kind != WASMTIME_EXTERN_GLOBAL) return 0;
	wasmtime_val_t v;
	wasmtime_global_get(d->cx, &item.of.global, &v);
	*lo = *hi = 0;
	switch (v.kind) {
	case WASMTIME_I32: *lo = (uint32_t)v.of.i32; break;
	case WASMTIME_I64: *lo = (uint64_t)v.of.i64; break;
	case WASMTIME_F32: memcpy(lo, &v.of.f32, 4); break;
	case WASMTIME_F64: memcpy(lo, &v.of.f64, 8); break;
	case WASMTIME_V128: memcpy(lo, v.of.v128, 8); memcpy(hi, v.of.v128 + 8, 8); break;
	case WASMTIME_FUNCREF: *lo = !wasmtime_funcref_is_null(&v.of.funcref); break;
	case WASMTIME_EXTERNREF: *lo = v.of.externref.store_id != 0; wasmtime_val_unroot(d->cx, &v); break;
	}
	return 1;
}
