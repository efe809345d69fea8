/**
 * The recurrent products of training on WebAssembly SIMD (two float64 lanes), with the
 * module written out below byte by byte: no toolchain at build or test time.
 *
 * One kernel: C[i][j] (+)= Σ_p A(i, p) · B[p][j] for a 4×4 block of C per pass over p,
 * two f64x2 accumulators per row; A(i, p) is read through two strides, so the same code
 * does A·B (A row-major m×k) and Aᵀ·B (A row-major k×m). Every output sums p = 0, 1, …
 * from 0 by a multiply and an add per term (no fused multiply-add), then is added to C
 * (accumulate) or stored: bit for bit what the scalar gemmNT (gemm.ts) gives for the
 * same terms in the same order.
 *
 * The operands live in the module's memory: B is staged once (`stage`, the recurrent
 * kernel for a whole sequence, or h_prev of every step for dU), then `mul` copies A in,
 * runs the kernel over blocks of 128 terms (the rows of B they read stay in cache; each
 * block's sums start where the previous block's stopped, so the order of the terms does
 * not change) and copies C out. Blocks are padded to multiples of 4 (rows of A, columns
 * of B and C) with zeros or ignored values, so the kernel has no remainder paths; only
 * the m×n block is copied out. Training is single-threaded: one staged B at a time, and
 * a cell stages its own before each of its loops.
 *
 * Where the module does not compile (a WebAssembly without SIMD), `mul` runs the same
 * loop in JavaScript on the same memory (`useWasm(false)` forces it: the tests compare the
 * two bit for bit). WebAssembly itself is required (Node has it, and SIMD, since 16.4).
 */

import { RnncError } from '../errors.js';

// --- the module -------------------------------------------------------------------------

const I32 = 0x7f, V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Parameters (all i32; addresses and strides in bytes):
//   0 m, 1 n, 2 k, 3 a, 4 sai (A's stride per row i), 5 sap (per term p), 6 b, 7 ldb, 8 c, 9 ldc,
//   10 init (the sums start from what C holds, else from 0)
const [M, N, K, A, SAI, SAP, B, LDB, C, LDC, INIT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
// i32 locals 11…17, v128 locals 18…28
const [LI, LJ, LP, PA, PB, PC, PX] = [11, 12, 13, 14, 15, 16, 17];
const ACCS = [18, 19, 20, 21, 22, 23, 24, 25]; // row r: ACCS[2r] columns j, j+1; ACCS[2r+1] columns j+2, j+3
const [B0, B1, X] = [26, 27, 28];

// Instructions (WebAssembly core spec 5.4 and the SIMD proposal's 0xfd prefix). Memory
// operands: alignment hint 2³ (8 bytes), then the constant offset.
const get = (l: number) => [0x20, ...uleb(l)]; // local.get
const set = (l: number) => [0x21, ...uleb(l)]; // local.set
const i32c = (v: number) => [0x41, ...sleb(v)]; // i32.const
const ADD = 0x6a, MUL = 0x6c, GE_S = 0x4e; // i32.add, i32.mul, i32.ge_s
const simd = (op: number) => [0xfd, ...uleb(op)];
const v128load = (offset: number) => [...simd(0), 3, ...uleb(offset)]; // v128.load
const v128store = (offset: number) => [...simd(11), 3, ...uleb(offset)]; // v128.store
const f64load = [0x2b, 3, 0]; // f64.load
const SPLAT = simd(20), FADD = simd(240), FMUL = simd(242); // f64x2.splat, f64x2.add, f64x2.mul
const V128_ZERO = [...simd(12), ...new Array<number>(16).fill(0)]; // v128.const 0
// block, loop, end, if, else (empty block type 0x40); br and br_if to a label depth
const BLOCK = [0x02, 0x40], LOOP = [0x03, 0x40], END = 0x0b, IF = [0x04, 0x40], ELSE = 0x05;
const br = (l: number) => [0x0c, l], brIf = (l: number) => [0x0d, l];

/** acc += x · b for row r's two accumulators. */
const update = (r: number) => [
  ...get(ACCS[2 * r]!), ...get(X), ...get(B0), ...FMUL, ...FADD, ...set(ACCS[2 * r]!),
  ...get(ACCS[2 * r + 1]!), ...get(X), ...get(B1), ...FMUL, ...FADD, ...set(ACCS[2 * r + 1]!),
];

/** Address of row r of the C block: PC + r·ldc. */
const rowAddr = (r: number) => [...get(PC), ...(r === 0 ? [] : [...get(LDC), ...i32c(r), MUL, ADD])];

/** Each accumulator from its place in C (a running sum carried over from the previous block of terms) or 0. */
const initAccs = () => [
  ...get(INIT), ...IF,
  ...[0, 1, 2, 3].flatMap((r) => [0, 1].flatMap((h) => [...rowAddr(r), ...v128load(16 * h), ...set(ACCS[2 * r + h]!)])),
  ELSE,
  ...ACCS.flatMap((l) => [...V128_ZERO, ...set(l)]),
  END,
];

const storeAccs = () => [0, 1, 2, 3].flatMap((r) => [0, 1].flatMap((h) => [...rowAddr(r), ...get(ACCS[2 * r + h]!), ...v128store(16 * h)]));

function kernelBody(): number[] {
  return [
    ...i32c(0), ...set(LI),
    ...BLOCK, ...LOOP, // rows, 4 at a time
    ...get(LI), ...get(M), GE_S, ...brIf(1),
    ...i32c(0), ...set(LJ),
    ...BLOCK, ...LOOP, // columns, 4 at a time
    ...get(LJ), ...get(N), GE_S, ...brIf(1),
    ...get(C), ...get(LI), ...get(LDC), MUL, ADD, ...get(LJ), ...i32c(8), MUL, ADD, ...set(PC),
    ...initAccs(),
    ...get(A), ...get(LI), ...get(SAI), MUL, ADD, ...set(PA),
    ...get(B), ...get(LJ), ...i32c(8), MUL, ADD, ...set(PB),
    ...i32c(0), ...set(LP),
    ...BLOCK, ...LOOP, // terms
    ...get(LP), ...get(K), GE_S, ...brIf(1),
    ...get(PB), ...v128load(0), ...set(B0),
    ...get(PB), ...v128load(16), ...set(B1),
    ...get(PA), ...set(PX),
    ...[0, 1, 2, 3].flatMap((r) => [
      ...(r === 0 ? [] : [...get(PX), ...get(SAI), ADD, ...set(PX)]),
      ...get(PX), ...f64load, ...SPLAT, ...set(X),
      ...update(r),
    ]),
    ...get(PA), ...get(SAP), ADD, ...set(PA),
    ...get(PB), ...get(LDB), ADD, ...set(PB),
    ...get(LP), ...i32c(1), ADD, ...set(LP),
    ...br(0), END, END,
    ...storeAccs(),
    ...get(LJ), ...i32c(4), ADD, ...set(LJ),
    ...br(0), END, END,
    ...get(LI), ...i32c(4), ADD, ...set(LI),
    ...br(0), END, END,
    END,
  ];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const params = new Array<number>(11).fill(I32);
  const body = [...vec([[7, I32], [11, V128]]), ...kernelBody()]; // locals: 7 i32, 11 v128
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec([[0x60, ...vec(params.map((p) => [p])), 0]])), // type 0: (11 × i32) → ()
    ...section(2, vec([[...name('m'), ...name('mem'), 0x02, 0x00, 1]])), // import memory m.mem, at least 1 page
    ...section(3, vec([[0]])), // function 0 has type 0
    ...section(7, vec([[...name('mul'), 0x00, 0]])), // export it as "mul"
    ...section(10, vec([[...uleb(body.length), ...body]])), // its code
  ]);
}

// --- the memory and the operands --------------------------------------------------------

type Kernel = (m: number, n: number, k: number, a: number, sai: number, sap: number, b: number, ldb: number, c: number, ldc: number, init: number) => void;

const PAGE = 65536;
// Without WebAssembly at all (node --jitless, say) the JavaScript loop runs on a plain
// array: importing the trainer must not fail for every command.
const memory = typeof WebAssembly === 'object' ? new WebAssembly.Memory({ initial: 16 }) : undefined;
let mem = memory ? new Float64Array(memory.buffer) : new Float64Array((16 * PAGE) / 8);
let wasmKernel: Kernel | undefined;
try {
  const bytes = moduleBytes();
  if (memory && WebAssembly.validate(bytes)) {
    wasmKernel = new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { mem: memory } }).exports.mul as Kernel;
  }
} catch {
  wasmKernel = undefined;
}
let useSimd = wasmKernel !== undefined;

/** The same loop in JavaScript, on the same memory (byte addresses and strides). */
const jsKernel: Kernel = (m, n, k, a, sai, sap, b, ldb, c, ldc, init) => {
  const f = mem;
  a >>= 3; sai >>= 3; sap >>= 3; b >>= 3; ldb >>= 3; c >>= 3; ldc >>= 3;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const o = c + i * ldc + j;
      let s = init ? f[o]! : 0;
      for (let p = 0; p < k; p++) s += f[a + i * sai + p * sap]! * f[b + p * ldb + j]!;
      f[o] = s;
    }
  }
};

/** Whether the products run on WebAssembly SIMD; `useWasm(false)` forces the JavaScript loop. */
export function wasmAvailable(): boolean {
  return wasmKernel !== undefined;
}

export function useWasm(on: boolean): void {
  useSimd = on && wasmKernel !== undefined;
}

function ensure(doubles: number): void {
  const need = doubles * 8;
  if (mem.byteLength >= need) return;
  const pages = Math.ceil((need - mem.byteLength) / PAGE);
  if (!memory) {
    const next = new Float64Array(mem.length + (pages * PAGE) / 8);
    next.set(mem);
    mem = next;
    return;
  }
  try {
    memory.grow(pages);
  } catch {
    throw new RnncError('train/too_large', `training needs ${Math.ceil(need / 2 ** 20)} MiB for one product, more than WebAssembly can grow to here; use fewer input features or units`);
  }
  mem = new Float64Array(memory.buffer);
}

const up4 = (v: number) => (v + 3) & ~3;

/** Terms per call of the kernel: 128 rows of a 256-column B are 256 KiB. */
const KC = 128;

/**
 * The most rows of A and C one `mul` copies in (more are done in pieces; of A·B also at most
 * PIECE doubles), and of B one productTN or recurrentKernelGrad stages: the module's memory
 * (which never shrinks) stays near ROWS × (Aᵀ's and B's widths) for those, whatever T·B.
 */
export const ROWS = 8192;

/** The most doubles of A and C one `mul` of A·B copies in at a time (32 MiB). */
const PIECE = 1 << 22;

/** The staged B: rows × ld doubles from offset 0 (ld = columns rounded up to 4), then 4 spare. */
let bRows = 0, bCols = 0, bLd = 0, bEnd = 0;

/** Starts staging a rows × cols B (zeros), filled by stageRows or stageTransposed. */
export function stage(rows: number, cols: number): void {
  bRows = rows; bCols = cols; bLd = up4(cols); bEnd = rows * bLd + 4;
  ensure(bEnd);
  mem.fill(0, 0, bEnd);
}

/** B rows row… row+count−1 from src (row stride ld, from off). */
export function stageRows(row: number, count: number, src: Float64Array, off: number, ld: number): void {
  const f = mem, cols = bCols;
  if (ld === cols && cols === bLd) { f.set(src.subarray(off, off + count * cols), row * bLd); return; }
  for (let r = 0; r < count; r++) {
    const d = (row + r) * bLd, s = off + r * ld;
    for (let j = 0; j < cols; j++) f[d + j] = src[s + j]!;
  }
}

/** B = Sᵀ for S stored cols × rows (row stride ld, from off): a kernel kept one row per output unit. */
export function stageTransposed(src: Float64Array, off: number, ld: number): void {
  const f = mem, rows = bRows, cols = bCols;
  for (let j = 0; j < cols; j++) {
    const s = off + j * ld;
    for (let p = 0; p < rows; p++) f[p * bLd + j] = src[s + p]!;
  }
}

/**
 * C (m×n at cOff, row stride ldc) (+)= A·B[bRow…bRow+k, bCol…bCol+n) of the staged B, where
 * A is m×k at aOff with row stride lda, or with `transA` the k×m block Aᵀ is stored (rows p).
 */
export function mul(
  m: number, n: number, a: Float64Array, aOff: number, lda: number, transA: boolean,
  bRow: number, k: number, bCol: number, c: Float64Array, cOff: number, ldc: number, accumulate: boolean,
): void {
  // Rows of C are independent: in pieces of at most ROWS rows, and of at most PIECE doubles
  // of A and C together, to bound the module's memory whatever the widths.
  const piece = Math.max(4, Math.min(ROWS, Math.floor(PIECE / (k + up4(n)))));
  if (!transA && m > piece) {
    for (let i0 = 0; i0 < m; i0 += piece) mul(Math.min(piece, m - i0), n, a, aOff + i0 * lda, lda, false, bRow, k, bCol, c, cOff + i0 * ldc, ldc, accumulate);
    return;
  }
  const mp = up4(m), np = up4(n);
  const aBase = bEnd, aSize = mp * k, cBase = aBase + aSize;
  ensure(cBase + mp * np);
  const f = mem;
  if (transA && lda === mp) {
    f.set(a.subarray(aOff, aOff + k * mp), aBase);
  } else if (transA) {
    // k rows of mp values; the kernel reads A(i, p) at aBase + p·mp + i.
    for (let p = 0; p < k; p++) {
      const d = aBase + p * mp, s = aOff + p * lda;
      for (let i = 0; i < m; i++) f[d + i] = a[s + i]!;
      for (let i = m; i < mp; i++) f[d + i] = 0;
    }
  } else {
    if (lda === k) f.set(a.subarray(aOff, aOff + m * k), aBase);
    else {
      for (let i = 0; i < m; i++) {
        const d = aBase + i * k, s = aOff + i * lda;
        for (let p = 0; p < k; p++) f[d + p] = a[s + p]!;
      }
    }
    f.fill(0, aBase + m * k, aBase + aSize);
  }
  // Blocks of KC terms keep the rows of B they read in cache; each block's sums start
  // where the previous block's stopped, so the order of the terms is unchanged.
  const sai = transA ? 8 : k * 8, sap = transA ? mp * 8 : 8;
  const kernel = useSimd ? wasmKernel! : jsKernel;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    kernel(useSimd ? mp : m, useSimd ? np : n, kc, (aBase + p0 * (transA ? mp : 1)) * 8, sai, sap, ((bRow + p0) * bLd + bCol) * 8, bLd * 8, cBase * 8, np * 8, p0 > 0 ? 1 : 0);
  }
  if (k === 0) f.fill(0, cBase, cBase + mp * np);
  const g = mem;
  if (!accumulate && ldc === n && n === np) { c.set(g.subarray(cBase, cBase + m * n), cOff); return; }
  for (let i = 0; i < m; i++) {
    const d = cOff + i * ldc, s = cBase + i * np;
    if (accumulate) for (let j = 0; j < n; j++) c[d + j] = c[d + j]! + g[s + j]!;
    else for (let j = 0; j < n; j++) c[d + j] = g[s + j]!;
  }
}

// --- gemm.ts's three products on the kernel (B staged for the one call) ---------------

/** C (+)= A·Bᵀ (B n×k, one row per output): gemmNT bit for bit. */
export function productNT(
  m: number, n: number, k: number, a: Float64Array, aOff: number, lda: number,
  b: Float64Array, bOff: number, ldb: number, c: Float64Array, cOff: number, ldc: number, accumulate: boolean,
): void {
  stage(k, n);
  stageTransposed(b, bOff, ldb);
  mul(m, n, a, aOff, lda, false, 0, k, 0, c, cOff, ldc, accumulate);
}

/** C (+)= A·B (B k×n): gemmNN's product, each output summed in order p = 0, 1, … . */
export function productNN(
  m: number, n: number, k: number, a: Float64Array, aOff: number, lda: number,
  b: Float64Array, bOff: number, ldb: number, c: Float64Array, cOff: number, ldc: number, accumulate: boolean,
): void {
  stage(k, n);
  stageRows(0, k, b, bOff, ldb);
  mul(m, n, a, aOff, lda, false, 0, k, 0, c, cOff, ldc, accumulate);
}

/** C += Aᵀ·B over `rows` rows: gemmTN's product, each output summed in row order (by ROWS rows at a time). */
export function productTN(
  m: number, n: number, rows: number, a: Float64Array, aOff: number, lda: number,
  b: Float64Array, bOff: number, ldb: number, c: Float64Array, cOff: number, ldc: number,
): void {
  // Past ROWS rows, each piece's sum is added to C in turn.
  for (let r0 = 0; r0 < rows; r0 += ROWS) {
    const count = Math.min(ROWS, rows - r0);
    stage(count, n);
    stageRows(0, count, b, bOff + r0 * ldb, ldb);
    mul(m, n, a, aOff + r0 * lda, lda, true, 0, count, 0, c, cOff, ldc, true);
  }
}
