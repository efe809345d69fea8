/**
 * Vega-Lite → Vega → SVG, at report time, in Node: the page carries finished SVG and no
 * script, so it opens offline and in any browser. Vega names its clip paths and
 * gradients with ids that repeat from one chart to the next; inline in one page they
 * would collide, so each chart's ids get the chart's own prefix.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Makes the ids of one SVG unique in the page: `id="clip1"` → `id="PREFIX-clip1"`, with every reference. */
export function prefixIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  return svg.replace(/\bid="([^"]+)"|url\(#([^)]+)\)|href="#([^"]+)"/g, (all, id?: string, url?: string, href?: string) => {
    if (id !== undefined) return `id="${prefix}-${id}"`;
    if (url !== undefined) return ids.has(url) ? `url(#${prefix}-${url})` : all;
    return href !== undefined && ids.has(href) ? `href="#${prefix}-${href}"` : all;
  });
}

export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return prefixIds(await view.toSVG(), idPrefix);
  } finally {
    view.finalize();
  }
}
