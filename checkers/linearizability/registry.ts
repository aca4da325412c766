/** The models the checker knows, by the name used on the command line and in VERDICTS.tsv. */
import { checkHistory } from './check.ts';
import type { CheckerSpec } from './check.ts';
import { casRegisterModel } from './models/cas-register.ts';
import type { CasInput, CasOutput } from './models/cas-register.ts';
import { kvSpec } from './models/kv.ts';
import { zkSpecFor } from './models/zookeeper/spec.ts';
import { parseEdnKv } from './parsers/edn-kv.ts';
import { parseJepsenLog } from './parsers/jepsen-log.ts';
import { parseZkHistory } from './parsers/zk-jsonl.ts';
import type { CheckOptions, CheckResult, Model } from './types.ts';

export interface ModelEntry {
  readonly name: string;
  readonly what: string;
  /** Parses a file's text and checks it. Throws HistoryError on malformed input. */
  check(text: string, file: string, options?: CheckOptions): CheckResult;
}

const casSpec: CheckerSpec<CasInput, CasOutput> = {
  whole: (ops) => ({ label: 'register', ops, model: casRegisterModel as Model<unknown, CasInput, CasOutput> }),
};

export const MODELS: readonly ModelEntry[] = [
  {
    name: 'cas-register',
    what: 'Jepsen etcd logs: one compare-and-set register',
    check: (text, file, options) => checkHistory(casSpec, parseJepsenLog(text, file), options),
  },
  {
    name: 'kv',
    what: 'EDN lines: get/put/append, split per key',
    check: (text, file, options) => checkHistory(kvSpec, parseEdnKv(text, file), options),
  },
  {
    name: 'zookeeper',
    what: 'zabsim JSONL client histories: ZooKeeper writes (reads are not checked here)',
    check(text, file, options) {
      const h = parseZkHistory(text, file);
      return checkHistory(zkSpecFor(h.initial), h.ops, options);
    },
  },
];

export function findModel(name: string): ModelEntry | undefined {
  return MODELS.find((m) => m.name === name);
}
