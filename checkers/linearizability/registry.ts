/** The models the checker knows, by the name used on the command line and in VERDICTS.tsv. */
import { checkHistory } from './check.ts';
import type { CheckerSpec } from './check.ts';
import { casRegister } from './models/cas-register.ts';
import type { CasInput, CasOutput, RegisterValue } from './models/cas-register.ts';
import { kvSpec } from './models/kv.ts';
import { zkSpecFor } from './models/zookeeper/spec.ts';
import { parseCasEdn } from './parsers/cas-edn.ts';
import { parseEdnKv } from './parsers/edn-kv.ts';
import { InputLog } from './parsers/input-log.ts';
import type { InputOptions } from './parsers/input-log.ts';
import { parseJepsenLog } from './parsers/jepsen-log.ts';
import { parseZkHistory } from './parsers/zk-jsonl.ts';
import type { CheckOptions, CheckResult, Model, Operation } from './types.ts';

export interface ModelEntry {
  readonly name: string;
  readonly what: string;
  /**
   * Parses a file's text and checks it. Throws HistoryError on malformed input (under
   * `input.lenient`, lines that cannot be used are skipped and listed in the result's `input`).
   */
  check(text: string, file: string, options?: CheckOptions, input?: InputOptions): CheckResult;
}

/** A read whose result is unknown constrains nothing and changes nothing: it is left out of the
 *  search (any order with it is an order without it, and back). */
const casSpec = (initial: RegisterValue): CheckerSpec<CasInput, CasOutput> => ({
  whole: (ops) => ({
    label: 'register',
    ops: ops.filter((o) => !(o.input.f === 'read' && o.output.unknown)),
    model: casRegister(initial) as Model<unknown, CasInput, CasOutput>,
  }),
});

/** EDN starts with a map, a vector, a list, a tag or a comment; an etcd log with "INFO". */
const looksLikeEdn = (text: string): boolean => /^\s*[{[(#;]/.test(text);

function withInput(result: CheckResult, log: InputLog): CheckResult {
  return { ...result, input: log.notes() };
}

export const MODELS: readonly ModelEntry[] = [
  {
    name: 'cas-register',
    what: 'one compare-and-set register: Jepsen/Knossos EDN histories, or Jepsen etcd logs',
    check(text, file, options, input = {}) {
      const log = new InputLog(file, input.lenient);
      const ops: Operation<CasInput, CasOutput>[] = looksLikeEdn(text) ? parseCasEdn(text, log) : parseJepsenLog(text, log);
      return withInput(checkHistory(casSpec(input.initial ?? null), ops, options), log);
    },
  },
  {
    name: 'kv',
    what: 'EDN get/put/append on string keys, split per key',
    check(text, file, options, input = {}) {
      const log = new InputLog(file, input.lenient);
      return withInput(checkHistory(kvSpec, parseEdnKv(text, log), options), log);
    },
  },
  {
    name: 'zookeeper',
    what: 'zabsim JSONL client histories: ZooKeeper writes (reads are not checked here)',
    // An empty text is a valid, empty history here: the trace checker (checkers/linearizable.ts)
    // passes a run without client calls. The CLI refuses an empty file itself.
    check(text, file, options) {
      const h = parseZkHistory(text, file);
      return checkHistory(zkSpecFor(h.initial), h.ops, options);
    },
  },
];

export function findModel(name: string): ModelEntry | undefined {
  return MODELS.find((m) => m.name === name);
}
