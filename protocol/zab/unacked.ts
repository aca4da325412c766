/**
 * The proposals a learner has not acked yet, with when each was sent (LearnerHandler.SyncLimitCheck
 * only needs the oldest). Proposals are sent in zxid order and a learner acks them in log order, so
 * an ack almost always removes the front entry: two parallel arrays with a head index make that
 * O(1) without the Map churn of one insert and one delete per proposal per learner. An ack that is
 * not at the front is still handled (linear removal), so behaviour equals a zxid -> time Map.
 */
export class UnackedProposals {
  private zxids: number[] = [];
  private times: number[] = [];
  private head = 0;

  add(zxid: number, sentAt: number): void {
    this.zxids.push(zxid);
    this.times.push(sentAt);
  }

  ack(zxid: number): void {
    if (this.head < this.zxids.length && this.zxids[this.head] === zxid) {
      this.head++;
      if (this.head === this.zxids.length) this.clear();
      else if (this.head >= 1024 && this.head * 2 >= this.zxids.length) this.compact();
      return;
    }
    const i = this.zxids.indexOf(zxid, this.head);
    if (i < 0) return;
    this.zxids.splice(i, 1);
    this.times.splice(i, 1);
  }

  /** Send time of the oldest unacked proposal, or Infinity if none. */
  oldest(): number {
    return this.head < this.times.length ? this.times[this.head]! : Infinity;
  }

  private clear(): void {
    this.zxids = [];
    this.times = [];
    this.head = 0;
  }

  private compact(): void {
    this.zxids = this.zxids.slice(this.head);
    this.times = this.times.slice(this.head);
    this.head = 0;
  }
}
