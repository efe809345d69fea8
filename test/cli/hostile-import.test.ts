/**
 * Hostile model files through the real command line: shard paths that leave the
 * model's folder, ONNX files that break the documented limits, names built to break
 * messages. Each must end in exit 2 with one printable line naming the problem (and a
 * few legitimate look-alikes must still import).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelProto, onnx } from '../../src/import/onnx/proto.js';
import { rnnc } from '../helpers/run-cli.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- mutations reach into raw JSON */
type Json = any;

const root = new URL('../../', import.meta.url).pathname;
const kerasDir = join(root, 'test/fixtures/keras/gru_reset_after');
const onnxDir = join(root, 'test/fixtures/onnx');
const SHARDS = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
let tmp: string;

beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'rnnc-hostile-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the Keras fixture in its own folder, `edit` applied to model.json; returns the model path. */
function kerasCopy(name: string, edit: (m: Json, dir: string) => void = () => undefined): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const f of SHARDS) copyFileSync(join(kerasDir, f), join(dir, f));
  const model = JSON.parse(readFileSync(join(kerasDir, 'model.json'), 'utf8')) as Json;
  edit(model, dir);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model, null, 1));
  return join(dir, 'model.json');
}

const setPaths = (paths: string[]) => (m: Json) => { m.weightsManifest[0].paths = paths; };

/** An ONNX fixture decoded, edited and written back; returns the new file's path. */
function onnxCopy(name: string, fixture: string, edit: (m: ModelProto) => void): string {
  const model = onnx.ModelProto.decode(readFileSync(join(onnxDir, fixture)));
  edit(model);
  const path = join(tmp, `${name}.onnx`);
  writeFileSync(path, onnx.ModelProto.encode(model).finish());
  return path;
}

const recurrentNode = (m: ModelProto) => m.graph!.node!.find((n) => ['LSTM', 'GRU', 'RNN'].includes(n.opType ?? ''))!;

/** One line, printable, exit 2, nothing on stdout; returns the line after "rnnc: ". */
async function refused(args: string[]): Promise<string> {
  const r = await rnnc(args);
  expect({ exit: r.exitCode, stderr: r.stderr }).toMatchObject({ exit: 2 });
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n');
  expect(lines.length, r.stderr).toBe(2);
  expect(lines[1]).toBe('');
  expect(r.stderr, 'control characters on stderr').not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\ufffd]/);
  expect(r.stderr).toMatch(/^rnnc: /);
  return lines[0]!.slice('rnnc: '.length);
}

describe('Keras weight shards stay inside the folder of model.json', () => {
  it("'../x.bin' naming a sibling file of the right size is refused, not read", async () => {
    const model = kerasCopy('sibling', setPaths([SHARDS[0]!, '../x.bin']));
    copyFileSync(join(kerasDir, SHARDS[1]!), join(tmp, 'x.bin'));
    const line = await refused(['import', model, '-o', join(tmp, 'sibling.json')]);
    expect(line).toBe("model.json: weightsManifest[0].paths[1]: weight file '../x.bin' is outside the folder of model.json; "
      + 'weight files must sit beside model.json or below it');
  });

  it("'../../../../etc/passwd' is refused without opening it", async () => {
    const model = kerasCopy('passwd', setPaths(['../../../../../../../../etc/passwd']));
    const line = await refused(['inspect', model]);
    expect(line).toMatch(/^model\.json: weightsManifest\[0\]\.paths\[0\]: weight file '(\.\.\/)+etc\/passwd' is outside the folder of model\.json; /);
  });

  it('a percent-encoded traversal (%2e%2e/) is refused the same way', async () => {
    const model = kerasCopy('encoded-up', setPaths([SHARDS[0]!, '%2e%2e/x.bin']));
    copyFileSync(join(kerasDir, SHARDS[1]!), join(tmp, 'x.bin'));
    const line = await refused(['inspect', model]);
    expect(line).toMatch(/weight file '%2e%2e\/x\.bin' is outside the folder of model\.json/);
  });

  it('an absolute path is refused', async () => {
    const inside = join(tmp, 'absolute', SHARDS[1]!);
    const model = kerasCopy('absolute', setPaths([SHARDS[0]!, inside]));
    const line = await refused(['inspect', model]);
    expect(line).toBe(`model.json: weightsManifest[0].paths[1]: weight file '${inside}' is an absolute path; `
      + 'weightsManifest paths are relative to the folder of model.json');
  });

  it('a shard that is a symlink to a file outside the folder is refused', async () => {
    const outside = join(tmp, 'outside-target.bin');
    copyFileSync(join(kerasDir, SHARDS[1]!), outside);
    const model = kerasCopy('symlink-out', (_m, dir) => {
      rmSync(join(dir, SHARDS[1]!));
      symlinkSync(outside, join(dir, SHARDS[1]!));
    });
    const line = await refused(['inspect', model]);
    expect(line).toBe(`model.json: weightsManifest[0].paths[1]: weight file '${SHARDS[1]}' resolves through a link to a file outside `
      + 'the folder of model.json; copy the file there instead');
  });

  it('a path with a NUL character is refused, the NUL shown escaped', async () => {
    const model = kerasCopy('nul', setPaths([SHARDS[0]!, `${SHARDS[1]}\u0000.txt`]));
    const line = await refused(['inspect', model]);
    expect(line).toBe(`model.json: weightsManifest[0].paths[1]: weight file '${SHARDS[1]}\\x00.txt' contains a NUL character`);
  });

  it('a shard that is a directory is named as such', async () => {
    const model = kerasCopy('dir-shard', (m, dir) => { mkdirSync(join(dir, 'sub')); m.weightsManifest[0].paths = [SHARDS[0], 'sub']; });
    const line = await refused(['inspect', model]);
    expect(line).toBe("model.json: weightsManifest[0].paths[1]: weight file 'sub' is a directory, not a file");
  });

  it('a shard listed twice is refused (as TF.js does)', async () => {
    const model = kerasCopy('twice', setPaths([SHARDS[0]!, `./${SHARDS[0]}`]));
    const line = await refused(['inspect', model]);
    expect(line).toBe(`model.json: weightsManifest[0].paths[1]: weight file './${SHARDS[0]}' is listed twice `
      + '(also weightsManifest[0].paths[0])');
  });

  it('legitimate look-alikes still import: a percent-encoded name, a link inside the folder, a folder reached through a link', async () => {
    const encoded = kerasCopy('encoded-name', (m, dir) => {
      copyFileSync(join(dir, SHARDS[1]!), join(dir, 'shard 2.bin'));
      m.weightsManifest[0].paths = [`./${SHARDS[0]}`, 'shard%202.bin'];
    });
    const inner = kerasCopy('inner-link', (_m, dir) => {
      mkdirSync(join(dir, 'store'));
      copyFileSync(join(dir, SHARDS[1]!), join(dir, 'store/b.bin'));
      rmSync(join(dir, SHARDS[1]!));
      symlinkSync('store/b.bin', join(dir, SHARDS[1]!));
    });
    kerasCopy('real-folder');
    symlinkSync(join(tmp, 'real-folder'), join(tmp, 'linked-folder'));
    for (const model of [encoded, inner, join(tmp, 'linked-folder/model.json')]) {
      const r = await rnnc(['inspect', model]);
      expect({ model, exit: r.exitCode, stderr: r.stderr }).toEqual({ model, exit: 0, stderr: '' });
    }
  });
});

describe('ONNX files outside what the README documents', () => {
  it('opset 5 is refused, naming the supported range', async () => {
    const path = onnxCopy('opset5', 'gru_lbr0.onnx', (m) => { m.opsetImport = [{ domain: '', version: 5 }]; });
    expect(await refused(['inspect', path])).toBe('opset5.onnx: opset 5 is not supported; rnnc imports ONNX opsets 9 to 17 '
      + '(export again with torch.onnx.export(..., opset_version=17))');
  });

  it('opset 99 is refused', async () => {
    const path = onnxCopy('opset99', 'gru_lbr0.onnx', (m) => { m.opsetImport = [{ domain: 'ai.onnx', version: 99 }]; });
    expect(await refused(['inspect', path])).toMatch(/^opset99\.onnx: opset 99 is not supported; rnnc imports ONNX opsets 9 to 17 /);
  });

  it('an int32 W initializer is refused, naming the tensor and the node', async () => {
    let wName = '';
    const path = onnxCopy('int32w', 'gru_lbr0.onnx', (m) => {
      wName = recurrentNode(m).input![1]!;
      m.graph!.initializer!.find((t) => t.name === wName)!.dataType = onnx.TensorProto.DataType.INT32;
    });
    const line = await refused(['inspect', path]);
    expect(line).toMatch(new RegExp(`^int32w\\.onnx: node .*\\(GRU\\).*: W '${wName}' holds INT32 values; weights must be float32 or float64$`));
  });

  it('an unknown attribute on a recurrent node is refused, naming node and attribute', async () => {
    const path = onnxCopy('attr', 'lstm1.onnx', (m) => {
      recurrentNode(m).attribute!.push({ name: 'peephole_mode', type: onnx.AttributeProto.AttributeType.INT, i: 1 });
    });
    const line = await refused(['inspect', path]);
    expect(line).toMatch(/^attr\.onnx: node '\/rnn\/LSTM' \(LSTM\): unknown attribute 'peephole_mode' \(not an attribute of ONNX's LSTM\)$/);
  });

  it('a missing initializer is reported as missing, naming the tensor and the node', async () => {
    let rName = '';
    const path = onnxCopy('noinit', 'gru_lbr0.onnx', (m) => {
      rName = recurrentNode(m).input![2]!;
      m.graph!.initializer = m.graph!.initializer!.filter((t) => t.name !== rName);
      m.graph!.input = m.graph!.input!.filter((i) => i.name !== rName);
    });
    const line = await refused(['inspect', path]);
    expect(line).toMatch(new RegExp(`^noinit\\.onnx: node .*\\(GRU\\).*: input '${rName}' is missing: no initializer, graph input or node output has that name$`));
  });
});

describe('names from a file cannot break the one-line message', () => {
  it('a flipped byte that made a name swallow the rest of the file gives one readable line', async () => {
    const bytes = Buffer.from(readFileSync(join(onnxDir, 'lstm1.onnx')));
    bytes[116]! ^= 0x40; // a length varint: an input name of node 1 runs 64 bytes over the fields after it
    writeFileSync(join(tmp, 'flipped.onnx'), bytes);
    const line = await refused(['inspect', join(tmp, 'flipped.onnx')]);
    expect(line).toMatch(/^flipped\.onnx: not a readable ONNX model \(damaged: an input of node 1 holds bytes that are no text: .{1,200}\)$/);
    // A length that runs past the end of the file is a corrupt protobuf.
    bytes[116]! ^= 0x40;
    bytes[64]! ^= 0x80;
    writeFileSync(join(tmp, 'flipped.onnx'), bytes);
    expect(await refused(['inspect', join(tmp, 'flipped.onnx')])).toMatch(/^flipped\.onnx: not a readable ONNX model \(truncated or corrupt protobuf: index out of range: .{1,100}\)$/);
  });

  it('a layer name and class with terminal escapes and 500 characters are shown escaped and shortened', async () => {
    const model = kerasCopy('evil-name', (m) => {
      const layer = m.modelTopology.model_config.config.layers[1];
      layer.class_name = `\u001b[31mEvil\u0007${'x'.repeat(500)}`;
      layer.config.name = 'gru\u001b]0;title\u0007';
    });
    const line = await refused(['inspect', model]);
    expect(line).toMatch(/^model\.json: layer 'gru\\x1b\]0;title\\x07': \\x1b\[31mEvil\\x07x+… is not supported; supported: /);
    expect(line.length).toBeLessThan(400);
  });
});
