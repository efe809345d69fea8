// readBytes' noFollow: a path checked and resolved earlier (a Keras shard) is not read
// through a symbolic link that appears there afterwards.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBytes } from '../../../src/util/fs.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readBytes', () => {
  it('with noFollow refuses a symbolic link in one line; without it, follows', () => {
    writeFileSync(join(dir, 'target.bin'), 'secret');
    symlinkSync(join(dir, 'target.bin'), join(dir, 'shard.bin'));
    expect(() => readBytes(join(dir, 'shard.bin'), { noFollow: true })).toThrow(/shard\.bin: it became a symbolic link after rnnc checked it; not followed$/);
    expect(Buffer.from(readBytes(join(dir, 'shard.bin'))).toString()).toBe('secret');
  });
});
