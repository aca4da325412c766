/**
 * The vote order (FastLeaderElection.totalOrderPredicate): does the new vote beat the current one?
 * Higher peerEpoch wins; on equal epochs the higher zxid; on equal zxids the higher server id.
 * The "is the candidate a voter at all" (weight 0) check lives in the election, which knows the
 * quorum configuration.
 */
export function totalOrderPredicate(
  newId: number,
  newZxid: number,
  newEpoch: number,
  curId: number,
  curZxid: number,
  curEpoch: number,
): boolean {
  if (newEpoch !== curEpoch) return newEpoch > curEpoch;
  if (newZxid !== curZxid) return newZxid > curZxid;
  return newId > curId;
}

/**
 * The order before ZOOKEEPER-1419 was fixed (a test-only fault): the sid tie-break is applied to
 * equal zxids even when the epochs differ, so two votes can each beat the other and elections with
 * mixed epochs flip-flop or settle on a server that is not the greatest.
 */
export function totalOrderPredicate1419(
  newId: number,
  newZxid: number,
  newEpoch: number,
  curId: number,
  curZxid: number,
  curEpoch: number,
): boolean {
  return (
    newEpoch > curEpoch ||
    (newEpoch === curEpoch && newZxid > curZxid) ||
    (newZxid === curZxid && newId > curId)
  );
}
