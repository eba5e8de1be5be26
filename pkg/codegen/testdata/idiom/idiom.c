/* Byte and word loops of the shapes wasi-libc's string routines compile to
 * (musl: word copies after alignment, byte loops for tails and misaligned
 * buffers, run forwards or backwards). Built with -fno-builtin, so clang
 * keeps them loops; pkg/codegen's loop-idiom tests run them. Regenerate
 * with scripts/build-idiom-testdata.sh. */
typedef unsigned int u32;
typedef unsigned long long u64;

/* memmove's backward byte loop (clang unrolls it by 4 with a remainder). */
void copy_back8(unsigned char *d, const unsigned char *s, u32 n) {
	while (n) { n--; d[n] = s[n]; }
}
/* memcpy's forward byte loop with three induction variables. */
void copy_fwd8(unsigned char *d, const unsigned char *s, u32 n) {
	for (; n; n--) *d++ = *s++;
}
void copy_fwd32(u32 *d, const u32 *s, u32 n) {
	for (; n; n--) *d++ = *s++;
}
void copy_back32(u32 *d, const u32 *s, u32 n) {
	while (n) { n--; d[n] = s[n]; }
}
void copy_fwd64(u64 *d, const u64 *s, u32 n) {
	for (u32 i = 0; i != n; i++) d[i] = s[i];
}
/* memset's byte loop and a word fill of a uniform and a non-uniform value. */
void fill8(unsigned char *d, int c, u32 n) {
	for (; n; n--) *d++ = (unsigned char)c;
}
void fill32_uniform(u32 *d, u32 n) {
	for (; n; n--) *d++ = 0x5a5a5a5a;
}
void fill32_mixed(u32 *d, u32 n) {
	for (; n; n--) *d++ = 0x01020304;
}
/* musl memcpy's aligned word loop: a byte count stepping down while it
 * is above the remainder. */
void copy_words_rem(u64 *d, const u64 *s, u32 n) {
	for (; n >= 16; n -= 16, d += 2, s += 2) { d[0] = s[0]; d[1] = s[1]; }
}
/* A count that steps past zero and wraps when n % 4 == 3: the loop then
 * runs on until it traps. */
void copy_words_wrap(u32 *d, const u32 *s, u32 n) {
	do { *d++ = *s++; n -= 4; } while (n > 2);
}
/* Stores out of the walk's order (the second word first): a copy only
 * when the ranges do not overlap at all. */
void copy_pairs_swapped(u32 *d, const u32 *s, u32 n) {
	for (; n; n--, d += 2, s += 2) { d[1] = s[1]; d[0] = s[0]; }
}
/* musl memcpy's loops for a source misaligned by 1, 2 or 3 bytes against
 * an aligned destination (little-endian): each stored word merges the
 * carried word w and the next one, so every stored byte is a source byte
 * at a fixed distance. The _w variants take the carried word's start
 * from the caller, which need not match memory: then the loop must run. */
typedef u32 __attribute__((__may_alias__)) au32;
#define MERGE_LOOP(R, L)                                                   \
	for (; n >= 20 - R; s += 16, d += 16, n -= 16) {               \
		x = *(au32 *)(s + 4 - R);                                  \
		*(au32 *)(d + 0) = (w >> (8 * L)) | (x << (8 * (4 - L)));  \
		w = *(au32 *)(s + 8 - R);                                  \
		*(au32 *)(d + 4) = (x >> (8 * L)) | (w << (8 * (4 - L)));  \
		x = *(au32 *)(s + 12 - R);                                  \
		*(au32 *)(d + 8) = (w >> (8 * L)) | (x << (8 * (4 - L)));  \
		w = *(au32 *)(s + 16 - R);                                 \
		*(au32 *)(d + 12) = (x >> (8 * L)) | (w << (8 * (4 - L))); \
	}
/* R bytes copied before the loop, the carried word shifted right by L. */
#define MERGE_FN(name, R, L)                                                        \
	void name(unsigned char *d, const unsigned char *s, u32 n) {                \
		u32 w, x;                                                           \
		if (n < 32) return;                                                 \
		w = *(au32 *)s;                                                     \
		for (int i = 0; i < R; i++) *d++ = *s++;                            \
		n -= R;                                                             \
		MERGE_LOOP(R, L)                                                    \
		for (; n; n--) *d++ = *s++;                                         \
	}                                                                           \
	void name##_w(unsigned char *d, const unsigned char *s, u32 n, u32 w) {     \
		u32 x;                                                              \
		if (n < 32) return;                                                 \
		for (int i = 0; i < R; i++) *d++ = *s++;                            \
		n -= R;                                                             \
		MERGE_LOOP(R, L)                                                    \
		for (; n; n--) *d++ = *s++;                                         \
	}
MERGE_FN(copy_merge1, 3, 3)
MERGE_FN(copy_merge2, 2, 2)
MERGE_FN(copy_merge3, 1, 1)
/* Merged words whose bytes are not at one distance (the second word's
 * shift is off by a byte): no copy; the tail loop still is one. */
void copy_merge_skew(unsigned char *d, const unsigned char *s, u32 n) {
	u32 w, x;
	if (n < 32) return;
	w = *(au32 *)s;
	*d++ = *s++;
	n -= 1;
	for (; n >= 19; s += 8, d += 8, n -= 8) {
		x = *(au32 *)(s + 3);
		*(au32 *)(d + 0) = (w >> 8) | (x << 24);
		w = *(au32 *)(s + 7);
		*(au32 *)(d + 4) = (x >> 16) | (w << 16);
	}
	for (; n; n--) *d++ = *s++;
}
