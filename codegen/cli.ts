// Entry of the thread-queue-codegen bin and of `npm run codegen`; everything testable lives in
// ./cli/main.ts and the verbs' modules (./diff/command.ts, ./fidelity/command.ts, ./probe/command.ts).
// Each is imported only when its command runs: a start-up cost paid on every invocation.
const io = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
  cwd: process.cwd(),
};
const [first, ...rest] = process.argv.slice(2);
process.exitCode =
  first === "diff"
    ? await (await import("./diff/command.js")).runDiffCommand(rest, io)
    : first === "fidelity"
      ? await (await import("./fidelity/command.js")).runFidelityCommand(rest, io)
      : first === "probe"
        ? await (await import("./probe/command.js")).runProbeCommand(rest, io)
        : await (await import("./cli/main.js")).main(process.argv.slice(2), io);
