// Entry of `npm run codegen`; everything testable lives in ./cli/main.ts and ./diff/command.ts.
import { main } from "./cli/main.js";
import { runDiffCommand } from "./diff/command.js";

const io = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
  cwd: process.cwd(),
};
const [first, ...rest] = process.argv.slice(2);
process.exitCode = first === "diff" ? await runDiffCommand(rest, io) : await main(process.argv.slice(2), io);
