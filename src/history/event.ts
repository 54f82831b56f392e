// The history format: one event a line, Jepsen's op fields. docs/history-format.md is the
// contract; keep the two in step.

export type EventType = 'invoke' | 'ok' | 'fail' | 'info';
export type CompletionType = Exclude<EventType, 'invoke'>;

/** Client processes are numbers; faults and other non-client events use "nemesis". */
export type ProcessId = number | 'nemesis';

export interface HistoryEvent {
  /** Position in the history, from 0, one more on each line. */
  index: number;
  /** Nanoseconds since the run started, from one monotonic clock. */
  time: number;
  process: ProcessId;
  type: EventType;
  /** The operation: get, put, delete, list, head, cas… */
  f: string;
  /** The object the operation is about (absent for operations on no single key). */
  key?: string;
  /** What was written (on invoke) or read (on ok). null means "no object". */
  value?: unknown;
  /** Why a fail or info ended as it did. */
  error?: string;
}

/**
 * An operation: an invocation paired with its completion.
 * `type` is 'open' when the history ends before the operation completes; like 'info', an open
 * operation may have taken effect at any time after its invocation, or never.
 */
export interface Op {
  process: number;
  f: string;
  key?: string;
  /** The invocation's value (what a write wrote). */
  invokeValue?: unknown;
  /** The completion's value (what a read returned); undefined for info and open ops. */
  value?: unknown;
  type: CompletionType | 'open';
  error?: string;
  invokeIndex: number;
  /** Index of the completion event; null for open ops. */
  completeIndex: number | null;
  invokeTime: number;
  /** Time of the completion event; null for open ops. */
  completeTime: number | null;
}

export interface History {
  events: HistoryEvent[];
  /** Client operations in order of invocation. Nemesis events are not ops. */
  ops: Op[];
  /** The nemesis events, in order. */
  nemesis: HistoryEvent[];
  /** The history closes with the end marker: the run that wrote it ended normally. */
  ended?: boolean;
  /**
   * When `events` was not kept (empty: a big history read only to be checked, its events made
   * ops and let go): how many there were and the last one's time. Read both with eventCount
   * and lastEventTime, which take either.
   */
  end?: { events: number; time: number };
  /** Why the reader dropped the file's last line (torn mid-write by an interrupted run), if it did. */
  droppedTail?: string;
  /**
   * For a history imported from another tool's file whose events are not one a line: the line
   * each event (by index) starts on, for errors that name an op. Absent: event i is on line i + 1.
   */
  lines?: number[];
}

/**
 * The `f` of the nemesis event a run writes last, and only when it ended normally: a history
 * copied out of its run folder still says whether it is complete.
 */
export const END_OF_HISTORY = 'end';

/** How many events the history has, kept or not. */
export const eventCount = (history: History): number => history.end?.events ?? history.events.length;

/** The time of the history's last event (0 for none), kept or not. */
export const lastEventTime = (history: History): number => history.end?.time ?? history.events.at(-1)?.time ?? 0;

/** True when the op definitely ended (ok or fail); info and open ops are indeterminate. */
export function isDeterminate(op: Op): boolean {
  return op.type === 'ok' || op.type === 'fail';
}
