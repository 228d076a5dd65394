// Entry of `npm run codegen`; everything testable lives in ./cli/main.ts.
import { main } from "./cli/main.js";

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
