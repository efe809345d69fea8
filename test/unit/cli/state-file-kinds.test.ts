// rnnc run --state sets recurrent layers' h and c only: an ssm's or a conv1d's state
// (E×N, or an input history) is not a per-unit h, so a file naming one is refused in one
// line instead of being ignored.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStateFile, stateLayers } from '../../../src/cli/state-file.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-state-'));
const file = (text: string) => { const p = join(dir, `s${Math.random().toString(36).slice(2)}.json`); writeFileSync(p, text); return p; };

describe('state files and layer kinds', () => {
  it('refuses an ssm layer\'s h, naming what the model accepts', () => {
    const layers = stateLayers([{ type: 'ssm', units: 4 }, { type: 'gru', units: 3 }]);
    expect(() => readStateFile(file('{"l0_h": [0.9, 0.9, 0.9, 0.9]}'), layers)).toThrow(/'l0_h': is not a state of this model; expected 'l1_h'$/);
    expect(readStateFile(file('{"l1_h": [0.1, 0.2, 0.3]}'), layers)).toEqual([{ layer: 1, direction: 'forward', state: 'h', values: [0.1, 0.2, 0.3] }]);
  });

  it('says so when a model has no recurrent state at all', () => {
    const layers = stateLayers([{ type: 'conv1d', units: 4 }, { type: 'ssm', units: 4 }, { type: 'dense', units: 2 }]);
    expect(() => readStateFile(file('{}'), layers)).toThrow(/this model has no recurrent state a file can set/);
  });
});
