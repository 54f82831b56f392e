// The page shell: a strict Content-Security-Policy that allows inline code and nothing else
// (which also proves the page fetches nothing), the libraries inlined, the specs as JSON.

import { compile } from 'vega-lite';
import { formatNumber } from '../util/format-number.js';
import type { Libraries } from './types.js';
import type { TopLevelSpec } from './specs/common.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Makes code safe inside <script>: `</script` would end the element and `<!--` would switch the
 * HTML parser into its escaped state. Inside JS strings and regexes `<\/` and `<\!` mean the same.
 */
export function escapeScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON that can sit inside <script type="application/json"> whatever its strings contain. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:";

export interface Chart {
  id: string;
  spec: TopLevelSpec;
}

/** A chart as the page gets it: compiled to Vega when the page is written. */
export interface CompiledChart {
  id: string;
  /** The Vega spec; null when Vega-Lite could not compile it (the page then says so in the chart's place). */
  vega: unknown;
  /** The Vega-Lite spec's tooltip tables (datum-tooltip.ts). */
  tooltips: unknown;
  /** Vega-Lite's warnings at compile time, said on the page's console as they were when it compiled there. */
  warnings: string[];
}

/**
 * Vega-Lite to Vega, here rather than in the page: the page then neither loads vega-lite nor
 * compiles a spec per chart before drawing it.
 */
export function compileChart(chart: Chart): CompiledChart {
  const warnings: string[] = [];
  const say = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    warn: (...a: unknown[]) => (say(...a), logger),
    error: (...a: unknown[]) => (say(...a), logger),
    info: () => logger,
    debug: () => logger,
  };
  const usermeta = (chart.spec as { usermeta?: { tooltips?: unknown } }).usermeta;
  let vega: unknown = null;
  try {
    vega = compile(chart.spec, { logger: logger as never }).spec;
  } catch (err) {
    // The page says so where the chart would be, as when it compiled the spec itself.
    say(`compile error: ${(err as Error).message}`);
  }
  return { id: chart.id, vega, tooltips: usermeta?.tooltips ?? null, warnings };
}

const STYLE = `
:root{--ok:#2e7d32;--bad:#c62828;--unknown:#b26a00;--muted:#666;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px;color:#222}
body{margin:0 auto;max-width:1200px;padding:1rem 1.5rem 4rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;margin:.4rem 0}td,th{padding:.15rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}th{font-weight:600}
table.probe tr.bad td{background:#fdecea}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-weight:700;padding:.1rem .45rem;border-radius:3px;color:#fff;white-space:nowrap}
.v-true{background:var(--ok)}.v-false{background:var(--bad)}.v-unknown{background:var(--unknown)}
.big{font-size:1.1rem}
.muted,.note{color:var(--muted)}.note{font-size:.9rem;margin:.2rem 0 .8rem}
tr.known{color:var(--muted)}span.known{font-size:.8rem;border:1px solid var(--muted);border-radius:3px;padding:0 .25rem;margin-left:.3rem}
.chart{width:100%;min-height:60px}
.chart-error{color:var(--bad);font-weight:600}
nav a{margin-right:1rem}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem;margin:.6rem 0}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:20rem}
.explanation{background:#fff4f4;border-left:4px solid var(--bad);padding:.4rem .7rem}
a.op{font-family:ui-monospace,Menlo,Consolas,monospace;margin-right:.3rem}
tr.focused{background:#fff7d6}
.swatch{display:inline-block;width:.8em;height:.8em;margin:0 .25em 0 .1em;vertical-align:-.05em;border:1px solid #333}
.security{background:#fff4f4;border-left:4px solid var(--bad);padding:.5rem .8rem;font-size:1.05rem;margin:.5rem 0}
`;

/**
 * Embeds the charts with vega-embed (AST interpreter: no eval, so the CSP holds): those of the
 * first two screens at once (body data-charts="done" when drawn), the rest as they are scrolled
 * near; marks each container with data-rendered once drawn, and wires the anomaly links to the
 * timeline.
 */
const BOOT = `
(function () {
  var specs = JSON.parse(document.getElementById('objcheck-specs').textContent);
  var views = {};
  // For whoever opens the console (and the browser test): the vega views by chart id.
  window.objcheck = { views: views };
  var actions = { export: true, source: false, compiled: false, editor: false };
  // A layer whose tooltip is its datum (specs/datum-tooltip.ts) is titled here, when the
  // tooltip is shown, instead of by an expression Vega would interpret for every mark.
  function row(key, value, html) {
    return '<tr><td class="key">' + html(key) + '</td><td class="value">' + html(value) + '</td></tr>';
  }
  var formatNumber = ${formatNumber.toString()};
  function shown(value, kind) {
    return kind && typeof value === 'number' ? formatNumber(value, kind) : value;
  }
  // For the test and whoever opens the console: a datum as its chart's tooltip shows it.
  window.objcheck.tooltipText = function (id, value) {
    var options = tooltipOptions(specs.find(function (c) { return c.id === id; }).tooltips);
    var esc = function (v) { return String(v); };
    return options === true ? (value !== null && typeof value === 'object' ? Object.keys(value).map(function (k) { return k + ' ' + value[k]; }).join('; ') : String(value)) : options.formatTooltip(value, esc);
  };
  function tooltipOptions(tables) {
    if (!tables) return true;
    return { formatTooltip: function (value, html) {
      if (value === null || typeof value !== 'object') return html(value);
      var table = tables.find(function (t) { return t.when in value; });
      var pairs = table ? table.fields.map(function (f) { return [f[1], shown(value[f[0]], f[2])]; }) : Object.keys(value).map(function (k) { return [k, value[k]]; });
      return '<table>' + pairs.filter(function (p) { return p[1] !== undefined; }).map(function (p) { return row(p[0], p[1], html); }).join('') + '</table>';
    } };
  }
  // Each chart is embedded once, when first asked for.
  var drawing = {};
  function draw(c) {
    if (drawing[c.id]) return drawing[c.id];
    var el = document.getElementById(c.id);
    c.warnings.forEach(function (w) { console.warn('vega-lite (' + c.id + '): ' + w); });
    var options = { mode: 'vega', ast: true, renderer: 'canvas', actions: actions, tooltip: tooltipOptions(c.tooltips) };
    var embedding = c.vega ? vegaEmbed(el, c.vega, options) : Promise.reject(new Error(c.warnings.join('; ')));
    drawing[c.id] = embedding.then(function (r) {
      views[c.id] = r.view;
      el.setAttribute('data-rendered', 'true');
    }, function (err) {
      el.setAttribute('data-rendered', 'error');
      el.insertAdjacentHTML('beforeend', '<p class="chart-error"></p>');
      el.lastChild.textContent = 'This chart could not be drawn: ' + err;
      console.error(err);
    });
    return drawing[c.id];
  }
  // The charts of the first two screens (and the timeline, which the anomaly links drive) are
  // drawn at once; the others when scrolled to within a screen of view, or all by drawAll().
  var now = [];
  var later = [];
  specs.forEach(function (c) {
    var near = document.getElementById(c.id).getBoundingClientRect().top < 2 * window.innerHeight;
    (near || c.id === 'chart-timeline' ? now : later).push(c);
  });
  var byId = {};
  later.forEach(function (c) { byId[c.id] = c; });
  var observer = typeof IntersectionObserver === 'function' ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (!e.isIntersecting) return;
      observer.unobserve(e.target);
      draw(byId[e.target.id]);
    });
  }, { rootMargin: '100% 0px' }) : null;
  later.forEach(function (c) { if (observer) observer.observe(document.getElementById(c.id)); else now.push(c); });
  Promise.all(now.map(draw)).then(function () { document.body.setAttribute('data-charts', 'done'); });
  window.objcheck.drawAll = function () {
    return Promise.all(specs.map(draw)).then(function () { document.body.setAttribute('data-charts-all', 'done'); });
  };
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a[data-ops]');
    if (!a) return;
    var view = views['chart-timeline'];
    if (!view) return;
    var ops = a.getAttribute('data-ops').split(',').map(Number);
    var from = Number(a.getAttribute('data-from'));
    var to = Number(a.getAttribute('data-to'));
    var pad = Math.max((to - from) * 0.5, 1e-6);
    view.signal('focus', ops);
    if (isFinite(from) && isFinite(to)) view.signal('zoom_s', [from - pad, to + pad]);
    view.runAsync();
    document.querySelectorAll('tr.focused').forEach(function (r) { r.classList.remove('focused'); });
    var row = a.closest('tr');
    if (row) row.classList.add('focused');
  });
})();
`;

export function page(title: string, body: string, charts: readonly Chart[], libraries: Libraries): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${escapeScript(libraries.vega)}</script>
<script>${escapeScript(libraries.vegaEmbed)}</script>
<script type="application/json" id="objcheck-specs">${scriptJson(charts.map(compileChart))}</script>
<script>${escapeScript(BOOT)}</script>
</body>
</html>
`;
}

export function chartDiv(id: string, label: string): string {
  return `<div class="chart" id="${escapeHtml(id)}" role="img" aria-label="${escapeHtml(label)}"></div>`;
}
