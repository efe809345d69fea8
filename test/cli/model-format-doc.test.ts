/**
 * docs/model-format.md's complete example, run through the built CLI: the JSON block
 * must be a valid model and the shell transcript must be exactly what rnnc prints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rnnc } from '../helpers/run-cli.js';

const doc = readFileSync(new URL('../../docs/model-format.md', import.meta.url), 'utf8');
const example = doc.slice(doc.indexOf('## A complete example'));
const modelJson = /```json\n([\s\S]*?)```/.exec(example)?.[1] ?? '';
const transcript = /```sh\n([\s\S]*?)```/.exec(example)?.[1] ?? '';
const dir = mkdtempSync(join(tmpdir(), 'rnnc-doc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The transcript's commands, each with the output lines printed under it. */
function commands(): Array<{ line: string; output: string }> {
  const out: Array<{ line: string; output: string }> = [];
  for (const l of transcript.split('\n')) {
    if (l.startsWith('$ ')) out.push({ line: l.slice(2), output: '' });
    else if (l !== '' && out.length > 0) out[out.length - 1]!.output += `${l}\n`;
  }
  return out;
}

describe('docs/model-format.md example', () => {
  it('is found', () => {
    expect(modelJson).toContain('"format": "rnnc-model"');
    expect(commands().map((c) => c.line.split(' ')[0])).toEqual(['rnnc', 'echo', 'rnnc']);
  });

  it('prints exactly the documented transcript', async () => {
    writeFileSync(join(dir, 'tiny.json'), modelJson);
    for (const { line, output } of commands()) {
      const echo = /^echo '(.*)' > (\S+)$/.exec(line);
      if (echo) {
        writeFileSync(join(dir, echo[2]!), `${echo[1]}\n`);
        continue;
      }
      const r = await rnnc(line.split(' ').slice(1), { cwd: dir });
      expect({ line, stderr: r.stderr, stdout: r.stdout, exitCode: r.exitCode }).toEqual({ line, stderr: '', stdout: output, exitCode: 0 });
    }
  });
});
