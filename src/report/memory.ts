/**
 * The flash/RAM map: where a model's bytes go on the target. The tables are the code
 * generator's own (their byte counts are exact), split by layer through their symbol
 * names (`NAME_l<i>…`, codegen/cells/common.ts); code size and RAM come from `rnnc
 * bench` when it ran on a QEMU board (measured: .text at its -O level, the state struct
 * and the painted peak stack), else from the compile report (code measured at -Os when
 * the target's compiler is installed, estimated otherwise; the stack scratch an estimate).
 */
import type { BenchResult } from '../bench/bench.js';
import type { Emitted } from '../codegen/emit.js';
import type { CodeSize } from '../codegen/report.js';
import type { QuantModel } from '../ir/qmodel.js';
import type { MemoryData, MemoryPart } from './types.js';

export function memoryData(q: QuantModel, emitted: Emitted, code: CodeSize, bench: BenchResult | undefined): MemoryData {
  const { plan } = emitted;
  const layerOf = new RegExp(`^${plan.name}_l(\\d+)`);
  const perLayer = new Map<number, number>();
  let otherWeights = 0;
  for (const t of plan.tables) {
    if (t.kind !== 'weights') continue;
    const m = layerOf.exec(t.symbol);
    if (m) perLayer.set(Number(m[1]), (perLayer.get(Number(m[1])) ?? 0) + t.bytes);
    else otherWeights += t.bytes;
  }
  const luts = plan.tables.filter((t) => t.kind === 'luts').reduce((s, t) => s + t.bytes, 0);
  const parts: MemoryPart[] = [...perLayer.entries()].sort(([a], [b]) => a - b)
    .map(([i, bytes]) => ({ memory: 'flash', part: `weights: ${tableOwner(q, i)}`, bytes, how: 'exact' }));
  if (otherWeights > 0) parts.push({ memory: 'flash', part: q.decoder ? 'other tables (attention, start input or embedding)' : 'other tables', bytes: otherWeights, how: 'exact' });
  if (luts > 0) parts.push({ memory: 'flash', part: 'lookup tables', bytes: luts, how: 'exact' });
  parts.push(bench
    ? { memory: 'flash', part: `code (-${bench.opt})`, bytes: bench.flash.code, how: 'measured' }
    : { memory: 'flash', part: 'code (-Os)', bytes: code.codeBytes, how: code.measured ? 'measured' : 'estimated' });
  parts.push(
    bench
      ? { memory: 'RAM', part: 'state', bytes: bench.ram.state, how: 'measured' }
      : { memory: 'RAM', part: 'state', bytes: plan.memory.stateBytes, how: 'exact' },
    { memory: 'RAM', part: 'static scratch', bytes: bench ? bench.ram.staticScratch : plan.memory.staticScratchBytes, how: bench ? 'measured' : 'exact' },
    bench
      ? { memory: 'RAM', part: 'peak stack', bytes: bench.ram.peakStack, how: 'measured' }
      : { memory: 'RAM', part: 'stack scratch', bytes: plan.memory.stackScratchBytes, how: 'estimated' },
  );
  const total = (m: MemoryPart['memory']) => parts.filter((p) => p.memory === m).reduce((s, p) => s + p.bytes, 0);
  return { target: plan.target, weightBits: q.weightBits, parts: parts.filter((p) => p.bytes > 0), flashBytes: total('flash'), ramBytes: total('RAM') };
}

/**
 * Whose weight tables `NAME_l<i>_*` are: an encoder layer, or past the last one the
 * decoder's cell, projection and bridge (the numbering of codegen/decoder.ts).
 */
function tableOwner(q: QuantModel, i: number): string {
  const L = q.layers.length;
  if (i < L) return `layer ${i} (${q.layers[i]!.type})`;
  return `decoder ${['cell', 'projection', 'bridge'][i - L] ?? `table ${i}`}`;
}
