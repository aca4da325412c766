/**
 * The exit codes a ZooKeeper 3.8 server process ends with (org.apache.zookeeper.server.ExitCode)
 * where the model can end it: a `halt` effect (protocol/contract.ts) carries one.
 */

/** ExitCode.EXECUTION_FINISHED: a standalone server (ZooKeeperServerMain) whose state went to ERROR
 *  (its SyncRequestProcessor died) shuts down and exits "normally". */
export const EXIT_EXECUTION_FINISHED = 0;

/** ExitCode.TXNLOG_ERROR_TAKING_SNAPSHOT: ZooKeeperServer.takeSnapshot got an IOException. */
export const EXIT_SNAPSHOT_ERROR = 10;

/** ExitCode.QUORUM_PACKET_ERROR: Learner.syncWithLeader could not truncate its log for a TRUNC. */
export const EXIT_QUORUM_PACKET_ERROR = 13;
