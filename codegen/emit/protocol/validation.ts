/**
 * protocol/validation.ts: the fixed helpers through which the dispatcher, the notification
 * sender and the client run the generated validators and turn a failure into one readable
 * line ("/limit must be <= 4294967295") plus the full list of issues.
 */
import type ts from "typescript";
import { parseStatements } from "./printing.js";

const source = `
import type { ValidationIssue, ValidationResult } from "../validators/index.js";

/** A generated validator (\`validate<Name>\` from validators/). */
export type Validator = (value: unknown) => ValidationResult;

/** A value that failed its validator: the first issue as text, and every issue. */
export interface ValidationProblem {
  readonly message: string;
  readonly errors: ValidationIssue[];
}

/** Runs \`validate\`, when there is one, on \`value\`; undefined when the value passes. */
export function problemOf(validate: Validator | undefined, value: unknown): ValidationProblem | undefined {
  if (validate === undefined) return undefined;
  const outcome = validate(value);
  if (outcome.ok) return undefined;
  return { message: describeIssue(outcome.errors[0]), errors: outcome.errors };
}

const ABSENT: ValidationResult = Object.freeze({ ok: true });

/**
 * The check of params a peer may leave out (MCP's \`ping\`): a message without params passes,
 * params that are there are validated in full (\`null\` included, which JSON-RPC does not allow).
 */
export function allowAbsent(validate: Validator): Validator {
  return (value) => (value === undefined ? ABSENT : validate(value));
}

/** "/limit must be <= 4294967295"; the pointer is left out when the value itself is wrong. */
export function describeIssue(issue: ValidationIssue | undefined): string {
  if (issue === undefined) return "does not match its schema";
  return issue.instancePath === "" ? issue.message : \`\${issue.instancePath} \${issue.message}\`;
}
`;

export function validationFileStatements(): ts.Statement[] {
  return parseStatements("protocol/validation.ts", source);
}
