// Hostile paths and files through the real CLI: what rnnc writes never replaces a device,
// a FIFO, a file it did not write or one of its own inputs; what it reads is a regular
// file of bounded size; failures leave nothing behind and are one printable line.
import { execFileSync } from 'node:child_process';
import {
  cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/ir/io.js';
import { randomModel } from '../../src/ir/random.js';
import { rnnc } from '../helpers/run-cli.js';

let dir = '';
let model = '';
let data = '';
const isRoot = process.getuid?.() === 0;

/** A tmpfs mounted at `at` (root only); false where this machine does not allow it. */
function mountTmpfs(at: string, options: string): boolean {
  mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const mounts: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rnnc-hostile-'));
  model = join(dir, 'm.json');
  saveModel(randomModel({ name: 'small', inputSize: 3, layers: [{ type: 'lstm', units: 3 }, { type: 'dense', units: 2, activation: 'softmax' }] }, 1), model);
  // Labelled sequences: id, three features, class.
  const rows = ['seq,a,b,c,label'];
  for (let s = 0; s < 8; s++) for (let t = 0; t < 5; t++) rows.push(`${s},${(s * 0.1 + t * 0.01).toFixed(3)},${(t * 0.2).toFixed(2)},-0.5,${s % 2}`);
  data = join(dir, 'd.csv');
  writeFileSync(data, rows.join('\n') + '\n');
});
afterAll(() => {
  for (const m of mounts) {
    try { execFileSync('umount', [m], { stdio: 'ignore' }); } catch { /* already gone */ }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Exit code and the single line of stderr (warnings about calibration aside). */
function lastLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').filter((l) => !l.startsWith('rnnc: warning:'));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

const TRAIN = ['--arch', 'lstm:2,dense:2:softmax', '--epochs', '1'];

describe('writing: never over what rnnc must not replace', () => {
  it('a device node given as output is refused, and stays a device (train, import, quantize)', async () => {
    // Root gets a null device of its own in the temporary folder: a regression must not
    // replace the machine's /dev/null (rnnc before this rule did exactly that).
    let dev = '/dev/null';
    if (isRoot) {
      dev = join(dir, 'null-device');
      execFileSync('mknod', ['-m', '666', dev, 'c', '1', '3']);
    }
    for (const args of [['train', '--data', data, ...TRAIN, '-o', dev], ['import', model, '-o', dev],
      ['quantize', model, '--calib', data, '-o', dev, '--force']]) {
      const r = await rnnc(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(lastLine(r.stderr)).toMatch(/cannot write \S+null\S*: it is a character device; rnnc only replaces regular files/);
      expect(statSync(dev).isCharacterDevice()).toBe(true);
    }
  });

  it('a FIFO given as output is refused at once, not opened or renamed over', async () => {
    const fifo = join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await rnnc(['import', model, '-o', fifo, '--force']);
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/it is a FIFO/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('a file rnnc did not write is kept unless --force (import, quantize, train, --report-json)', async () => {
    const foreign = join(dir, 'notes.json');
    const cases = [
      ['import', model, '-o', foreign], ['quantize', model, '--calib', data, '-o', foreign],
      ['train', '--data', data, ...TRAIN, '-o', foreign], ['compile', model, '-o', join(dir, 'c-out'), '--report-json', foreign],
    ];
    for (const args of cases) {
      writeFileSync(foreign, '{"mine": true}\n');
      const r = await rnnc(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(lastLine(r.stderr)).toContain('notes.json exists and was not written by rnnc; refusing to overwrite it (use --force)');
      expect(readFileSync(foreign, 'utf8')).toBe('{"mine": true}\n');
    }
    expect(existsSync(join(dir, 'c-out'))).toBe(false);
    const forced = await rnnc(['import', model, '-o', foreign, '--force']);
    expect(forced.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(foreign, 'utf8')).format).toBe('rnnc-model');
  });

  it('rnnc replaces its own files without --force (model, quantized model, report)', async () => {
    const out = join(dir, 'own');
    for (let i = 0; i < 2; i++) {
      expect((await rnnc(['import', model, '-o', join(out, 'm.json')])).exitCode).toBe(0);
      expect((await rnnc(['quantize', model, '--calib', data, '-o', join(out, 'm.q.json')])).exitCode).toBe(0);
      expect((await rnnc(['compile', model, '-o', join(out, 'c'), '--report-json', join(out, 'r.json')])).exitCode).toBe(0);
    }
    expect(JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')).format).toBe('rnnc-report');
  });

  it('an output that is one of the inputs is refused even with --force, directly or through a link', async () => {
    const m = join(dir, 'self.json');
    writeFileSync(m, readFileSync(model));
    const before = readFileSync(m, 'utf8');
    symlinkSync(m, join(dir, 'self-link.json'));
    for (const args of [
      ['quantize', m, '--calib', data, '-o', m, '--force'], ['import', m, '-o', join(dir, 'self-link.json'), '--force'],
      ['quantize', m, '--calib', data, '-o', data, '--force'], ['train', '--data', data, ...TRAIN, '-o', data, '--force'],
    ]) {
      const r = await rnnc(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(lastLine(r.stderr)).toMatch(/is also an input of this command .*write the output to another file/);
    }
    expect(readFileSync(m, 'utf8')).toBe(before);
  });

  it("a Keras model's weight shards are inputs too: no output may replace them, even with --force", async () => {
    const k = join(dir, 'keras');
    cpSync(fileURLToPath(new URL('../fixtures/keras/gru_reset_after', import.meta.url)), k, { recursive: true });
    const shard = join(k, 'group1-shard2of2.bin');
    const before = readFileSync(shard);
    for (const args of [['import', join(k, 'model.json'), '-o', shard, '--force'],
      ['compile', join(k, 'model.json'), '-o', join(k, 'c'), '--report-json', shard, '--force']]) {
      const r = await rnnc(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(lastLine(r.stderr)).toMatch(/group1-shard2of2\.bin is also an input of this command/);
    }
    expect(readFileSync(shard).equals(before)).toBe(true);
  });

  it('two outputs of one compile may not be the same file', async () => {
    const out = join(dir, 'same-out');
    const r = await rnnc(['compile', model, '-o', out, '--report-json', join(out, 'small.c')]);
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/are the same file/);
    expect(existsSync(out)).toBe(false);
  });

  it('a symlink is written through: the target is replaced, the link stays a link; a dangling link is refused', async () => {
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    expect((await rnnc(['import', model, '-o', real])).exitCode).toBe(0);
    symlinkSync(real, link);
    const r = await rnnc(['import', model, '-o', link, '--name', 'relinked']);
    expect(r.exitCode).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, 'utf8')).name).toBe('relinked');
    symlinkSync(join(dir, 'nowhere.json'), join(dir, 'dangling.json'));
    const d = await rnnc(['import', model, '-o', join(dir, 'dangling.json')]);
    expect(d.exitCode).toBe(2);
    expect(lastLine(d.stderr)).toMatch(/symbolic link to a missing file/);
  });

  it('a folder that cannot be created fails at once (compile -o /proc/...)', async () => {
    const started = Date.now();
    const r = await rnnc(['compile', model, '-o', '/proc/rnnc-no-such-dir/sub']);
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/cannot create directory \/proc\/rnnc-no-such-dir/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('-o - writes the one output file to standard output and the messages to standard error', async () => {
    const imp = await rnnc(['import', model, '-o', '-']);
    expect(imp.exitCode).toBe(0);
    expect(JSON.parse(imp.stdout).format).toBe('rnnc-model');
    expect(imp.stderr).toMatch(/-> standard output/);
    const q = await rnnc(['quantize', model, '--calib', data, '-o', '-']);
    expect(q.exitCode).toBe(0);
    expect(JSON.parse(q.stdout).format).toBe('rnnc-qmodel');
    const t = await rnnc(['train', '--data', data, ...TRAIN, '-o', '-']);
    expect(t.exitCode).toBe(0);
    expect(JSON.parse(t.stdout).format).toBe('rnnc-model');
    expect(t.stderr).toMatch(/epoch 1\/1/);
    const c = await rnnc(['compile', model, '-o', join(dir, 'c-stdout'), '--report-json', '-']);
    expect(c.exitCode).toBe(0);
    expect(JSON.parse(c.stdout).format).toBe('rnnc-report');
  });

  it('a path naming a folder (trailing / or /.) is refused, never resolved onto the file before it', async () => {
    const fifo = join(dir, 'slash.fifo');
    execFileSync('mkfifo', [fifo]);
    const foreign = join(dir, 'slash.txt');
    writeFileSync(foreign, 'keep');
    const m = join(dir, 'slash-model.json');
    writeFileSync(m, readFileSync(model));
    for (const args of [['import', model, '-o', `${fifo}/`], ['import', model, '-o', `${foreign}/.`],
      ['quantize', m, '--calib', data, '-o', `${m}/`], ['train', '--data', data, ...TRAIN, '-o', `${data}/`]]) {
      const r = await rnnc(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(lastLine(r.stderr)).toMatch(/expected a file name, not a folder/);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readFileSync(foreign, 'utf8')).toBe('keep');
    expect(readFileSync(m, 'utf8')).toBe(readFileSync(model, 'utf8'));
  });

  it("'..' after a symlinked folder is resolved as the kernel does: the file checked is the file written", async () => {
    const base = join(dir, 'dotdot');
    mkdirSync(join(base, 'elsewhere', 'sub'), { recursive: true });
    symlinkSync(join(base, 'elsewhere', 'sub'), join(base, 'L'));
    writeFileSync(join(base, 'victim.txt'), 'precious');
    const r = await rnnc(['import', model, '-o', `${join(base, 'L')}/../victim.txt`]); // join() would apply '..' lexically
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(base, 'victim.txt'), 'utf8')).toBe('precious');
    expect(JSON.parse(readFileSync(join(base, 'elsewhere', 'victim.txt'), 'utf8')).format).toBe('rnnc-model');
  });

  it('two outputs reaching one file through a symlinked folder are refused', async () => {
    const out = join(dir, 'linked-out');
    mkdirSync(out);
    symlinkSync(out, join(dir, 'linked-out-2'));
    const r = await rnnc(['compile', model, '-o', out, '--report-json', join(dir, 'linked-out-2', 'small.c')]);
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/two outputs of this command are the same file/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a long file name works, and a path with control characters is printed escaped', async () => {
    const long = join(dir, `${'a'.repeat(240)}.json`);
    const r = await rnnc(['import', model, '-o', long]);
    expect(r.exitCode, r.stderr).toBe(0);
    const odd = join(dir, 'new\nline\u001b[31m.json');
    const o = await rnnc(['import', model, '-o', odd]);
    expect(o.exitCode).toBe(0);
    expect(o.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(o.stdout).not.toMatch(/\u001b/);
  });

  it.skipIf(!isRoot)("a failed rename midway puts back the files already replaced (compile stays all or nothing)", async (ctx) => {
    const out = join(dir, 'rollback');
    expect((await rnnc(['compile', model, '-o', out])).exitCode).toBe(0);
    const before = readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]);
    // A bind mount over the last file makes its rename fail with EBUSY.
    const last = join(out, 'rnnc_kernels.h');
    try {
      execFileSync('mount', ['--bind', last, last], { stdio: 'ignore' });
    } catch {
      ctx.skip(); // this machine does not allow mounts: reported as skipped, not passed
      return;
    }
    mounts.push(last);
    const other = join(dir, 'other.json');
    saveModel(randomModel({ name: 'small', inputSize: 3, layers: [{ type: 'gru', units: 4 }] }, 7), other);
    const r = await rnnc(['compile', other, '-o', out]);
    execFileSync('umount', [last]);
    mounts.pop();
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/rnnc_kernels\.h: .*\(EBUSY\)/);
    expect(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')])).toEqual(before);
  });

  it.skipIf(!isRoot)("another user's symlink in a shared sticky folder is not written through; a replaced file keeps its owner", async () => {
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    execFileSync('chmod', ['1777', shared]);
    const victim = join(dir, 'victim.conf');
    writeFileSync(victim, 'root config');
    symlinkSync(victim, join(shared, 'out.json'));
    execFileSync('chown', ['-h', 'nobody', join(shared, 'out.json')]);
    const r = await rnnc(['import', model, '-o', join(shared, 'out.json'), '--force']);
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/symbolic link owned by another user in a shared folder/);
    expect(readFileSync(victim, 'utf8')).toBe('root config');
    const owned = join(dir, 'owned.json');
    expect((await rnnc(['import', model, '-o', owned])).exitCode).toBe(0);
    execFileSync('chown', ['nobody', owned]);
    execFileSync('chmod', ['640', owned]);
    expect((await rnnc(['import', model, '-o', owned])).exitCode).toBe(0);
    const st = statSync(owned);
    expect(st.uid).not.toBe(0);
    expect(st.mode & 0o777).toBe(0o640);
  });

  it.skipIf(!isRoot)('a read-only file system is named as such', async (ctx) => {
    const ro = join(dir, 'ro');
    if (!mountTmpfs(ro, 'ro,size=1m')) { ctx.skip(); return; }
    mounts.push(ro);
    const r = await rnnc(['compile', model, '-o', join(ro, 'out')]);
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/read-only file system \(EROFS\)/);
  });

  it.skipIf(!isRoot)('a full disk is named, and leaves no folder and no temporary file behind', async (ctx) => {
    const full = join(dir, 'full');
    if (!mountTmpfs(full, 'size=64k')) { ctx.skip(); return; }
    mounts.push(full);
    writeFileSync(join(full, 'filler'), Buffer.alloc(40_000, 1));
    const r = await rnnc(['compile', model, '-o', join(full, 'a', 'b'), '--emit-test', '--test-cases', '300']);
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/no space left on device \(ENOSPC\)/);
    expect(readdirSync(full)).toEqual(['filler']);
  });
});

describe('reading: regular files of bounded size only', () => {
  it('a device as model, --calib, --input or --data is refused at once, also through a symlink', async () => {
    const zeroCsv = join(dir, 'zero.csv');
    symlinkSync('/dev/zero', zeroCsv);
    for (const args of [['inspect', '/dev/zero'], ['quantize', model, '--calib', '/dev/urandom', '-o', join(dir, 'q.json')],
      ['run', model, '-i', '/dev/zero'], ['train', '--data', zeroCsv, ...TRAIN, '-o', join(dir, 't.json')]]) {
      const started = Date.now();
      const r = await rnnc(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(lastLine(r.stderr)).toMatch(/it is a character device; rnnc reads regular files only/);
      expect(Date.now() - started).toBeLessThan(20_000);
    }
  });

  it('a FIFO as input does not block', async () => {
    const fifo = join(dir, 'in.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await rnnc(['inspect', fifo]);
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/it is a FIFO/);
  });

  it('a file over the input limit is refused without reading it', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, '');
    execFileSync('truncate', ['-s', '300M', big]); // sparse: no disk used
    const r = await rnnc(['inspect', big]);
    expect(r.exitCode).toBe(2);
    expect(lastLine(r.stderr)).toMatch(/over rnnc's limit of 268435456 bytes \(256 MiB\)/);
  });

  it('UTF-16 JSON, JSON with a comment and control bytes in names each give one printable line', async () => {
    const text = readFileSync(model, 'utf8');
    const utf16 = join(dir, 'utf16.json');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const commented = join(dir, 'commented.json');
    writeFileSync(commented, `// exported by hand\n${text}`);
    const named = join(dir, 'named.json');
    writeFileSync(named, text.replace('"name": "small"', '"name": "bad\\u0007\\u001b[31mname\\nsecond line"'));
    const expected = [/the file is UTF-16 encoded; save it as UTF-8/, /malformed JSON: .*comments are not allowed in JSON/, /name: /];
    for (const [i, f] of [utf16, commented, named].entries()) {
      const r = await rnnc(['inspect', f]);
      expect(r.exitCode, f).toBe(2);
      const line = lastLine(r.stderr);
      expect(line).toMatch(expected[i]!);
      expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
  });
});
