/**
 * `npm run codegen -- diff --base <git-ref|dir> …`: loads both sides with the codegen loader,
 * diffs them, prints the report and turns it into an exit code for CI.
 */
import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { formatSchemaError } from "../errors.js";
import { displayPath } from "../load/paths.js";
import { loadProtocol } from "../load/index.js";
import type { ProtocolModel } from "../model/model.js";
import { diffHelp, parseDiffArgs, type DiffArgs } from "./args.js";
import { diffModels } from "./diff.js";
import { formatGithub } from "./format/github.js";
import { failed, formatJson } from "./format/json.js";
import { formatText } from "./format/text.js";
import { gitFolderOf, materialiseAtRef, repositoryTop, resolveCommit } from "./git-base.js";
import { lineOfPointer } from "./pointer-line.js";
import type { DiffReport } from "./types.js";

export interface DiffIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export const DiffExit = { ok: 0, failed: 1, inputError: 2 } as const;

interface LoadedSide {
  readonly model: ProtocolModel;
  readonly cleanup: () => Promise<void>;
}

type SideResult = { readonly ok: true; readonly side: LoadedSide } | { readonly ok: false; readonly messages: string[] };

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function loadSide(label: string, schemaPath: string, cwd: string, cleanup: () => Promise<void>): Promise<SideResult> {
  const loaded = await loadProtocol(schemaPath, { cwd });
  if (loaded.ok) return { ok: true, side: { model: loaded.model, cleanup } };
  await cleanup();
  return {
    ok: false,
    messages: [
      ...loaded.errors.map((error) => `${label}: ${formatSchemaError(error)}`),
      `codegen diff: ${loaded.errors.length} schema error(s) in ${label}; nothing was compared.`,
    ],
  };
}

/** A path that exists is a directory or bundle; anything else must be a git ref. */
async function loadBase(args: DiffArgs, cwd: string): Promise<SideResult> {
  const none = async (): Promise<void> => undefined;
  if (await exists(path.resolve(cwd, args.base))) return loadSide(`base ${args.base}`, args.base, cwd, none);
  // The ref is one of the repository that holds the schema, wherever the command runs from.
  const top = await repositoryTop(gitFolderOf(path.resolve(cwd, args.schema)));
  const commit = top === undefined ? undefined : await resolveCommit(top, args.base);
  if (top === undefined || commit === undefined) {
    const where = top === undefined ? `--schema ${args.schema} is in no git repository` : `not a git ref of ${displayPath(top, cwd)}`;
    return {
      ok: false,
      messages: [`codegen diff: --base ${args.base} is neither an existing path nor a git ref (${where}; in CI, fetch the ref first: git fetch origin main)`],
    };
  }
  const materialised = await materialiseAtRef(cwd, top, args.base, commit, args.schema);
  if (!materialised.ok) return { ok: false, messages: [`codegen diff: ${materialised.message}`] };
  const { value } = materialised;
  return loadSide(`base ${args.base}`, value.schemaPath, value.cwd, () => value.cleanup());
}

async function render(report: DiffReport, args: DiffArgs, cwd: string): Promise<string> {
  switch (args.format) {
    case "json":
      return formatJson(report, { failOn: args.failOn });
    case "github": {
      // GitHub resolves annotation paths from the repository's root, not the job's directory.
      const top = await repositoryTop(gitFolderOf(path.resolve(cwd, args.schema)));
      return formatGithub(report, {
        failOn: args.failOn,
        fileOf: (file) => (top === undefined ? file : displayPath(path.resolve(cwd, file), top)),
        lineOf: (file, pointer) => {
          try {
            return lineOfPointer(readFileSync(path.resolve(cwd, file), "utf8"), pointer);
          } catch {
            return undefined;
          }
        },
      });
    }
    case "text":
      return formatText(report, { failOn: args.failOn });
  }
}

export async function runDiffCommand(argv: string[], io: DiffIo): Promise<number> {
  const parsed = parseDiffArgs(argv);
  if (!parsed.ok) {
    io.stderr(`codegen diff: ${parsed.message}\n`);
    return DiffExit.inputError;
  }
  if (parsed.help) {
    io.stdout(diffHelp);
    return DiffExit.ok;
  }
  const { args } = parsed;
  const base = await loadBase(args, io.cwd);
  if (!base.ok) {
    io.stderr(base.messages.join("\n") + "\n");
    return DiffExit.inputError;
  }
  try {
    const head = await loadSide(`head ${args.schema}`, args.schema, io.cwd, async () => undefined);
    if (!head.ok) {
      io.stderr(head.messages.join("\n") + "\n");
      return DiffExit.inputError;
    }
    const report = diffModels(base.side.model, head.side.model, {
      strictExperimental: args.strictExperimental,
      baseLabel: args.base,
      headLabel: args.schema,
    });
    io.stdout(await render(report, args, io.cwd));
    return failed(report, args.failOn) ? DiffExit.failed : DiffExit.ok;
  } finally {
    await base.side.cleanup();
  }
}
