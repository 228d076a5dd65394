/** What each method was answered, counted across sessions: the report's table and JSON. */
import { ignoreKey, type Finding } from "./findings.js";

export interface MethodTally {
  valid: number;
  invalid: number;
  results: number;
  /** Error answers by code, with the first message seen for each. */
  readonly errors: Record<string, { count: number; example: string }>;
}

export class SessionStats {
  readonly methods = new Map<string, MethodTally>();
  readonly notifications = new Map<string, number>();
  /** Findings --ignore let pass, by "kind:method", with the first one's detail. */
  readonly ignoredFindings = new Map<string, { count: number; example: Finding }>();

  called(method: string, intent: "valid" | "invalid"): void {
    this.tally(method)[intent]++;
  }

  answered(method: string, answer: { result: true } | { code: number; message: string }): void {
    const tally = this.tally(method);
    if ("result" in answer) {
      tally.results++;
      return;
    }
    const entry = (tally.errors[String(answer.code)] ??= { count: 0, example: answer.message });
    entry.count++;
  }

  ignored(finding: Finding): void {
    const key = ignoreKey(finding);
    const entry = this.ignoredFindings.get(key) ?? { count: 0, example: finding };
    entry.count++;
    this.ignoredFindings.set(key, entry);
  }

  notified(method: string): void {
    this.notifications.set(method, (this.notifications.get(method) ?? 0) + 1);
  }

  /** Adds another session's counts into this one. */
  add(other: SessionStats): void {
    for (const [method, theirs] of other.methods) {
      const mine = this.tally(method);
      mine.valid += theirs.valid;
      mine.invalid += theirs.invalid;
      mine.results += theirs.results;
      for (const [code, entry] of Object.entries(theirs.errors)) {
        const target = (mine.errors[code] ??= { count: 0, example: entry.example });
        target.count += entry.count;
      }
    }
    for (const [method, count] of other.notifications) this.notifications.set(method, (this.notifications.get(method) ?? 0) + count);
    for (const [key, theirs] of other.ignoredFindings) {
      const mine = this.ignoredFindings.get(key) ?? { count: 0, example: theirs.example };
      mine.count += theirs.count;
      this.ignoredFindings.set(key, mine);
    }
  }

  get calls(): number {
    let total = 0;
    for (const tally of this.methods.values()) total += tally.valid + tally.invalid;
    return total;
  }

  private tally(method: string): MethodTally {
    let tally = this.methods.get(method);
    if (tally === undefined) {
      tally = { valid: 0, invalid: 0, results: 0, errors: {} };
      this.methods.set(method, tally);
    }
    return tally;
  }
}
