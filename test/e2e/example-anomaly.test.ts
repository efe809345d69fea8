// The ECG anomaly example (examples/anomaly) end to end, small: the beat finder and its
// width labels on the real record (counts fixed by the data), a short training of the
// autoencoder with `rnnc train --reconstruct`, int8 and int16 through `rnnc quantize`, every
// beat scored in float and fixed point, and the fixed-point reconstructions within their
// error budget of float. The README's numbers come from the full-size run.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-example-anomaly-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/anomaly/run.mjs', () => {
  it('finds and labels the beats, trains, quantizes and scores them; fixed point within budget of float', async () => {
    const r = await execa('node', ['examples/anomaly/run.mjs', '--epochs', '3', '-o', dir], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Beats found: 499 \(499 with a whole window\); training part \(0–150 s\): 256 beats, 218 narrow used to train and calibrate; test part \(150–300 s\): 243 beats: 171 narrow, 60 wide, 11 intermediate, 1 artifact\.$/m);
    // The baseline needs no training: its row is the full run's.
    expect(r.stdout).toMatch(/^\| template distance \| 1\.000 \| 1\.52 \| 60 \/ 60 \| 0 \/ 171 \| 11 \/ 11 \| 29 \/ 60 \| 0 \/ 171 \| 1 \/ 11 \|$/m);
    for (const p of ['float', 'int8', 'int16']) expect(r.stdout).toMatch(new RegExp(`^\\| autoencoder, ${p} \\| [01]\\.\\d{3} \\| `, 'm'));
    // Error budget of the fixed point against float, on the test beats (mV): int8 0.1, int16 0.01.
    const m = /fixed point against float: int8 max ([\d.e-]+) mV, RMS [\d.e-]+ mV; int16 max ([\d.e-]+) mV/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(0.1);
    expect(Number(m![2])).toBeLessThan(0.01);
    const csv = readFileSync(join(dir, 'beats.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('time_s,width_ms,label,part,template_distance,autoencoder_float,autoencoder_int8,autoencoder_int16');
    expect(csv).toHaveLength(500);
    expect(readFileSync(join(dir, 'beats.svg'), 'utf8')).toMatch(/^<svg[^>]*>/);
    expect(existsSync(join(dir, 'ae-seed1.int8.q.json'))).toBe(true);
  }, 120_000);

  it('refuses a bad value or an unknown option in one line', async () => {
    const r = await execa('node', ['examples/anomaly/run.mjs', '--seeds', 'x'], { reject: false });
    expect([r.exitCode, r.stderr.trim()]).toEqual([2, 'run: --seeds: missing or bad value "x" (--seeds 1,2,3; --epochs 1 to 999999; -o DIR)']);
    const u = await execa('node', ['examples/anomaly/run.mjs', '--seed', '1'], { reject: false });
    expect([u.exitCode, u.stderr.trim()]).toEqual([2, 'run: unknown option --seed']);
  });
});
