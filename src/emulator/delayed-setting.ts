/**
 * A setting whose changes take effect a fixed delay after they were accepted: how a control
 * plane (policies, key states, bucket configuration) reaches a data plane that caches it. The
 * delay is the same for every change, so changes take effect in the order they were made.
 */
export class DelayedSetting<T> {
  private readonly pending: { at: number; value: T }[] = [];

  constructor(
    private current: T,
    private readonly delayMs: number,
    private readonly now: () => number,
  ) {}

  set(value: T): void {
    if (this.delayMs <= 0) {
      // No delay: effective at once, and earlier pending changes are overtaken.
      this.pending.length = 0;
      this.current = value;
    } else this.pending.push({ at: this.now() + this.delayMs, value });
  }

  /** What governs requests now. */
  effective(): T {
    const now = this.now();
    while (this.pending.length > 0 && this.pending[0]!.at <= now) this.current = this.pending.shift()!.value;
    return this.current;
  }

  /** The value last set: what reading the setting back returns (the control plane itself is consistent). */
  latest(): T {
    return this.pending.length > 0 ? this.pending[this.pending.length - 1]!.value : this.current;
  }
}
