// Ops as fixed-width records of numbers (strings as numbers into a StringTable): the compact
// per-key encoding that a big history is grouped into, spilled to disk and handed to the threads
// that check it, and turned back into Op objects only there, one partition at a time.
import { decodeValue, VALUE as VALUE_TAG, valueNumber, valueTag, type StringTable } from './columns.js';
import type { Op } from './event.js';

/** Numbers per op. */
export const STRIDE = 10;
const INVOKE_INDEX = 0;
const COMPLETE_INDEX = 1;
const INVOKE_TIME = 2;
const COMPLETE_TIME = 3;
const PROCESS = 4;
/** type + 8 × invoke value's tag + 64 × value's tag + 512 × f: exact in a double for any f number below 2^43. */
const PACKED = 5;
const INVOKE_VALUE = 6;
const VALUE = 7;
/** -1: none. */
const ERROR = 8;
/** -1: no key. */
const KEY = 9;

const STRING_TAG = VALUE_TAG.string;
const JSON_TAG = VALUE_TAG.json;

const TYPES: readonly Op['type'][] = ['open', 'ok', 'fail', 'info'];
const TYPE_CODE: Record<Op['type'], number> = { open: 0, ok: 1, fail: 2, info: 3 };

/** Writes an invocation as record `at` of `r`: an open op until completeRecord. */
export function invokeRecord(r: Float64Array, at: number, index: number, time: number, process: number, f: number, key: number, valueTag: number, value: number): void {
  const o = at * STRIDE;
  r[o + INVOKE_INDEX] = index;
  r[o + COMPLETE_INDEX] = -1;
  r[o + INVOKE_TIME] = time;
  r[o + COMPLETE_TIME] = -1;
  r[o + PROCESS] = process;
  r[o + PACKED] = valueTag * 8 + f * 512;
  r[o + INVOKE_VALUE] = value;
  r[o + VALUE] = 0;
  r[o + ERROR] = -1;
  r[o + KEY] = key;
}

/** Completes record `at`; `type`: 1 ok, 2 fail, 3 info. */
export function completeRecord(r: Float64Array, at: number, index: number, time: number, type: number, valueTag: number, value: number, error: number): void {
  const o = at * STRIDE;
  r[o + COMPLETE_INDEX] = index;
  r[o + COMPLETE_TIME] = time;
  r[o + PACKED] += type + valueTag * 64;
  r[o + VALUE] = value;
  r[o + ERROR] = error;
}

/**
 * Records [from, to) of `r`, written against another string table, renumbered into this one
 * (`map`: numbers there -> here), all of them given the key `key` (-1: none).
 */
export function renumberRecords(r: Float64Array, from: number, to: number, map: Int32Array, key: number): void {
  for (let at = from; at < to; at++) {
    const o = at * STRIDE;
    const packed = r[o + PACKED]!;
    const f = Math.floor(packed / 512);
    r[o + PACKED] = packed + (map[f]! - f) * 512;
    const itag = Math.floor(packed / 8) % 8;
    if (itag === STRING_TAG || itag === JSON_TAG) r[o + INVOKE_VALUE] = map[r[o + INVOKE_VALUE]!]!;
    const vtag = Math.floor(packed / 64) % 8;
    if (vtag === STRING_TAG || vtag === JSON_TAG) r[o + VALUE] = map[r[o + VALUE]!]!;
    const e = r[o + ERROR]!;
    if (e >= 0) r[o + ERROR] = map[e]!;
    r[o + KEY] = key;
  }
}

/** Whether record `at` is still open. */
export const isOpenRecord = (r: Float64Array, at: number): boolean => r[at * STRIDE + COMPLETE_INDEX] === -1;

/** The records of ops, strings interned into `strings`. */
export function encodeOps(ops: readonly Op[], strings: StringTable): Float64Array {
  const r = new Float64Array(ops.length * STRIDE);
  for (let i = 0; i < ops.length; i++) encodeOp(r, i, ops[i]!, strings);
  return r;
}

/**
 * Writes `op` as record `at` of `r`. `keyId`: its key's number in `strings` when the caller
 * knows it already (it saves a lookup a op; the key must have been numbered already).
 */
export function encodeOp(r: Float64Array, at: number, op: Op, strings: StringTable, keyId?: number): void {
  // A plain function, no pair made a value: a million ops are encoded on the thread that runs the other checkers.
  // Strings numbered in the order encodeValue first met them: the invocation's value, f, key.
  const iv = valueNumber(op.invokeValue, strings);
  const f = strings.id(op.f);
  invokeRecord(r, at, op.invokeIndex, op.invokeTime, op.process, f, op.key === undefined ? -1 : (keyId ?? strings.id(op.key)), valueTag(op.invokeValue), iv);
  if (op.type === 'open') return;
  const v = valueNumber(op.value, strings);
  completeRecord(r, at, op.completeIndex!, op.completeTime!, TYPE_CODE[op.type], valueTag(op.value), v, op.error === undefined ? -1 : strings.id(op.error));
}

/** The key's number of record `at` of `r` (-1: no key). */
export const recordKey = (r: Float64Array, at: number): number => r[at * STRIDE + KEY]!;

/** Records `at[0]`, `at[1]`, ... of `from`, copied in that order into records of their own. */
export function gatherRecords(from: Float64Array, at: Int32Array): Float64Array {
  const r = new Float64Array(at.length * STRIDE);
  for (let i = 0; i < at.length; i++) {
    const o = at[i]! * STRIDE;
    r.set(from.subarray(o, o + STRIDE), i * STRIDE);
  }
  return r;
}

/** The ops of `n` records, as HistoryBuilder would have made them (same fields, same order). */
export function decodeOps(r: Float64Array, strings: readonly string[], n = r.length / STRIDE): Op[] {
  const ops: Op[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * STRIDE;
    const packed = r[o + PACKED]!;
    const f = Math.floor(packed / 512);
    const vtag = Math.floor(packed / 64) % 8;
    const itag = Math.floor(packed / 8) % 8;
    const type = TYPES[packed % 8]!;
    const completeIndex = r[o + COMPLETE_INDEX]!;
    const key = r[o + KEY]!;
    const error = r[o + ERROR]!;
    // One shape for every op, as HistoryBuilder makes them (absent fields undefined).
    const op: Op = {
      process: r[o + PROCESS]!,
      f: strings[f]!,
      type,
      invokeIndex: r[o + INVOKE_INDEX]!,
      completeIndex: completeIndex < 0 ? null : completeIndex,
      invokeTime: r[o + INVOKE_TIME]!,
      completeTime: completeIndex < 0 ? null : r[o + COMPLETE_TIME]!,
      key: key >= 0 ? strings[key] : undefined,
      invokeValue: decodeValue(itag, r[o + INVOKE_VALUE]!, strings),
      value: decodeValue(vtag, r[o + VALUE]!, strings),
      error: error >= 0 ? strings[error] : undefined,
    };
    ops[i] = op;
  }
  return ops;
}
