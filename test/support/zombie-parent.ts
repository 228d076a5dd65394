/**
 * Runs a command as the child of a parent that does not reap it until told to, so that once the
 * command dies it lingers as a zombie (state `Z`), as a SIGKILLed server does in a container
 * whose init never reaps. Node cannot play that parent (libuv reaps its children at once), so a
 * three-line perl script does; tests skip, naming perl, where there is none.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";

const PERL_PARENT = [
  "$| = 1;",
  "my $pid = fork(); die \"fork: $!\" unless defined $pid;",
  "if ($pid == 0) { exec @ARGV or die \"exec: $!\"; }",
  "print \"$pid\\n\"; <STDIN>; waitpid($pid, 0);",
].join(" ");

/** Why zombie tests cannot run here, or undefined when they can. */
export function zombieParentUnavailable(): string | undefined {
  if (process.platform !== "linux") return "zombie processes are read from /proc (Linux only)";
  return spawnSync("perl", ["-e", "exit 0"]).status === 0 ? undefined : "perl not found (it plays the parent that does not reap)";
}

export class ZombieParent {
  private constructor(
    private readonly parent: ChildProcess,
    /** The command's process: alive, then (once it dies) a zombie until `reap`. */
    readonly pid: number,
  ) {}

  /** Starts `command args…` under the non-reaping parent; its stderr is the parent's (piped). */
  static async start(command: string, args: readonly string[]): Promise<{ holder: ZombieParent; stderr: NodeJS.ReadableStream }> {
    const parent = spawn("perl", ["-e", PERL_PARENT, command, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        const line = /^(\d+)\n/.exec(out);
        if (line?.[1] !== undefined) resolve(Number(line[1]));
      });
      parent.once("exit", (code) => reject(new Error(`the perl parent exited with ${String(code)} before naming its child`)));
    });
    if (parent.stderr === null) throw new Error("the perl parent has no stderr pipe");
    return { holder: new ZombieParent(parent, pid), stderr: parent.stderr };
  }

  /** Lets the parent reap its child (SIGKILLing it first if it still runs) and waits for the parent. */
  async reap(): Promise<void> {
    if (this.parent.exitCode !== null || this.parent.signalCode !== null) return;
    try {
      process.kill(this.pid, "SIGKILL");
    } catch {
      // Already dead (a zombie, or reaped): nothing to kill.
    }
    const exited = once(this.parent, "exit");
    this.parent.stdin?.end();
    await exited;
  }
}
