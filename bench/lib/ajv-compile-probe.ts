/**
 * Run as a child process by the codegen-corpus benchmark: loads a schema, then prints how long
 * the validators emitter's ajv step alone (compileValidators: one ajv, every type compiled,
 * standalone code printed) takes, in ms. That step is the floor of a full codegen run however
 * fast everything around it gets, which is what the benchmark's `ajv-compile` figure shows.
 */
import { loadProtocol } from "../../codegen/load/index.js";
import { compileValidators } from "../../codegen/emit/validators/compile.js";

const schema = process.argv[2];
if (schema === undefined) throw new Error("usage: ajv-compile-probe.ts <schema>");
const loaded = await loadProtocol(schema, { cwd: process.cwd() });
if (!loaded.ok) throw new Error(`${schema} does not load: ${loaded.errors[0]?.message ?? "?"}`);
const started = performance.now();
compileValidators(loaded.model);
process.stdout.write(`${performance.now() - started}\n`);
