import type { Model } from './model.js';
import { casRegisterModel } from './models/cas-register.js';
import { fifoQueueModel } from './models/fifo-queue.js';
import { kvModel } from './models/kv.js';
import { multiRegisterModel } from './models/multi-register.js';
import { mutexModel } from './models/mutex.js';
import { registerModel } from './models/register.js';
import { setModel } from './models/set.js';
import { unorderedQueueModel } from './models/unordered-queue.js';

/** Every model by name, one line each. */
export const MODELS: Readonly<Record<string, Model<any>>> = {
  register: registerModel,
  'cas-register': casRegisterModel,
  kv: kvModel,
  // Knossos's (knossos.model), under its names.
  mutex: mutexModel,
  'multi-register': multiRegisterModel,
  set: setModel,
  'unordered-queue': unorderedQueueModel,
  'fifo-queue': fifoQueueModel,
};

export function modelNames(): string[] {
  return Object.keys(MODELS);
}

/** The model called `name`; throws an Error naming the known models otherwise. */
export function getModel(name: string): Model<any> {
  const m = MODELS[name];
  if (!m) throw new Error(`unknown model "${name}"; known models: ${modelNames().join(', ')}`);
  return m;
}
