/**
 * The kernel's TCP model: one `Conn` per connection a node opened (`connect` effect), with the
 * state of its two ends. The segments that travel on it are queued events (`EV_SEG` in
 * simulation.ts) whose kind is one of `Seg`; the rules they follow are `ConnId`'s in
 * `protocol/contract.ts` and are written down in sim/README.md (What it models: Connections).
 */
import type { ConnId, Port } from '../protocol/contract.ts';
import type { NodeSlot } from './node-slot.ts';

/** What travels on a connection. */
export const SEG_SYN = 'syn';
/** The acceptor's answer: the opener's `connected`. */
export const SEG_SYNACK = 'synack';
export const SEG_DATA = 'data';
export const SEG_FIN = 'fin';
/** The other process has no open end (died, restarted, closed it), or broke the connection. */
export const SEG_RST = 'rst';
/** The SYN found nobody listening (or the node down). */
export const SEG_REFUSE = 'refuse';

/** End 0 is the opener's, end 1 the acceptor's. */
export const OPENER = 0;
export const ACCEPTOR = 1;

export class Conn {
  /** The process (incarnation) each end belongs to; -1 for the acceptor's end until it accepts. */
  readonly incs: [number, number];
  /** Each end is open: accepted (or opened) and neither closed by its node nor told closed/lost. */
  readonly open: [boolean, boolean];
  /** A segment toward this end was dropped by the network: the end hears `lost {broken}` in place
   *  of the next segment that reaches it. */
  readonly broken: [boolean, boolean] = [false, false];
  /** Arrival time of the latest segment toward each end (FIFO even on a link that reorders). */
  readonly last: [number, number] = [0, 0];

  constructor(
    readonly id: ConnId,
    /** [opener, acceptor]; [opener, opener] for a connect to a node that does not exist. */
    readonly ends: readonly [NodeSlot, NodeSlot],
    openerInc: number,
    readonly port: Port,
    /** The id of the node that does not exist (the connect is refused), else null. */
    readonly unknownTo: string | null = null,
  ) {
    this.incs = [openerInc, -1];
    this.open = [true, false];
  }

  /** Which end `slot`'s current process holds (open or not), or -1. */
  endOf(slot: NodeSlot): number {
    if (this.ends[OPENER] === slot && this.incs[OPENER] === slot.inc) return OPENER;
    if (this.ends[ACCEPTOR] === slot && this.incs[ACCEPTOR] === slot.inc) return ACCEPTOR;
    return -1;
  }

  /** End `end` is open and belongs to its node's current process. */
  isOpen(end: number): boolean {
    const slot = this.ends[end] as NodeSlot;
    return this.open[end] === true && this.incs[end] === slot.inc && slot.up;
  }
}
