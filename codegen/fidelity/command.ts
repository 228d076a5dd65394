/**
 * `npm run codegen -- fidelity --schema BUNDLE --reference TS_DIR [--format text|json]`:
 * how far the types we generate for a bundle are from the TypeScript ts-rs wrote for it.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatSchemaError } from "../errors.js";
import { defaultedParamsModes, type DefaultedParams } from "../emit/types/defaulted-properties.js";
import { displayPath } from "../load/paths.js";
import { fidelityFormats, type FidelityFormat } from "./format.js";

export interface FidelityIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export const FidelityExit = { ok: 0, inputError: 2, internalError: 3 } as const;

export const fidelityHelp = `Usage: thread-queue-codegen fidelity --schema BUNDLE --reference TS_DIR [options]

Generates the types for a schema (a bundle file or a schema directory) and compares each
type ts-rs wrote into TS_DIR with ours, by name, with the TypeScript compiler: equal when each
is assignable to the other after forgiving bigint vs number and optional vs nullable
(k?: T, k?: T | null and k: T | null read alike). Every remaining difference is listed with a
category and the JSON pointer of the schema element that causes it; types that differ only
through another differing type are listed as cascades. See docs/codex-fidelity.md.

  --schema PATH             the schema the types are generated from (required)
  --reference DIR           the folder ts-rs wrote (one <Name>.ts per type, a folder per
                            namespace) (required)
  --format text|json        report format (default: text)
  --defaulted-params required|optional
                            as for code generation (default: required)
  -h, --help                this text

Exit status: 0 the report was written (whatever it says), 2 bad arguments, schema errors or
an unreadable reference folder, 3 internal error.
`;

interface FidelityArgs {
  readonly schema: string;
  readonly reference: string;
  readonly format: FidelityFormat;
  readonly defaultedParams: DefaultedParams;
}

type Parsed = { ok: true; help: true } | { ok: true; help: false; args: FidelityArgs } | { ok: false; message: string };

export function parseFidelityArgs(argv: readonly string[]): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        schema: { type: "string" },
        reference: { type: "string" },
        format: { type: "string" },
        "defaulted-params": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (cause) {
    return { ok: false, message: `${(cause as Error).message}; see --help` };
  }
  if (values.help === true) return { ok: true, help: true };
  if (values.schema === undefined || values.schema === "") return { ok: false, message: "--schema PATH is required; see --help" };
  if (values.reference === undefined || values.reference === "") return { ok: false, message: "--reference DIR is required; see --help" };
  const format = fidelityFormats.find((known) => known === (values.format ?? "text"));
  if (format === undefined) return { ok: false, message: `--format must be one of ${fidelityFormats.join(", ")} (got "${values.format}")` };
  const defaultedParams = defaultedParamsModes.find((known) => known === (values["defaulted-params"] ?? "required"));
  if (defaultedParams === undefined) {
    return { ok: false, message: `--defaulted-params must be one of ${defaultedParamsModes.join(", ")} (got "${values["defaulted-params"]}")` };
  }
  return { ok: true, help: false, args: { schema: values.schema, reference: values.reference, format, defaultedParams } };
}

export async function runFidelityCommand(argv: readonly string[], io: FidelityIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (cause) {
    const detail = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    io.stderr(`codegen fidelity: internal error (a bug, please report it):\n${detail}\n`);
    return FidelityExit.internalError;
  }
}

async function run(argv: readonly string[], io: FidelityIo): Promise<number> {
  const parsed = parseFidelityArgs(argv);
  if (!parsed.ok) {
    io.stderr(`codegen fidelity: ${parsed.message}\n`);
    return FidelityExit.inputError;
  }
  if (parsed.help) {
    io.stdout(fidelityHelp);
    return FidelityExit.ok;
  }
  const { args } = parsed;
  const referenceDir = path.resolve(io.cwd, args.reference);
  const referenceLabel = displayPath(referenceDir, io.cwd);
  if (!(await isDirectory(referenceDir))) {
    io.stderr(`codegen fidelity: --reference ${referenceLabel} is not a folder; pass the folder ts-rs wrote (generate-ts --out DIR)\n`);
    return FidelityExit.inputError;
  }
  const { loadProtocol } = await import("../load/index.js");
  const loaded = await loadProtocol(args.schema, { cwd: io.cwd });
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr(`${formatSchemaError(error)}\n`);
    io.stderr(`codegen fidelity: ${loaded.errors.length} schema error(s) in ${args.schema}; nothing was compared.\n`);
    return FidelityExit.inputError;
  }
  const { readTypeScriptTree } = await import("./reference.js");
  const reference = await readTypeScriptTree(referenceDir);
  if (reference.length === 0) {
    io.stderr(`codegen fidelity: --reference ${referenceLabel} holds no .ts files\n`);
    return FidelityExit.inputError;
  }
  const { fidelityReport } = await import("./report.js");
  const { formatFidelity } = await import("./format.js");
  const report = fidelityReport({ model: loaded.model, reference, referenceLabel, options: { defaultedParams: args.defaultedParams } });
  io.stdout(formatFidelity(report, args.format));
  return FidelityExit.ok;
}

async function isDirectory(directory: string): Promise<boolean> {
  try {
    return (await stat(directory)).isDirectory();
  } catch {
    return false;
  }
}
