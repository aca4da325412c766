/**
 * Drives one client node through a recipe: connect, then `rounds` rounds, each a generator of calls
 * (recipes.ts). Losing the connection or the session aborts the round; the actor asks the client
 * for its state and reconnects if the process was restarted (a crashed client comes back idle),
 * stops if its session expired or was closed. A request that gets no answer at all (the client
 * process crashed and the kernel dropped it) is given up after a watchdog period.
 *
 * Everything runs inside kernel callbacks, so a run stays a pure function of the case.
 */
import type { Ensemble } from '../ensemble/ensemble.ts';
import { Err } from '../protocol/request/errors.ts';
import type { Recipe } from './case.ts';
import { ROUNDS, type Reply, type Round } from './recipes.ts';

const FATAL = new Set<number>([Err.CONNECTIONLOSS, Err.SESSIONEXPIRED, Err.SESSIONMOVED, Err.OPERATIONTIMEOUT]);

export interface ActorOptions {
  readonly recipe: Recipe;
  readonly rounds: number;
  /** Think time between rounds (ms). */
  readonly gapMs: number;
  /** No new round starts at or after this virtual time (µs). */
  readonly stopUs: number;
  /** Give up on an unanswered request after this long (µs). */
  readonly watchdogUs: number;
  readonly sessionTimeoutMs: number;
  /** After every round, move the session to the next server (`reconnect`, a load-balancing
   *  server-list update), so sessions cross servers that may lag the one they came from. */
  readonly hop?: boolean;
}

export class Actor {
  private round = 0;
  private gen: Round | null = null;
  /** Bumped on every abort, so callbacks of an abandoned round do nothing. */
  private epoch = 0;
  private done = false;
  ops = 0;

  private readonly sim: Ensemble['sim'];

  /** Requests go through the ensemble's reply routing (`ensemble/replies.ts`). */
  constructor(
    private readonly ens: Ensemble,
    readonly client: string,
    private readonly o: ActorOptions,
  ) {
    this.sim = ens.sim;
  }

  start(atUs: number): void {
    this.sim.at(atUs, () => this.connect());
  }

  /** One call at a time: its reply (or its watchdog) bumps `epoch`, which voids the other. */
  private call(op: Record<string, unknown>, onReply: (r: Reply) => void): void {
    const epoch = this.epoch;
    this.ops++;
    const key = this.ens.request(this.client, op, (r) => {
      if (epoch === this.epoch) onReply(r as Reply);
    });
    this.sim.after(this.o.watchdogUs, () => {
      if (epoch !== this.epoch) return;
      this.ens.forget(key);
      this.recover();
    });
  }

  private connect(): void {
    if (this.done) return;
    this.call({ op: 'connect', timeoutMs: this.o.sessionTimeoutMs }, (r) => {
      this.epoch++;
      if (r.rc === Err.OK || r.rc === Err.APIERROR) this.nextRound();
      else this.recover();
    });
  }

  private nextRound(): void {
    if (this.done) return;
    if (this.round >= this.o.rounds || this.sim.now >= this.o.stopUs) {
      this.done = true;
      return;
    }
    const r = this.round++;
    this.gen = ROUNDS[this.o.recipe]({ me: this.client, round: r, lastRound: r === this.o.rounds - 1 });
    this.advance(undefined);
  }

  private advance(reply: Reply | undefined): void {
    const gen = this.gen;
    if (gen === null) return;
    const s = gen.next(reply as Reply);
    if (s.done) {
      this.gen = null;
      this.epoch++;
      if (this.o.hop) {
        // Move, then look around first: a read is answered at the new server's zxid.
        this.ens.request(this.client, { op: 'reconnect' }, () => {});
        this.ens.request(this.client, { op: 'getChildren', path: '/' }, () => {});
      }
      this.sim.after(Math.max(1, this.o.gapMs) * 1000, () => this.nextRound());
      return;
    }
    const step = s.value;
    if ('sleepMs' in step) {
      const epoch = this.epoch;
      this.sim.after(step.sleepMs * 1000, () => {
        if (epoch === this.epoch) this.advance(undefined);
      });
      return;
    }
    this.call(step.op, (r) => {
      this.epoch++;
      if (FATAL.has(r.rc)) this.recover();
      else this.advance(r);
    });
  }

  /** Abort the round; after a pause, reconnect if the client process is fresh, stop if it is over. */
  private recover(): void {
    this.epoch++;
    this.gen = null;
    if (this.done) return;
    const epoch = this.epoch;
    this.sim.after(200_000, () => {
      if (epoch !== this.epoch) return;
      this.call({ op: 'state' }, (r) => {
        this.epoch++;
        if (r.state === 'idle') this.connect();
        else if (r.state === 'expired' || r.state === 'closed') this.done = true;
        else this.nextRound();
      });
    });
  }
}
