/* Byte-scan loops of the shapes clang -O2 makes of wasi-libc's (musl's)
 * strlen, memchr and memcmp and of user-written C scanning loops. Built
 * with -fno-builtin, so clang keeps them loops; pkg/codegen's scan tests
 * run them. Regenerate with scripts/build-scan-testdata.sh. */
typedef unsigned int u32;
typedef unsigned long size_t;

#define ONES ((size_t)-1 / 255)
#define HIGHS (ONES * 128)
#define HASZERO(x) (((x) - ONES) & ~(x) & HIGHS)

/* musl's strlen: bytes to alignment, words with the has-zero trick, the
 * bytes of the last word. */
size_t musl_strlen(const char *s) {
	const char *a = s;
	const size_t *w;
	for (; (unsigned long)s % sizeof(size_t); s++)
		if (!*s) return s - a;
	for (w = (const void *)s; !HASZERO(*w); w++);
	s = (const void *)w;
	for (; *s; s++);
	return s - a;
}
/* musl's memchr: bytes to alignment, words of x ^ c*ONES, then bytes. */
void *musl_memchr(const void *src, int c, size_t n) {
	const unsigned char *s = src;
	c = (unsigned char)c;
	for (; ((unsigned long)s & (sizeof(size_t) - 1)) && n && *s != c; s++, n--);
	if (n && *s != c) {
		const size_t *w;
		size_t k = ONES * c;
		for (w = (const void *)s; n >= sizeof(size_t) && !HASZERO(*w ^ k); w++, n -= sizeof(size_t));
		s = (const void *)w;
	}
	for (; n && *s != c; s++, n--);
	return n ? (void *)s : 0;
}
/* musl's memcmp. */
int musl_memcmp(const void *vl, const void *vr, size_t n) {
	const unsigned char *l = vl, *r = vr;
	for (; n && *l == *r; n--, l++, r++);
	return n ? *l - *r : 0;
}
/* The simplest strlen. */
size_t strlen_bytes(const char *s) {
	const char *p = s;
	while (*p) p++;
	return p - s;
}
/* strchrnul-like: stop at c or the terminator. */
const char *scan_until(const char *p, int c) {
	while (*p && *p != (char)c) p++;
	return p;
}
/* Skip a run of one byte (exit when a byte differs). */
const char *skip_spaces(const char *p) {
	while (*p == ' ') p++;
	return p;
}
/* strcmp. */
int bytes_strcmp(const char *l, const char *r) {
	for (; *l == *r && *l; l++, r++);
	return *(unsigned char *)l - *(unsigned char *)r;
}
/* An index loop with a bound: the first position of c in p[0..n). */
int index_of(const unsigned char *p, unsigned char c, u32 n) {
	for (u32 i = 0; i < n; i++)
		if (p[i] == c) return i;
	return -1;
}
/* Scan up to an end pointer. */
const char *find_end(const char *p, const char *end, char c) {
	for (; p != end; p++)
		if (*p == c) break;
	return p;
}
/* Bytes counted by a signed char compare with a negative value. */
const signed char *find_neg(const signed char *p) {
	while (*p != -3) p++;
	return p;
}
/* musl's strchrnul: bytes to alignment, words with no zero and no c
 * (two has-zero tests of one word), then bytes. */
char *musl_strchrnul(const char *s, int c) {
	c = (unsigned char)c;
	if (!c) return (char *)s + musl_strlen(s);
	const size_t *w;
	for (; (unsigned long)s % sizeof(size_t); s++)
		if (!*s || *(unsigned char *)s == c) return (char *)s;
	size_t k = ONES * c;
	for (w = (void *)s; !HASZERO(*w) && !HASZERO(*w ^ k); w++);
	s = (void *)w;
	for (; *s && *(unsigned char *)s != c; s++);
	return (char *)s;
}
