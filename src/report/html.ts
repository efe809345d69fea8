/**
 * The report page: one self-contained HTML file (inline CSS and SVG, no script, nothing
 * fetched when it is opened). Every figure shows its chart, or the note saying why it
 * is missing, and the command that reproduces its numbers.
 */
import { chartsOf } from './charts.js';
import { REPORT_BANNER } from './banner.js';
import { renderSvg } from './render.js';
import { FIGURE_ORDER, type FigureId, type ReportData } from './types.js';

/** Text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #f6f6f4; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 0 0 6px; }
.sub { color: #555; margin: 0 0 16px; }
section { background: #fff; border: 1px solid #e2e2de; border-radius: 6px; padding: 16px 20px; margin: 16px 0; }
.caption { color: #444; margin: 0 0 10px; }
.chart { overflow-x: auto; }
.chart svg { display: block; max-width: 100%; height: auto; }
.note { background: #fff8e5; border-left: 4px solid #f0b429; padding: 8px 12px; margin: 8px 0; }
pre.command { background: #f2f2ef; border-radius: 4px; padding: 8px 12px; margin: 10px 0 0; white-space: pre-wrap; word-break: break-all; font-size: 13px; }
table.model { border-collapse: collapse; margin: 6px 0 0; }
table.model td { padding: 2px 14px 2px 0; vertical-align: top; }
nav a { margin-right: 14px; }
`;

function summary(r: ReportData): string {
  const m = r.model;
  const n = (x: number) => x.toLocaleString('en-US');
  const rows: Array<[string, string]> = [
    ['model', `${m.name} (${m.source})`],
    ['layers', m.layers.join(', ')],
    ['shape', `${m.inputSize} inputs, ${m.outputSize} outputs; ${n(m.params)} parameters, ${n(m.macsPerStep)} MACs per step`],
    ['target', `${r.target}, int${r.weightBits} weights`],
  ];
  return `<table class="model">${rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
}

/** The page for `r`: charts rendered here, in Node. */
export async function reportHtml(r: ReportData): Promise<string> {
  const charts = chartsOf(r);
  const sections: string[] = [];
  for (const id of FIGURE_ORDER) {
    const f = r.figures[id];
    const spec = charts[id as FigureId];
    const body = [
      `<p class="caption">${escapeHtml(f.caption)}</p>`,
      ...(spec ? [`<div class="chart" data-figure="${id}">${await renderSvg(spec, `fig-${id}`)}</div>`] : []),
      ...(f.note ? [`<p class="note">${escapeHtml(f.note)}</p>`] : []),
      `<pre class="command"><code>${escapeHtml(f.command.split('\n').map((c) => `$ ${c}`).join('\n'))}</code></pre>`,
    ];
    sections.push(`<section id="${id}"><h2>${escapeHtml(f.title)}</h2>\n${body.join('\n')}\n</section>`);
  }
  const nav = FIGURE_ORDER.map((id) => `<a href="#${id}">${escapeHtml(r.figures[id].title.split(':')[0]!)}</a>`).join('');
  return `${REPORT_BANNER}: open in any browser, nothing is fetched -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rnnc report">
<title>${escapeHtml(`rnnc report: ${r.model.name}`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(`rnnc report: ${r.model.name}`)}</h1>
<p class="sub">Made by <code>${escapeHtml(r.command)}</code></p>
${summary(r)}
<nav>${nav}</nav>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
