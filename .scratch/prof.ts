import { readFileSync, readdirSync } from "node:fs";
const dir = process.argv[2]!;
const file = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => `${dir}/${f}`)[0]!;
const prof = JSON.parse(readFileSync(file, "utf8"));
const self = new Map<number, number>();
const dt = prof.timeDeltas as number[];
(prof.samples as number[]).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
const byId = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const agg = new Map<string, number>();
const total = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id);
  const key = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber}`;
  agg.set(key, (agg.get(key) ?? 0) + t);
  // inclusive
  const seen = new Set<string>();
  let cur: number | undefined = id;
  while (cur !== undefined) {
    const m = byId.get(cur);
    const k = `${m.callFrame.functionName || "(anon)"} ${m.callFrame.url.split("/").slice(-2).join("/")}:${m.callFrame.lineNumber}`;
    if (!seen.has(k)) { total.set(k, (total.get(k) ?? 0) + t); seen.add(k); }
    cur = parent.get(cur);
  }
}
const sum = [...self.values()].reduce((a, b) => a + b, 0);
console.log("total ms", (sum / 1000).toFixed(0));
console.log("--- self");
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / 1000).toFixed(0).padStart(7), k);
console.log("--- inclusive");
for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / 1000).toFixed(0).padStart(7), k);
