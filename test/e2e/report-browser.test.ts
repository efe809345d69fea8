// rnnc report's page in a real browser: headless Chromium opens it from disk without a
// console error, a page error or any request beyond the file itself, and every figure's
// chart is there, with a size and with drawn marks. The report is made for a QEMU board
// target (cortex-m4), so all seven figures have charts, the instruction counts included.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIGURE_ORDER, type ReportData } from '../../src/report/types.js';
import { launchChromium } from '../helpers/chromium.js';
import { tempDir } from '../helpers/gcc.js';
import { rnnc } from '../helpers/run-cli.js';

const dir = tempDir('report-browser');
const GENERATE = join(import.meta.dirname, '../../examples/gesture/generate.mjs');
let browser: Browser | undefined;
let data: ReportData;

beforeAll(async () => {
  await execa('node', [GENERATE, '--seed', '3', '--count', '60', '-o', join(dir, 'g.csv')]);
  await execa('node', [GENERATE, '--seed', '4', '--count', '30', '-o', join(dir, 'e.csv')]);
  const train = await rnnc(['train', '--data', 'g.csv', '--arch', 'lstm:6,dense:4:softmax', '--epochs', '2', '--name', 'gesture', '-o', 'g.json'], { cwd: dir });
  expect(train.exitCode, train.stderr).toBe(0);
  const r = await rnnc(['report', 'g.json', '--data', 'g.csv', '--eval', 'e.csv', '--target', 'cortex-m4', '-o', 'report.html', '--json'], { cwd: dir });
  expect(r.exitCode, r.stderr).toBe(0);
  data = JSON.parse(r.stdout) as ReportData;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

interface ChartBox {
  figure: string;
  width: number;
  height: number;
  /** Drawn marks (Vega's role-mark groups' children) with a non-empty box. */
  marks: number;
}

interface Opened {
  url: string;
  charts: ChartBox[];
  sections: Array<{ id: string; title: string | null | undefined; command: string | null | undefined }>;
  /** Console errors and warnings, and page errors. */
  problems: string[];
  /** Every URL the page asked for, the page itself included. */
  requests: string[];
}

/** Opens a page from disk and reads what the tests check: its charts, sections, problems and requests. */
async function open(file: string): Promise<Opened> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (req) => requests.push(req.url()));
  const url = pathToFileURL(file).href;
  try {
    await page.goto(url, { waitUntil: 'load' });
    const charts = await page.$$eval('.chart', (divs) => divs.map((div) => {
      const svg = div.querySelector(':scope > svg');
      const box = svg?.getBoundingClientRect();
      const marks = svg ? [...svg.querySelectorAll('g.role-mark > *')].filter((m) => {
        const b = (m as SVGGraphicsElement).getBBox();
        return b.width > 0 || b.height > 0;
      }).length : 0;
      return { figure: div.getAttribute('data-figure') ?? '', width: box?.width ?? 0, height: box?.height ?? 0, marks };
    })) as ChartBox[];
    const sections = await page.$$eval('section', (ss) => ss.map((s) => ({ id: s.id, title: s.querySelector('h2')?.textContent, command: s.querySelector('pre.command')?.textContent })));
    return { url, charts, sections, problems, requests };
  } finally {
    await page.close();
  }
}

describe('rnnc report in headless Chromium', () => {
  it('opens without console errors or requests, and renders the chart of every figure', async () => {
    expect(FIGURE_ORDER.filter((id) => data.figures[id].data === null)).toEqual([]);
    const { url, charts, sections, problems, requests } = await open(join(dir, 'report.html'));
    expect(charts.map((c) => c.figure)).toEqual([...FIGURE_ORDER]);
    for (const c of charts) {
      expect(c.width, c.figure).toBeGreaterThan(100);
      expect(c.height, c.figure).toBeGreaterThan(50);
      expect(c.marks, c.figure).toBeGreaterThan(0);
    }
    // Each figure's section: its title, the chart, and the command behind it.
    expect(sections.map((s) => s.id)).toEqual([...FIGURE_ORDER]);
    for (const s of sections) {
      expect(s.title).toBe(data.figures[s.id as keyof ReportData['figures']].title);
      expect(s.command).toMatch(/^\$ rnnc /);
    }
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it('the checks see what they look for: a console error, a request elsewhere, an empty chart', async () => {
    // The same page, spoilt three ways, so the test above cannot pass by seeing nothing.
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
      .replace('</main>', '<img src="http://192.0.2.1/pixel.png"><script>console.error("spoilt")</script></main>')
      .replace(/(<div class="chart" data-figure="lut">)<svg[\s\S]*?<\/svg>/, '$1<svg width="0" height="0"></svg>');
    writeFileSync(join(dir, 'spoilt.html'), html);
    const { charts, problems, requests } = await open(join(dir, 'spoilt.html'));
    expect(problems).toContain('console error: spoilt');
    expect(requests).toContain('http://192.0.2.1/pixel.png');
    expect(charts.find((c) => c.figure === 'lut')).toMatchObject({ width: 0, marks: 0 });
  });

  it('the instruction counts on the board are in the page as in --json', () => {
    const runs = data.figures.instructions.data!.runs;
    expect(runs.map((r) => r.weightBits)).toEqual([8, 16]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const r of runs) {
      expect(r.perStep).toBeGreaterThan(0);
      expect(html).toContain(`int${r.weightBits} weights: ${r.perMac.toFixed(2)} per MAC`);
    }
  });
});
