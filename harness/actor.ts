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
import { CreateFlag } from '../protocol/request/types.ts';
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
  /** Pipelined client (Case.pipeline): after every round, `depth` requests without waiting. */
  readonly pipeline?: { readonly depth: number; readonly close: boolean };
}

export class Actor {
  private round = 0;
  private gen: Round | null = null;
  /** Bumped on every abort, so callbacks of an abandoned round do nothing. */
  private epoch = 0;
  private done = false;
  /** The epoch of a round waiting for a watch event (`awaitWatch`), or -1. */
  private awaiting = -1;
  ops = 0;

  private readonly sim: Ensemble['sim'];

  /** Requests go through the ensemble's reply routing (`ensemble/replies.ts`). */
  constructor(
    private readonly ens: Ensemble,
    readonly client: string,
    private readonly o: ActorOptions,
  ) {
    this.sim = ens.sim;
    // The application's Watcher: a watch event ends a wait for one (after this step).
    this.sim.onNotify((node, event) => {
      if (node !== this.client || event.type === 'None' || this.awaiting < 0) return;
      const epoch = this.awaiting;
      this.awaiting = -1;
      this.sim.after(0, () => {
        if (epoch !== this.epoch) return;
        this.epoch++;
        this.advance(undefined);
      });
    });
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
      if (this.o.pipeline !== undefined && this.o.pipeline.depth > 1) return this.burst();
      if (this.o.hop) {
        // Move, then look around first: a read is answered at the new server's zxid.
        this.ens.request(this.client, { op: 'reconnect' }, () => {});
        this.ens.request(this.client, { op: 'getChildren', path: '/' }, () => {});
      }
      this.sim.after(Math.max(1, this.o.gapMs) * 1000, () => this.nextRound());
      return;
    }
    const step = s.value;
    if ('awaitWatchMs' in step) {
      const epoch = this.epoch;
      this.awaiting = epoch;
      this.sim.after(step.awaitWatchMs * 1000, () => {
        if (epoch !== this.epoch) return;
        this.awaiting = -1;
        this.epoch++;
        this.advance(undefined);
      });
      return;
    }
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

  /**
   * A pipelined burst (Case.pipeline), issued at once after a round: writes and reads under the
   * client's own prefix `/p-<client>` (a read behind each write), with a hop's move and first read
   * in the middle (the requests before it fail with CONNECTIONLOSS unless answered, those after it
   * wait in the client's outgoing queue for the new server) and, with `close`, in the last burst
   * (no round after it: all done, or the next would start at or after `stopUs`) a closeSession
   * behind them all. The next round starts once every request is answered; any answer
   * is fine (a lost connection or session shows in the next round).
   */
  private burst(): void {
    const { depth, close } = this.o.pipeline!;
    // The last burst: no round after it (all done, or the next would start at or after stopUs).
    const gapUs = Math.max(1, this.o.gapMs) * 1000;
    const last = this.round >= this.o.rounds || this.sim.now + gapUs >= this.o.stopUs;
    const me = `/p-${this.client}`;
    const ops: Record<string, unknown>[] = [];
    for (let k = 0; k < depth; k++) {
      if (this.o.hop && k === Math.ceil(depth / 2)) ops.push({ op: 'reconnect' }, { op: 'getChildren', path: '/' });
      if (k === 0) ops.push({ op: 'create', path: me, data: '' });
      else if (k % 2 === 1) ops.push({ op: 'getData', path: me });
      else if (k % 4 === 2) ops.push({ op: 'setData', path: me, data: `${this.round}-${k}` });
      else ops.push({ op: 'create', path: `${me}/n-`, data: '', flags: CreateFlag.PERSISTENT_SEQUENTIAL });
    }
    const closing = close && last;
    if (closing) ops.push({ op: 'closeSession' });
    const epoch = ++this.epoch;
    let left = ops.length;
    const keys = ops.map((op) => {
      this.ops++;
      return this.ens.request(this.client, op, () => {
        if (epoch !== this.epoch || --left > 0) return;
        this.epoch++;
        if (closing) this.done = true;
        else this.sim.after(gapUs, () => this.nextRound());
      });
    });
    this.sim.after(this.o.watchdogUs, () => {
      if (epoch !== this.epoch) return;
      for (const k of keys) this.ens.forget(k);
      this.recover();
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
