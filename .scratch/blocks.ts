import { readFileSync, readdirSync } from "node:fs";
const dir = process.argv[2]!;
const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => `${dir}/${f}`);
const prof = JSON.parse(readFileSync(files[0]!, "utf8"));
const byId = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (id: number) => { const n = byId.get(id); return `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-2).join("/")}`; };
const stack = (id: number) => { const out: string[] = []; let c: number | undefined = id; while (c !== undefined) { out.push(name(c)); c = parent.get(c); } return out; };
let t = prof.startTime; let runStart = -1; let runFuncs = new Map<string, number>(); const runs: { start: number; len: number; top: string }[] = [];
prof.samples.forEach((id: number, i: number) => {
  t += prof.timeDeltas[i];
  const idle = name(id).startsWith("(idle)");
  if (!idle) { if (runStart < 0) { runStart = t; runFuncs = new Map(); } for (const f of new Set(stack(id))) runFuncs.set(f, (runFuncs.get(f) ?? 0) + prof.timeDeltas[i]); }
  else if (runStart >= 0) { const top = [...runFuncs].sort((a, b) => b[1] - a[1]).filter(([k]) => !/root|processImmediate|processTicks|runMicrotasks/.test(k)).slice(0, 8).map(([k, v]) => `${k}=${(v/1000).toFixed(0)}`).join(", "); runs.push({ start: (runStart - prof.startTime) / 1000, len: (t - runStart) / 1000, top }); runStart = -1; }
});
for (const r of runs.sort((a, b) => b.len - a.len).slice(0, Number(process.env.TOP ?? 8))) console.log(r.len.toFixed(0).padStart(5), "ms at", r.start.toFixed(0), ":", r.top);
