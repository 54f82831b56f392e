// Opening a report in a real browser: Debian's chromium driven by playwright-core (a dev
// dependency, loaded only here). Used by the tests and the benchmark, never by the CLI.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.OBJCHECK_CHROMIUM ?? '/usr/bin/chromium';

/** Why a browser test cannot run here, or null when it can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set OBJCHECK_CHROMIUM`;
}

export interface ChartState {
  id: string;
  rendered: string | null;
  /** 'canvas' or 'svg' when drawn */
  kind: string | null;
  width: number;
  height: number;
  /** Canvas pixels that are not blank (white or transparent), sampled. */
  inked: number;
}

export interface PageVisit {
  /** Console messages of type error or warning, and uncaught page errors. */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
  charts: ChartState[];
  /** From navigation to the charts of the first two screens drawn (the others wait to be scrolled near), in ms. */
  renderMs: number;
  /** From navigation to every chart drawn (the rest asked for by objcheck.drawAll() at once), in ms; null with drawAll false. */
  allMs: number | null;
  text: string;
  screenshot?: string;
}

/**
 * Runs in the page (a string, since this project compiles without the DOM types): each chart's
 * state, and for canvases a sample of pixels that are neither blank nor transparent.
 */
const CHART_STATES = `[...document.querySelectorAll('div.chart')].map((d) => {
  const canvas = d.querySelector('canvas');
  const svg = d.querySelector('svg');
  let inked = 0;
  if (canvas && canvas.width > 0 && canvas.height > 0) {
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < px.length; i += 4 * 97) if (px[i + 3] > 0 && (px[i] < 250 || px[i + 1] < 250 || px[i + 2] < 250)) inked++;
  } else if (svg) inked = svg.querySelectorAll('path,rect,line,text').length;
  const box = (canvas || svg) ? (canvas || svg).getBoundingClientRect() : null;
  return { id: d.id, rendered: d.getAttribute('data-rendered'), kind: canvas ? 'canvas' : svg ? 'svg' : null, width: box ? box.width : 0, height: box ? box.height : 0, inked };
})`;

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Loads a report from disk, waits for its first screens' charts and then (unless drawAll is false) for every chart, and reports what the page did. */
export async function visitReport(file: string, options: { screenshot?: string; timeoutMs?: number; drawAll?: boolean; act?: (page: import('playwright-core').Page) => Promise<void> } = {}): Promise<PageVisit> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'objcheck-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 900 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const t0 = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction(`document.body.getAttribute('data-charts') === 'done'`, undefined, { timeout: options.timeoutMs ?? 30_000 });
    const renderMs = performance.now() - t0;
    let allMs: number | null = null;
    if (options.drawAll !== false) {
      // Pages written before charts were drawn on demand draw them all at once.
      await page.evaluate('window.objcheck.drawAll ? objcheck.drawAll() : null');
      allMs = performance.now() - t0;
    }
    if (options.act) await options.act(page);
    const charts = (await page.evaluate(CHART_STATES)) as ChartState[];
    const text = await page.innerText('body');
    let screenshot: string | undefined;
    if (options.screenshot) {
      await page.screenshot({ path: options.screenshot, fullPage: true });
      screenshot = options.screenshot;
    }
    return { problems, requests, charts, renderMs, allMs, text, ...(screenshot ? { screenshot } : {}) };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface AxisLabel {
  text: string;
  /** 'left' or 'right' for y axes, 'bottom' or 'top' for x axes. */
  orient: string;
  /** Its box, in its axis' coordinates. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface ChartTexts {
  id: string;
  /** Every axis label drawn (after Vega's own overlap removal). */
  labels: AxisLabel[];
  /** Tooltips of up to `perMark` items of each mark that has them, as the page shows them. */
  tooltips: string[];
}

/** Runs in the page: walks each view's scenegraph for its axis labels and tooltips. */
const CHART_TEXTS = (perMark: number) => `(() => Object.entries(objcheck.views).map(([id, view]) => {
  const labels = [];
  const tooltips = [];
  const walk = (node, orient) => {
    if (!node) return;
    if (node.role === 'axis' && node.items[0]) orient = node.items[0].orient;
    if (node.role === 'axis-label') {
      for (const it of node.items) if (it.opacity !== 0 && it.text !== '') labels.push({ text: String(it.text), orient, x1: it.bounds.x1, y1: it.bounds.y1, x2: it.bounds.x2, y2: it.bounds.y2 });
      return;
    }
    let shown = 0;
    for (const it of node.items || []) {
      if (it.tooltip !== undefined && it.tooltip !== null && shown++ < ${perMark}) tooltips.push(objcheck.tooltipText(id, it.tooltip).replace(/<[^>]*>/g, ' '));
      if (it.items) for (const child of it.items) walk(child, orient);
    }
  };
  walk(view.scenegraph().root, undefined);
  return { id, labels, tooltips };
}))()`;

/** The axis labels and tooltip texts of every chart on the page (for `visitReport`'s act). */
export async function chartTexts(page: import('playwright-core').Page, perMark = 200): Promise<ChartTexts[]> {
  return (await page.evaluate(CHART_TEXTS(perMark))) as ChartTexts[];
}
