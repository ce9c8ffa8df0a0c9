// Politeness towards registries: one request at a time per server, a minimum gap
// between two requests to the same server, and exponential backoff after errors
// and rate-limit answers. While a server is backing off, requests to it fail at
// once without touching the network (RIPE bans heavy users for good: a run of
// 5,000 addresses must not keep knocking on a door that said no).
import { LookupError, RateLimitError } from './registry-answer.js';

export interface GateOptions {
  minGapMs: number;
  /** First backoff after an error; doubles with each further error, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  now?: () => number;
}

export class BackoffError extends LookupError {
  constructor(
    server: string,
    readonly untilMs: number,
  ) {
    super(`${server}: backing off after errors until ${new Date(untilMs).toISOString()}`);
    this.name = 'BackoffError';
  }
}

interface ServerState {
  tail: Promise<unknown>;
  lastEnd: number;
  failures: number;
  coolUntil: number;
  requests: number;
}

export class ServerGate {
  private readonly servers = new Map<string, ServerState>();
  private readonly now: () => number;

  constructor(private readonly options: GateOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Runs one request to `server` when its turn comes (minGapMs: this server's gap, if it has its own). */
  run<T>(server: string, request: () => Promise<T>, minGapMs = this.options.minGapMs): Promise<T> {
    const state = this.state(server);
    const turn = state.tail.then(async () => {
      if (state.coolUntil > this.now()) throw new BackoffError(server, state.coolUntil);
      const wait = state.lastEnd + minGapMs - this.now();
      if (wait > 0) await sleep(wait);
      state.requests++;
      try {
        const result = await request();
        state.failures = 0;
        return result;
      } catch (err) {
        if (err instanceof RateLimitError || err instanceof LookupError) {
          state.failures++;
          const backoff = Math.min(this.options.maxBackoffMs, this.options.backoffMs * 2 ** Math.min(30, state.failures - 1));
          const retryAfter = err instanceof RateLimitError && err.retryAfterMs ? err.retryAfterMs : 0;
          state.coolUntil = this.now() + Math.max(backoff, retryAfter);
        }
        throw err;
      } finally {
        state.lastEnd = this.now();
      }
    });
    state.tail = turn.catch(() => undefined);
    return turn;
  }

  /** Requests sent per server (not counting ones refused while backing off). */
  requestCounts(): Record<string, number> {
    return Object.fromEntries([...this.servers].map(([k, s]) => [k, s.requests]));
  }

  backingOffUntil(server: string): number | null {
    const s = this.servers.get(server);
    return s && s.coolUntil > this.now() ? s.coolUntil : null;
  }

  private state(server: string): ServerState {
    let s = this.servers.get(server);
    if (!s) {
      s = { tail: Promise.resolve(), lastEnd: -Infinity, failures: 0, coolUntil: 0, requests: 0 };
      this.servers.set(server, s);
    }
    return s;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
