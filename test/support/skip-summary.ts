/**
 * What `npm test` did not run and how to run it: a few lines at the end of the run, one per
 * missing requirement. A skipped test states its requirement either as its skip note
 * (`context.skip(note)`) or in its own or a parent suite's name, as "(needs …)" or
 * "(skipped: …)"; the requirements below add how to provide it. Kept free of vitest so that
 * the wording is tested on its own (skip-summary.test.ts).
 */

export interface SkippedTest {
  /** The module's path relative to the repository. */
  readonly file: string;
  /** Full name, suites included. */
  readonly name: string;
  /** Why, as the test states it (see above); undefined when it states nothing. */
  readonly reason: string | undefined;
}

interface Requirement {
  readonly what: string;
  readonly matches: RegExp;
  readonly howToEnable: string;
}

export const PG_HOW_TO_ENABLE =
  'set THREAD_QUEUE_TEST_PG_URL=postgres://USER@HOST:PORT/DB (a server where that user may create databases), or start a throw-away cluster here: eval "$(scripts/pg-test-cluster.sh start)" — stop it with scripts/pg-test-cluster.sh stop';

export const SHARED_HOW_TO_ENABLE =
  "put the reference material in ../shared next to this checkout: corpus/ holds upstream Codex's protocol schemas (`codex app-server generate-json-schema --experimental --out DIR` and `generate-ts` of the Codex CLI) and seed/ the queue change this project restates; the project's development machines and CI have it";

const REQUIREMENTS: readonly Requirement[] = [
  { what: "PostgreSQL", matches: /THREAD_QUEUE_TEST_PG_URL|PostgreSQL/i, howToEnable: PG_HOW_TO_ENABLE },
  { what: "the upstream corpus and the seed (../shared)", matches: /\/shared\b|\bcorpus\b|\bseed\b/i, howToEnable: SHARED_HOW_TO_ENABLE },
  { what: "prlimit", matches: /\bprlimit\b/, howToEnable: "install util-linux (it provides prlimit)" },
  { what: "mkfifo", matches: /\bmkfifo\b/, howToEnable: "install coreutils (it provides mkfifo)" },
  { what: "npm on PATH", matches: /\bnpm\b/, howToEnable: "run the tests through npm (npm test), or put npm on PATH" },
];

/** The requirement a test names: its skip note, else the first "(needs …)" / "(skipped: …)" of its names. */
export function statedReason(note: string | undefined, names: readonly string[]): string | undefined {
  if (note !== undefined && note.trim() !== "") return note.trim();
  for (const name of names) {
    const match = /\((?:needs|skipped:)\s*([^)]*)\)/.exec(name) ?? /^needs (.*)$/.exec(name);
    if (match?.[1] !== undefined) return match[1].trim();
  }
  return undefined;
}

/** The summary's lines; none when nothing was skipped for a stated reason or a missing requirement. */
export function summarizeSkips(skipped: readonly SkippedTest[], options: { includeUnexplained: boolean }): string[] {
  const groups = new Map<string, { howToEnable: string | undefined; tests: SkippedTest[] }>();
  for (const test of skipped) {
    if (test.reason === undefined && !options.includeUnexplained) continue;
    const requirement = test.reason === undefined ? undefined : REQUIREMENTS.find((each) => each.matches.test(test.reason ?? ""));
    const key = requirement?.what ?? test.reason ?? "no reason given";
    const group = groups.get(key) ?? { howToEnable: requirement?.howToEnable, tests: [] };
    group.tests.push(test);
    groups.set(key, group);
  }
  if (groups.size === 0) return [];
  const total = [...groups.values()].reduce((sum, group) => sum + group.tests.length, 0);
  const lines = [`Skipped ${total} test${total === 1 ? "" : "s"} — what is missing, and how to run them:`];
  for (const [what, { howToEnable, tests }] of groups) {
    const files = new Set(tests.map((test) => test.file)).size;
    const count = `${tests.length} test${tests.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}`;
    if (howToEnable !== undefined) lines.push(`  - ${what} (${count}): ${howToEnable}`);
    else lines.push(`  - ${what} (${count}, e.g. ${tests[0]?.file} › ${tests[0]?.name})`);
  }
  return lines;
}
