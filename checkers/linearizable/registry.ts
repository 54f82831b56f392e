import type { Model } from './model.js';
import { casRegisterModel } from './models/cas-register.js';
import { kvModel } from './models/kv.js';
import { registerModel } from './models/register.js';

/** Every model by name, one line each. */
export const MODELS: Readonly<Record<string, Model<any>>> = {
  register: registerModel,
  'cas-register': casRegisterModel,
  kv: kvModel,
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
