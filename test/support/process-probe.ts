/**
 * What a server process costs, read from Linux's /proc: resident memory (sampled for its peak
 * over a scenario) and CPU time (for the share of one core it used over a window). Tests that
 * bound these skip elsewhere, with `procUnavailable()` naming why.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** Why /proc readings are impossible here, or undefined when they work. */
export function procUnavailable(): string | undefined {
  if (process.platform !== "linux") return `/proc readings need Linux (this is ${process.platform})`;
  if (!existsSync(`/proc/${process.pid}/status`)) return "/proc is not mounted";
  return undefined;
}

/** Resident set size in bytes (VmRSS), or undefined once the process is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

let ticksPerSecond: number | undefined;

/** User + system CPU time the process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces), from its closing parenthesis on.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond;
}

/** The share of one core the process used over `windowMs` (0.05 = 5 %). */
export async function cpuShare(pid: number, windowMs: number): Promise<number> {
  const before = cpuSeconds(pid);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const elapsed = (performance.now() - started) / 1000;
  return (cpuSeconds(pid) - before) / elapsed;
}

/** Samples a process's resident memory every `intervalMs` until stopped; reports the peak. */
export class ResidentMemorySampler {
  private peakBytes = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  get peak(): number {
    return this.peakBytes;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes;
  }

  private sample(): void {
    const bytes = residentBytes(this.pid);
    if (bytes !== undefined && bytes > this.peakBytes) this.peakBytes = bytes;
  }
}

export const MiB = 1024 * 1024;
