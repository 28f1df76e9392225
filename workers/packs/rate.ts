/**
 * The download rate over the last seconds, for the time left: a window, not the whole load,
 * so a connection that slows down (or a file that came from the store at disk speed) soon
 * stops skewing the estimate.
 */
export class DownloadRate {
  readonly #samples: { t: number; bytes: number }[] = [];
  #total = 0;

  readonly #now: () => number;
  readonly #windowMs: number;
  /** Less than this much observed time says nothing yet. */
  readonly #minSpanMs: number;

  constructor(now: () => number = () => performance.now(), windowMs = 10_000, minSpanMs = 500) {
    this.#now = now;
    this.#windowMs = windowMs;
    this.#minSpanMs = minSpanMs;
  }

  /** `n` more bytes came over the network. */
  add(n: number): void {
    if (n <= 0) return;
    this.#total += n;
    const t = this.#now();
    this.#samples.push({ t, bytes: this.#total });
    while (this.#samples.length > 2 && t - this.#samples[1]!.t > this.#windowMs) this.#samples.shift();
  }

  /** Time to fetch `remaining` bytes at the observed rate; null when not measured yet or nothing remains. */
  etaMs(remaining: number): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (remaining <= 0 || !first || !last || last.t - first.t < this.#minSpanMs) return null;
    const perMs = (last.bytes - first.bytes) / (last.t - first.t);
    return perMs > 0 ? Math.round(remaining / perMs) : null;
  }
}
