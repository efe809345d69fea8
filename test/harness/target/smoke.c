/*
 * Toolchain + board smoke test: int64 arithmetic and the ACLE DSP intrinsics give
 * the same results as portable C. On a DSP target (__ARM_FEATURE_DSP) each op is
 * the intrinsic (one instruction); elsewhere, including the host, it is the
 * reference C below. Every op folds 2000 pseudo-random cases into a hash line
 *   smoke <op> <hash>
 * and the test compares the lines with the host's.
 */
/* stdio.h first: with newlib and -std=c99, <inttypes.h> alone lacks the PRI*64 macros. */
#include <stdio.h>
#include <inttypes.h>
#if defined(__ARM_FEATURE_DSP) || defined(__ARM_FEATURE_SAT)
#include <arm_acle.h>
#endif

#define CASES 2000

static uint32_t rng_state = 0x12345678u;

/* xorshift32 */
static uint32_t next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Lanes as signed values; the shifts pick the lane, ^/- sign-extend without
 * implementation-defined conversions. */
static inline int32_t half(uint32_t x, int lane) { return (int32_t)(((x >> (16 * lane)) & 0xFFFFu) ^ 0x8000u) - 0x8000; }
static inline int32_t byte(uint32_t x, int lane) { return (int32_t)(((x >> (8 * lane)) & 0xFFu) ^ 0x80u) - 0x80; }
static inline int32_t s32(uint32_t x) { return x >= 0x80000000u ? (int32_t)(x - 0x80000000u) - 0x7FFFFFFF - 1 : (int32_t)x; }
static inline int32_t clamp(int64_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : (int32_t)v; }
static inline uint32_t pack16(int32_t lo, int32_t hi) { return ((uint32_t)lo & 0xFFFFu) | ((uint32_t)hi & 0xFFFFu) << 16; }
static inline uint32_t pack8(const int32_t b[4])
{
    return ((uint32_t)b[0] & 0xFFu) | ((uint32_t)b[1] & 0xFFu) << 8 | ((uint32_t)b[2] & 0xFFu) << 16 | ((uint32_t)b[3] & 0xFFu) << 24;
}

#if defined(__ARM_FEATURE_DSP)
#define S(x) ((int32_t)(x))
static uint32_t op_smlad(uint32_t x, uint32_t y, uint32_t z) { return (uint32_t)__smlad(S(x), S(y), S(z)); }
static uint32_t op_smladx(uint32_t x, uint32_t y, uint32_t z) { return (uint32_t)__smladx(S(x), S(y), S(z)); }
static uint32_t op_smlsd(uint32_t x, uint32_t y, uint32_t z) { return (uint32_t)__smlsd(S(x), S(y), S(z)); }
static uint32_t op_smuad(uint32_t x, uint32_t y, uint32_t z) { (void)z; return (uint32_t)__smuad(S(x), S(y)); }
static uint32_t op_sxtb16(uint32_t x, uint32_t y, uint32_t z) { (void)y; (void)z; return (uint32_t)__sxtb16(S(x)); }
static uint32_t op_sxtab16(uint32_t x, uint32_t y, uint32_t z) { (void)z; return (uint32_t)__sxtab16(S(x), S(y)); }
static uint32_t op_qadd16(uint32_t x, uint32_t y, uint32_t z) { (void)z; return (uint32_t)__qadd16(S(x), S(y)); }
static uint32_t op_qsub16(uint32_t x, uint32_t y, uint32_t z) { (void)z; return (uint32_t)__qsub16(S(x), S(y)); }
static uint32_t op_shadd16(uint32_t x, uint32_t y, uint32_t z) { (void)z; return (uint32_t)__shadd16(S(x), S(y)); }
static uint32_t op_qadd8(uint32_t x, uint32_t y, uint32_t z) { (void)z; return (uint32_t)__qadd8(S(x), S(y)); }
static uint32_t op_qadd(uint32_t x, uint32_t y, uint32_t z) { (void)z; return (uint32_t)__qadd(S(x), S(y)); }
static uint32_t op_smlabb(uint32_t x, uint32_t y, uint32_t z) { return (uint32_t)__smlabb(S(x), S(y), S(z)); }
static uint32_t op_smlawb(uint32_t x, uint32_t y, uint32_t z) { return (uint32_t)__smlawb(S(x), S(y), S(z)); }
static uint32_t op_usad8(uint32_t x, uint32_t y, uint32_t z) { (void)z; return __usad8(x, y); }
static uint64_t op_smlald(uint32_t x, uint32_t y, uint64_t acc) { return (uint64_t)__smlald(S(x), S(y), (int64_t)acc); }
#else
static uint32_t op_smlad(uint32_t x, uint32_t y, uint32_t z) { return (uint32_t)(half(x, 0) * half(y, 0)) + (uint32_t)(half(x, 1) * half(y, 1)) + z; }
static uint32_t op_smladx(uint32_t x, uint32_t y, uint32_t z) { return (uint32_t)(half(x, 0) * half(y, 1)) + (uint32_t)(half(x, 1) * half(y, 0)) + z; }
static uint32_t op_smlsd(uint32_t x, uint32_t y, uint32_t z) { return (uint32_t)(half(x, 0) * half(y, 0)) - (uint32_t)(half(x, 1) * half(y, 1)) + z; }
static uint32_t op_smuad(uint32_t x, uint32_t y, uint32_t z) { (void)z; return op_smlad(x, y, 0); }
static uint32_t op_sxtb16(uint32_t x, uint32_t y, uint32_t z) { (void)y; (void)z; return pack16(byte(x, 0), byte(x, 2)); }
static uint32_t op_sxtab16(uint32_t x, uint32_t y, uint32_t z) { (void)z; return pack16(half(x, 0) + byte(y, 0), half(x, 1) + byte(y, 2)); }
static uint32_t op_qadd16(uint32_t x, uint32_t y, uint32_t z) { (void)z; return pack16(clamp(half(x, 0) + half(y, 0), -32768, 32767), clamp(half(x, 1) + half(y, 1), -32768, 32767)); }
static uint32_t op_qsub16(uint32_t x, uint32_t y, uint32_t z) { (void)z; return pack16(clamp(half(x, 0) - half(y, 0), -32768, 32767), clamp(half(x, 1) - half(y, 1), -32768, 32767)); }
/* (a + b) >> 1 on the 17-bit sum, rounding toward minus infinity: floor division by 2. */
static int32_t halve(int32_t v) { return (v - (v & 1)) / 2; }
static uint32_t op_shadd16(uint32_t x, uint32_t y, uint32_t z) { (void)z; return pack16(halve(half(x, 0) + half(y, 0)), halve(half(x, 1) + half(y, 1))); }
static uint32_t op_qadd8(uint32_t x, uint32_t y, uint32_t z)
{
    int32_t b[4];
    (void)z;
    for (int i = 0; i < 4; i++) b[i] = clamp(byte(x, i) + byte(y, i), -128, 127);
    return pack8(b);
}
static uint32_t op_qadd(uint32_t x, uint32_t y, uint32_t z) { (void)z; return (uint32_t)clamp((int64_t)s32(x) + s32(y), INT32_MIN, INT32_MAX); }
static uint32_t op_smlabb(uint32_t x, uint32_t y, uint32_t z) { return (uint32_t)(half(x, 0) * half(y, 0)) + z; }
static uint32_t op_smlawb(uint32_t x, uint32_t y, uint32_t z)
{
    /* top 32 bits of the 48-bit product (int64 >> 16 floors, as the instruction does) */
    int64_t p = (int64_t)s32(x) * half(y, 0);
    return (uint32_t)(uint64_t)((p - (p & 0xFFFF)) / 65536) + z;
}
static uint32_t op_usad8(uint32_t x, uint32_t y, uint32_t z)
{
    uint32_t sum = 0;
    (void)z;
    for (int i = 0; i < 4; i++) {
        uint32_t a = (x >> (8 * i)) & 0xFFu, b = (y >> (8 * i)) & 0xFFu;
        sum += a > b ? a - b : b - a;
    }
    return sum;
}
static uint64_t op_smlald(uint32_t x, uint32_t y, uint64_t acc) { return acc + (uint64_t)(int64_t)(half(x, 0) * half(y, 0)) + (uint64_t)(int64_t)(half(x, 1) * half(y, 1)); }
#endif

#if defined(__ARM_FEATURE_SAT)
/* gcc 12's __ssat macro assigns the builtin's unsigned result to an int32_t, which
 * -Wconversion reports at the caller; the C clamp idiom compiles to the same ssat. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
static uint32_t op_ssat8(uint32_t x, uint32_t y, uint32_t z) { (void)y; (void)z; return (uint32_t)__ssat(s32(x) >> 20, 8); }
#pragma GCC diagnostic pop
static uint32_t op_usat8(uint32_t x, uint32_t y, uint32_t z) { (void)y; (void)z; return __usat(s32(x) >> 20, 8); }
#else
static uint32_t op_ssat8(uint32_t x, uint32_t y, uint32_t z) { (void)y; (void)z; return (uint32_t)clamp(s32(x) >> 20, -128, 127); }
static uint32_t op_usat8(uint32_t x, uint32_t y, uint32_t z) { (void)y; (void)z; return (uint32_t)clamp(s32(x) >> 20, 0, 255); }
#endif

typedef uint32_t (*op32)(uint32_t, uint32_t, uint32_t);
static const struct {
    const char *name;
    op32 fn;
} OPS[] = {
    {"smlad", op_smlad}, {"smladx", op_smladx}, {"smlsd", op_smlsd}, {"smuad", op_smuad}, {"sxtb16", op_sxtb16},
    {"sxtab16", op_sxtab16}, {"qadd16", op_qadd16}, {"qsub16", op_qsub16}, {"shadd16", op_shadd16},
    {"qadd8", op_qadd8}, {"qadd", op_qadd}, {"smlabb", op_smlabb}, {"smlawb", op_smlawb}, {"usad8", op_usad8},
    {"ssat8", op_ssat8}, {"usat8", op_usat8},
};

/* FNV-1a over the 32-bit results */
static uint32_t fold(uint32_t h, uint32_t v) { return (h ^ v) * 16777619u; }

void smoke_print(void);
void smoke_print(void)
{
    for (unsigned k = 0; k < sizeof OPS / sizeof OPS[0]; k++) {
        uint32_t h = 2166136261u;
        for (int i = 0; i < CASES; i++) {
            uint32_t x = next(), y = next(), z = next();
            h = fold(h, OPS[k].fn(x, y, z));
        }
        printf("smoke %s %08" PRIx32 "\n", OPS[k].name, h);
    }
    /* int64: signed products, Q31 multiply with rounding, 64x64 products, 64-bit accumulation */
    uint64_t acc = 0, q31 = 0, wide = 0, lald = 0;
    for (int i = 0; i < CASES; i++) {
        int32_t a = s32(next()), b = s32(next());
        int64_t p = (int64_t)a * b;
        acc += (uint64_t)p;
        q31 = q31 * 31u + (uint64_t)(uint32_t)((p + (1LL << 30)) >> 31);
        wide = wide * 0x9E3779B97F4A7C15ull + ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) * (uint64_t)p;
        lald = op_smlald((uint32_t)a, (uint32_t)b, lald);
    }
    printf("smoke mul64 %016" PRIx64 "\nsmoke q31 %016" PRIx64 "\nsmoke wide64 %016" PRIx64 "\nsmoke smlald %016" PRIx64 "\n",
           acc, q31, wide, lald);
    printf("info dsp %d\n",
#if defined(__ARM_FEATURE_DSP)
           1
#else
           0
#endif
    );
}
