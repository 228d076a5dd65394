/** The flags of `codegen diff`, parsed without side effects so they can be tested alone. */
import type { Severity } from "./types.js";

export type OutputFormat = "text" | "json" | "github";

export interface DiffArgs {
  readonly base: string;
  readonly schema: string;
  readonly format: OutputFormat;
  readonly failOn: Severity | "none";
  readonly strictExperimental: boolean;
}

export type ParsedDiffArgs =
  | { readonly ok: true; readonly help: true }
  | { readonly ok: true; readonly help: false; readonly args: DiffArgs }
  | { readonly ok: false; readonly message: string };

export const diffHelp = `Usage: thread-queue-codegen diff --base <git-ref|dir|bundle> [options]

Classifies every protocol change between the base and the working schemas as breaking,
warning or safe, judged from the side of the peer that reads each message.

  --base REF|PATH          old side: a git ref (its --schema path is read from git) or a
                           schema directory / bundle file (a path that exists wins)
  --schema PATH            new side (default: schema)
  --format text|json|github
                           report format (default: text); json is version 1, see
                           docs/protocol-evolution.md
  --fail-on breaking|warning|safe|none
                           exit 1 when a change at or above this severity is found
                           (default: breaking)
  --strict-experimental    count changes reached only from experimental methods in full
                           (otherwise they are warnings at most)
  -h, --help               this text

Exit status: 0 nothing at or above --fail-on, 1 something is, 2 bad arguments, schema
errors on either side, or a base that cannot be read.
`;

const FORMATS: readonly OutputFormat[] = ["text", "json", "github"];
const THRESHOLDS: readonly (Severity | "none")[] = ["breaking", "warning", "safe", "none"];

export function parseDiffArgs(argv: readonly string[]): ParsedDiffArgs {
  let base: string | undefined;
  let schema = "schema";
  let format: OutputFormat = "text";
  let failOn: Severity | "none" = "breaking";
  let strictExperimental = false;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? "";
    const [flag, inline] = argument.startsWith("--") && argument.includes("=")
      ? [argument.slice(0, argument.indexOf("=")), argument.slice(argument.indexOf("=") + 1)]
      : [argument, undefined];
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      index += 1;
      return argv[index];
    };
    switch (flag) {
      case "-h":
      case "--help":
        return { ok: true, help: true };
      case "--strict-experimental":
        strictExperimental = true;
        break;
      case "--base":
      case "--schema":
      case "--format":
      case "--fail-on": {
        const given = value();
        if (given === undefined || given === "") return { ok: false, message: `${flag} needs a value` };
        if (flag === "--base") base = given;
        else if (flag === "--schema") schema = given;
        else if (flag === "--format") {
          const known = FORMATS.find((entry) => entry === given);
          if (known === undefined) return { ok: false, message: `--format must be one of ${FORMATS.join(", ")} (got "${given}")` };
          format = known;
        } else {
          const known = THRESHOLDS.find((entry) => entry === given);
          if (known === undefined) return { ok: false, message: `--fail-on must be one of ${THRESHOLDS.join(", ")} (got "${given}")` };
          failOn = known;
        }
        break;
      }
      default:
        return { ok: false, message: `unknown argument "${argument}" (see --help)` };
    }
  }
  if (base === undefined) return { ok: false, message: "--base is required: a git ref (e.g. origin/main) or a schema directory or bundle file" };
  return { ok: true, help: false, args: { base, schema, format, failOn, strictExperimental } };
}
