/** node-zookeeper-client ships no types; fidelity/realCluster.ts declares the little it uses (ZkClient). */
declare module 'node-zookeeper-client';
