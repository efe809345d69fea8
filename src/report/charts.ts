/**
 * The report's charts as Vega-Lite specifications, one per figure: the data is
 * reshaped into the long tables Vega-Lite reads, and the library draws everything
 * (render.ts turns each into SVG). Nothing here draws.
 */
import type { TopLevelSpec } from 'vega-lite';
import type {
  InstructionData, LayerErrorData, LutData, MemoryData, RangeData, ReportData, TaskData, TrainingData,
} from './types.js';

const WIDTH = 460;
const SATURATES = 'beyond the format (saturates)';
const WITHIN = 'within the format';

/** Settings every chart shares: a plain look that prints well. */
const CONFIG = {
  font: 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 360 },
  header: { labelFontSize: 12, titleFontSize: 12, labelLimit: 420 },
  title: { fontSize: 13, anchor: 'start' as const },
  view: { stroke: '#ddd' },
};

function top(spec: object): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, background: 'white', padding: 8, ...spec } as TopLevelSpec;
}

export function trainingChart(d: TrainingData): TopLevelSpec {
  const h = d.history;
  const loss = h.epoch.flatMap((epoch, i) => [
    { epoch, series: 'training loss', value: h.trainLoss[i]! },
    ...(h.valLoss ? [{ epoch, series: 'validation loss', value: h.valLoss[i]! }] : []),
  ]);
  const best = d.bestEpoch !== null ? [{ data: { values: [{ epoch: d.bestEpoch }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#666' }, encoding: { x: { field: 'epoch', type: 'quantitative' } } }] : [];
  const x = { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1, format: 'd' }, scale: { domainMin: 1, nice: false } };
  const lossChart = {
    title: 'Loss', width: d.metric ? 300 : WIDTH, height: 220,
    layer: [{ data: { values: loss }, mark: { type: 'line', point: true }, encoding: { x, y: { field: 'value', type: 'quantitative', title: 'loss', scale: { zero: false } }, color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top' } } } }, ...best],
  };
  if (!d.metric || !h.valMetric) return top(lossChart);
  const metric = h.epoch.map((epoch, i) => ({ epoch, value: h.valMetric![i]! }));
  const metricChart = {
    title: `Validation ${d.metric === 'accuracy' ? 'accuracy' : 'RMSE'}`, width: 300, height: 220,
    layer: [{
      data: { values: metric }, mark: { type: 'line', color: '#54a24b', point: { color: '#54a24b' } },
      encoding: { x, y: { field: 'value', type: 'quantitative', title: d.metric === 'accuracy' ? 'accuracy' : 'RMSE', scale: { zero: false }, axis: d.metric === 'accuracy' ? { format: '.0%' } : {} } },
    }, ...best],
  };
  return top({ hconcat: [lossChart, metricChart], resolve: { scale: { color: 'independent' } } });
}

function pct(x: number): string {
  return x === 0 ? '0%' : x < 1e-4 ? `${(100 * x).toExponential(1)}%` : `${(100 * x).toFixed(x < 0.01 ? 3 : 1)}%`;
}

export function rangeLabel(t: RangeData['tensors'][number], types: readonly string[]): string {
  const where = t.layer === null ? 'input' : `layer ${t.layer} ${types[t.layer] ?? ''} ${t.quantity}`;
  return `${where} · ${t.format} (±${+t.limit.toPrecision(4)}) · ${pct(t.saturated)} saturate`;
}

export function rangesChart(d: RangeData, layerTypes: readonly string[]): TopLevelSpec {
  const rows = d.tensors.flatMap((t, order) => {
    const label = rangeLabel(t, layerTypes);
    const span = t.bins.length > 0 ? t.bins[t.bins.length - 1]!.hi : 0;
    return t.bins.map((b, k) => ({
      tensor: label, order, lo: b.lo, hi: b.hi, count: b.count,
      where: Math.abs((b.lo + b.hi) / 2) > t.limit ? SATURATES : WITHIN,
      // The limit lines, drawn once per panel, and only when the axis reaches them.
      first: k === 0 && t.limit <= span, limit: t.limit, negLimit: -t.limit,
    }));
  });
  const most = Math.max(1, ...rows.map((r) => r.count));
  const decades = Array.from({ length: Math.ceil(Math.log10(most)) + 1 }, (_, k) => 10 ** k);
  const rule = (field: string) => ({
    transform: [{ filter: 'datum.first' }], mark: { type: 'rule', strokeDash: [5, 3], color: '#222' },
    encoding: { x: { field, type: 'quantitative' } },
  });
  return top({
    data: { values: rows },
    columns: 2,
    facet: { field: 'tensor', type: 'nominal', title: null, sort: { field: 'order', op: 'min' }, header: { labelLimit: 0, labelFontSize: 11 } },
    spec: {
      width: 330, height: 110,
      layer: [
        {
          // Log counts, so a few saturating values still show beside thousands in range;
          // empty bins are left out and bars stand on 0.5 (a log scale has no zero).
          transform: [{ filter: 'datum.count > 0' }],
          mark: 'rect',
          encoding: {
            x: { field: 'lo', type: 'quantitative', title: 'value (real units)' }, x2: { field: 'hi' },
            y: { field: 'count', type: 'quantitative', title: 'count', scale: { type: 'log', domainMin: 0.5 }, axis: { values: decades, format: '~s' } },
            y2: { datum: 0.5 },
            color: { field: 'where', type: 'nominal', title: null, scale: { domain: [WITHIN, SATURATES], range: ['#4c78a8', '#e45756'] }, legend: { orient: 'top' } },
          },
        },
        rule('limit'), rule('negLimit'),
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  });
}

export function layerErrorChart(d: LayerErrorData): TopLevelSpec {
  // Log scales cannot show 0: an exact layer is drawn at 1e-12, far below any real error.
  const floor = (x: number) => Math.max(x, 1e-12);
  const rows = d.layers.flatMap((l) => (['int8', 'int16'] as const).flatMap((w) => [
    { layer: `${l.index} ${l.type}`, weights: `${w} weights`, measure: 'largest |error|', value: floor(l[w].maxAbs) },
    { layer: `${l.index} ${l.type}`, weights: `${w} weights`, measure: 'RMS error', value: floor(l[w].rms) },
  ]));
  // A log scale has no zero for bars to stand on: they start a decade below the smallest error.
  const base = 10 ** (Math.floor(Math.log10(Math.min(...rows.map((r) => r.value)))) - 1);
  const topDecade = Math.ceil(Math.log10(Math.max(...rows.map((r) => r.value))));
  const decades = Array.from({ length: topDecade - Math.log10(base) + 1 }, (_, k) => base * 10 ** k);
  return top({
    data: { values: rows },
    facet: { column: { field: 'measure', type: 'nominal', title: null, sort: ['largest |error|', 'RMS error'] } },
    spec: {
      width: Math.max(200, 60 * d.layers.length), height: 220,
      mark: 'bar',
      encoding: {
        x: { field: 'layer', type: 'nominal', title: 'layer', sort: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'weights', type: 'nominal', sort: ['int8 weights', 'int16 weights'] },
        y: { field: 'value', type: 'quantitative', title: 'error (real units)', scale: { type: 'log', domain: [base, 10 ** topDecade] }, axis: { values: decades, format: '.0e' } },
        y2: { datum: base },
        color: { field: 'weights', type: 'nominal', title: null, scale: { domain: ['int8 weights', 'int16 weights'], range: ['#f58518', '#4c78a8'] }, legend: { orient: 'top' } },
      },
    },
    resolve: { scale: { y: 'independent' } },
  });
}

export function lutChart(d: LutData): TopLevelSpec {
  const curve = d.curve.flatMap((c) => [{ x: c.x, table: 'sigmoid', lsb: c.sigmoid }, { x: c.x, table: 'tanh', lsb: c.tanh }]);
  const sizes = d.sizes.flatMap((s) => [{ size: s.size, table: 'sigmoid', lsb: s.sigmoid }, { size: s.size, table: 'tanh', lsb: s.tanh }]);
  const color = { field: 'table', type: 'nominal', title: null, scale: { domain: ['sigmoid', 'tanh'], range: ['#4c78a8', '#e45756'] }, legend: { orient: 'top' } };
  return top({
    hconcat: [
      {
        title: `${d.size}-entry tables: error over the input range`, width: 360, height: 220,
        data: { values: curve }, mark: { type: 'line', strokeWidth: 1.2 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'input x (Q3.12)', scale: { domain: [-8, 8] } },
          y: { field: 'lsb', type: 'quantitative', title: '|error| (LSB of Q0.15)' }, color,
        },
      },
      {
        title: 'Largest error by table size', width: 300, height: 220,
        data: { values: sizes },
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'size', type: 'quantitative', title: '--lut-size (entries)', scale: { type: 'log', base: 2 }, axis: { values: d.sizes.map((s) => s.size) } },
              y: { field: 'lsb', type: 'quantitative', title: 'largest |error| (LSB)', scale: { type: 'log' } }, color,
            },
          },
          {
            transform: [{ filter: `datum.size == ${d.size}` }],
            mark: { type: 'point', size: 160, strokeWidth: 2, color: '#222' },
            encoding: { x: { field: 'size', type: 'quantitative' }, y: { field: 'lsb', type: 'quantitative' } },
          },
        ],
      },
    ],
  });
}

const VARIANTS = ['float', 'int8', 'int16'];

export function taskChart(d: TaskData): TopLevelSpec {
  const acc = d.metric === 'accuracy';
  const bars = {
    title: acc ? 'Accuracy' : 'RMSE (lower is better)', width: 240, height: 180,
    data: { values: VARIANTS.map((v) => ({ variant: v, value: d[v as 'float'] })) },
    encoding: {
      x: { field: 'variant', type: 'nominal', title: null, sort: VARIANTS, axis: { labelAngle: 0 } },
      y: { field: 'value', type: 'quantitative', title: acc ? 'accuracy' : 'RMSE', axis: acc ? { format: '.0%' } : {}, ...(acc ? { scale: { domain: [0, 1] } } : {}) },
    },
    layer: [
      { mark: { type: 'bar', color: '#4c78a8' } },
      { mark: { type: 'text', dy: -7 }, encoding: { text: { field: 'value', type: 'quantitative', format: acc ? '.2%' : '.4~g' } } },
    ],
  };
  if (d.confusion) {
    const { classes, counts } = d.confusion;
    const cells = VARIANTS.flatMap((v) => counts[v as 'float'].flatMap((row, t) => row.map((n, p) => ({ variant: v, actual: classes[t]!, predicted: classes[p]!, n }))));
    const side = Math.min(320, Math.max(160, 40 * classes.length));
    // Dark cells get light text: the count stays readable on every shade.
    const dark = Math.max(1, ...cells.map((c) => c.n)) / 2;
    const matrix = {
      data: { values: cells },
      facet: { column: { field: 'variant', type: 'nominal', title: 'Confusion matrices (rows: true class, columns: predicted)', sort: VARIANTS } },
      spec: {
        width: side, height: side,
        encoding: {
          x: { field: 'predicted', type: 'nominal', sort: classes, title: 'predicted', axis: { grid: false } },
          y: { field: 'actual', type: 'nominal', sort: classes, title: 'true', axis: { grid: false } },
        },
        layer: [
          { mark: 'rect', encoding: { color: { field: 'n', type: 'quantitative', title: 'sequences', scale: { scheme: 'blues' } } } },
          {
            mark: { type: 'text', fontSize: 11 },
            encoding: { text: { field: 'n', type: 'quantitative' }, color: { condition: [{ test: `datum.n > ${dark}`, value: 'white' }, { test: 'datum.n > 0', value: '#111' }], value: '#aaa' } },
          },
        ],
      },
    };
    return top({ vconcat: [bars, matrix] });
  }
  const points = d.scatter ?? [];
  const values = points.flatMap((p) => [p.actual, p.predicted]);
  const lo = values.length > 0 ? Math.min(...values) : 0;
  const hi = values.length > 0 ? Math.max(...values) : 1;
  const diagonal = VARIANTS.flatMap((v) => [{ variant: v, actual: lo, predicted: lo, line: true }, { variant: v, actual: hi, predicted: hi, line: true }]);
  const scatter = {
    data: { values: [...points.map((p) => ({ ...p, line: false })), ...diagonal] },
    facet: { column: { field: 'variant', type: 'nominal', title: 'Predicted against true values (the line: perfect prediction)', sort: VARIANTS } },
    spec: {
      width: 220, height: 220,
      encoding: {
        x: { field: 'actual', type: 'quantitative', title: 'true', scale: { zero: false } },
        y: { field: 'predicted', type: 'quantitative', title: 'predicted', scale: { zero: false } },
      },
      layer: [
        { transform: [{ filter: '!datum.line' }], mark: { type: 'point', size: 18, opacity: 0.6, filled: true } },
        { transform: [{ filter: 'datum.line' }], mark: { type: 'line', color: '#e45756' } },
      ],
    },
  };
  return top({ vconcat: [bars, scatter] });
}

export function memoryChart(d: MemoryData): TopLevelSpec {
  const rows = d.parts.map((p, order) => ({
    memory: p.memory === 'flash' ? `flash ${d.flashBytes.toLocaleString('en-US')} B` : `RAM ${d.ramBytes.toLocaleString('en-US')} B`,
    part: `${p.memory}: ${p.part}, ${p.bytes.toLocaleString('en-US')} B (${p.how})`, bytes: p.bytes, order,
  }));
  // Flash is often ten times RAM: each gets its own axis, or RAM would be a sliver.
  return top({
    data: { values: rows },
    facet: { row: { field: 'memory', type: 'nominal', title: null, sort: [...new Set(rows.map((r) => r.memory))], header: { labelAngle: 0, labelAlign: 'left', labelLimit: 0 } } },
    spec: {
      width: 640, height: 34,
      mark: { type: 'bar', stroke: 'white', strokeWidth: 1 },
      encoding: {
        x: { field: 'bytes', type: 'quantitative', title: 'bytes', stack: 'zero' },
        color: { field: 'part', type: 'nominal', title: null, sort: rows.map((r) => r.part), scale: { scheme: 'tableau20' }, legend: { orient: 'bottom', columns: 2, labelLimit: 0 } },
        order: { field: 'order', type: 'quantitative' },
      },
    },
    resolve: { scale: { x: 'independent' } },
  });
}

export function instructionsChart(d: InstructionData): TopLevelSpec {
  const rows = d.runs.flatMap((r) => {
    const weights = `int${r.weightBits} weights: ${r.perMac.toFixed(2)} per MAC`;
    const steps = [
      { weights, measure: r.decoder ? 'first encoder step' : 'first step after reset', value: r.firstStep },
      { weights, measure: `mean, ${r.decoder ? 'encoder ' : ''}steps 2..${r.steps}`, value: r.perStep },
      { weights, measure: `largest, ${r.decoder ? 'encoder ' : ''}steps 2..${r.steps}`, value: r.maxPerStep },
    ];
    if (r.decoder) return [...steps, { weights, measure: `per decoder step (one decode of ${r.decoder.outputs} over ${r.steps} encoder steps)`, value: r.decoder.perOutput }];
    return r.mode === 'step' ? steps : [{ weights, measure: `one run over ${r.steps} steps, per step`, value: r.perStep }];
  });
  return top({
    title: `${d.target}, -${d.opt}, ${d.runs[0]?.macsPerStep.toLocaleString('en-US') ?? 0} MACs per ${d.runs[0]?.decoder ? 'encoder ' : ''}step`,
    width: 420, height: 220,
    data: { values: rows },
    encoding: {
      x: { field: 'weights', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0, labelLimit: 0 } },
      xOffset: { field: 'measure', type: 'nominal', sort: null },
      y: { field: 'value', type: 'quantitative', title: 'instructions per step' },
    },
    layer: [
      { mark: 'bar', encoding: { color: { field: 'measure', type: 'nominal', title: null, sort: null, legend: { orient: 'top' } } } },
      { mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { text: { field: 'value', type: 'quantitative', format: ',.0f' } } },
    ],
  });
}

/** The chart of each figure that has data. */
export function chartsOf(r: ReportData): Partial<Record<keyof ReportData['figures'], TopLevelSpec>> {
  const f = r.figures;
  const types = r.model.layers.map((l) => l.split(':')[0]!);
  return {
    ...(f.training.data ? { training: trainingChart(f.training.data) } : {}),
    ...(f.ranges.data ? { ranges: rangesChart(f.ranges.data, types) } : {}),
    ...(f.layerError.data ? { layerError: layerErrorChart(f.layerError.data) } : {}),
    ...(f.lut.data ? { lut: lutChart(f.lut.data) } : {}),
    ...(f.task.data ? { task: taskChart(f.task.data) } : {}),
    ...(f.memory.data ? { memory: memoryChart(f.memory.data) } : {}),
    ...(f.instructions.data ? { instructions: instructionsChart(f.instructions.data) } : {}),
  };
}
