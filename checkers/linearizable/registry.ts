import type { Model, ModelEntry, SearchHints } from './model.js';
import { casRegisterHints, casRegisterModel } from './models/cas-register.js';
import { kvHints, kvModel } from './models/kv.js';
import { registerHints, registerModel } from './models/register.js';

const entry = <S>(model: Model<S>, hints: SearchHints<S>): ModelEntry<any> => ({ model, hints });

/** The models our own histories and the usual imports use: loaded with the checker. */
const BUILT_IN: Readonly<Record<string, ModelEntry<any>>> = {
  register: entry(registerModel, registerHints),
  'cas-register': entry(casRegisterModel, casRegisterHints),
  kv: entry(kvModel, kvHints),
};

/**
 * Knossos's models (knossos.model), under its names: loaded when asked for, so that a check
 * that does not use them does not load them in every thread it runs on.
 */
const KNOSSOS: Readonly<Record<string, () => Promise<ModelEntry<any>>>> = {
  mutex: async () => (await import('./models/mutex.js')).mutexEntry,
  'multi-register': async () => (await import('./models/multi-register.js')).multiRegisterEntry,
  set: async () => (await import('./models/set.js')).setEntry,
  'unordered-queue': async () => (await import('./models/unordered-queue.js')).unorderedQueueEntry,
  'fifo-queue': async () => (await import('./models/fifo-queue.js')).fifoQueueEntry,
};

const loaded = new Map<string, ModelEntry<any>>(Object.entries(BUILT_IN));

/** Whether the model is one every thread has loaded with the checker (not loaded on demand). */
export const isBuiltIn = (name: string): boolean => Object.hasOwn(BUILT_IN, name);

/** Every model's name. */
export function modelNames(): string[] {
  return [...Object.keys(BUILT_IN), ...Object.keys(KNOSSOS)];
}

/** The model called `name` and its search hints, once loaded (built-in ones always are; loadModel loads the others). */
export function getEntry(name: string): ModelEntry<any> {
  const m = loaded.get(name);
  if (m) return m;
  if (name in KNOSSOS) throw new Error(`model "${name}" is not loaded: await loadModel("${name}") first`);
  throw new Error(`unknown model "${name}"; known models: ${modelNames().join(', ')}`);
}

/** The model called `name` (its specification), once loaded. */
export function getModel(name: string): Model<any> {
  return getEntry(name).model;
}

/** The search hints of the model called `name`, once loaded. */
export function getHints(name: string): SearchHints<any> {
  return getEntry(name).hints;
}

/** The model called `name`, loading it first if needed; an unknown name throws as getModel does. */
export async function loadModel(name: string): Promise<Model<any>> {
  const load = loaded.has(name) ? undefined : KNOSSOS[name];
  if (load) loaded.set(name, await load());
  return getModel(name);
}

/** Every model by name, all loaded. */
export async function loadModels(): Promise<Readonly<Record<string, Model<any>>>> {
  for (const name of modelNames()) await loadModel(name);
  return Object.fromEntries(modelNames().map((n) => [n, getModel(n)]));
}
