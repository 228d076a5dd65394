/**
 * A probe run: `runs` sessions of generated calls against fresh servers, through fast-check so
 * that a seed replays it and a failure is shrunk to the shortest sequence that still shows the
 * same fault (same kind, same method); then the transcript of that sequence.
 */
import fc from "fast-check";
import type { MethodSpec, ProtocolModel } from "../model/model.js";
import { signatureOf, type Finding, type FindingFilter } from "./findings.js";
import { planMethods, SessionArbitrary, type MethodPlan } from "./generation.js";
import { MethodIndex } from "./methods.js";
import { DEFAULT_LIMITS, ParamsArbitraries } from "./params-arbitrary.js";
import { recordedEntry, stepEntry, type Step } from "./script.js";
import type { ServerCommand } from "./server-command.js";
import { ServerStartError } from "./server-under-test.js";
import { runSession, type SessionConfig, type SessionOutcome } from "./session.js";
import { SessionStats } from "./stats.js";
import type { SendEvent, TranscriptEvent } from "./transcript.js";
import { ProtocolValidators } from "./validators.js";

/** How to reach and judge the server: a session's settings, with the model they come from. */
export interface TargetSettings extends Omit<SessionConfig, "methods" | "validators"> {
  readonly model: ProtocolModel;
}

export interface ProbeSettings extends TargetSettings {
  readonly methods: readonly MethodSpec[];
  readonly init: readonly SendEvent[];
  readonly runs: number;
  readonly calls: number;
  readonly seed: number;
  /** Most sessions shrinking may run; then the shortest failing sequence so far is reported. */
  readonly shrinkBudget: number;
  /** Called after each session of the search (not of shrinking): progress for long runs. */
  readonly onSession?: (index: number, outcome: SessionOutcome) => void;
}

export interface ProbeFailure {
  readonly finding: Finding;
  /** The shrunk session's events, ready for the transcript. */
  readonly events: readonly TranscriptEvent[];
  /** Calls in the shrunk sequence, and in the session that first failed. */
  readonly shrunkCalls: number;
  readonly originalCalls: number;
  readonly shrinks: number;
  /** Sessions run while shrinking, failing or not. */
  readonly shrinkSessions: number;
  /** Shrinking stopped at the budget rather than at a minimum. */
  readonly budgetSpent: boolean;
  /** Other faults met while shrinking (different kind or method); each deserves its own run. */
  readonly otherFindings: readonly Finding[];
}

export interface ProbeReport {
  readonly seed: number;
  readonly runs: number;
  readonly sessions: number;
  /** Calls sent in the search, shrinking not counted. */
  readonly calls: number;
  readonly stats: SessionStats;
  readonly skippedMethods: readonly { readonly method: string; readonly reason: string }[];
  readonly failure: ProbeFailure | undefined;
}

export async function runProbe(settings: ProbeSettings): Promise<ProbeReport> {
  const config = sessionConfig(settings);
  const plans = planMethods(settings.methods, new ParamsArbitraries(settings.model, DEFAULT_LIMITS));
  const usable = plans.filter((plan): plan is MethodPlan & { arbitrary: fc.Arbitrary<Step> } => plan.arbitrary !== undefined);
  const skippedMethods = plans.filter((plan) => plan.arbitrary === undefined).map((plan) => ({ method: plan.method.method, reason: plan.problem ?? "" }));
  if (usable.length === 0) throw new ProbeInputError("no method left to call: check --methods (and the skipped methods' reasons)");

  const init = settings.init.map((event) => recordedEntry(event, "init"));
  const failedAt = new WeakMap<readonly Step[], number>();
  const searchStats = new SessionStats();
  let sessions = 0;
  let shrinkSessions = 0;
  let budgetSpent = false;
  let searchCalls = 0;
  let searching = true;
  let target: string | undefined;
  let firstFailureCalls = 0;
  let latest: { steps: readonly Step[]; outcome: SessionOutcome } | undefined;
  const others = new Map<string, Finding>();
  let setupError: Error | undefined;

  const property = fc.asyncProperty(
    new SessionArbitrary(fc.oneof(...usable.map((plan) => plan.arbitrary)), settings.calls, failedAt),
    async (steps) => {
      if (setupError !== undefined) return true;
      // Past the budget every remaining candidate counts as "does not fail", which fast-check
      // runs through without a server: the shortest failing sequence so far stands.
      if (!searching && shrinkSessions >= settings.shrinkBudget) {
        budgetSpent = true;
        return true;
      }
      let outcome: SessionOutcome;
      try {
        outcome = await runSession([...init, ...steps.map(stepEntry)], config);
      } catch (error) {
        if (!(error instanceof ServerStartError)) throw error;
        // Nothing can be learnt from a server that does not start; during shrinking it only
        // means this candidate does not show the fault.
        if (searching) setupError = error;
        return true;
      }
      if (!searching) shrinkSessions++;
      if (searching) {
        sessions++;
        searchCalls += outcome.callsSent;
        searchStats.add(outcome.stats);
        settings.onSession?.(sessions, outcome);
      }
      const finding = outcome.findings[0];
      if (finding === undefined) return true;
      const signature = signatureOf(finding);
      if (target !== undefined && signature !== target) {
        // Another fault: a candidate that does not show the one being shrunk.
        if (!others.has(signature)) others.set(signature, finding);
        return true;
      }
      if (target === undefined) {
        target = signature;
        firstFailureCalls = outcome.callsSent;
        searching = false;
      }
      failedAt.set(steps, finding.step);
      latest = { steps, outcome };
      return false;
    },
  );
  const details = await fc.check(property, { numRuns: settings.runs, seed: settings.seed, endOnFailure: false });
  if (setupError !== undefined) throw setupError;
  if (details.errorInstance !== null && details.errorInstance !== undefined && latest === undefined) throw details.errorInstance;

  let failure: ProbeFailure | undefined;
  if (details.failed && latest !== undefined) {
    // fast-check moves on to each failing candidate, so the last failing session it ran with
    // the target fault is the counterexample it reports.
    const final = latest.outcome;
    const finding = final.findings[0]!;
    failure = {
      finding,
      events: final.events,
      shrunkCalls: final.callsSent,
      originalCalls: firstFailureCalls,
      shrinks: details.numShrinks,
      shrinkSessions,
      budgetSpent,
      otherFindings: [...others.values()],
    };
  }
  return {
    seed: settings.seed,
    runs: settings.runs,
    sessions,
    calls: searchCalls,
    stats: searchStats,
    skippedMethods,
    failure,
  };
}

/** Replays a transcript's messages against a fresh server, with the same checks. */
export async function replayTranscript(settings: TargetSettings, sends: readonly SendEvent[]): Promise<SessionOutcome> {
  const script = sends.map((event) => recordedEntry(event, event.intent === "init" ? "init" : "call"));
  return runSession(script, sessionConfig(settings));
}

/** A problem with what the user asked for (exit 2), not a finding. */
export class ProbeInputError extends Error {
  override readonly name = "ProbeInputError";
}

function sessionConfig(settings: TargetSettings): SessionConfig {
  const { model, ...target } = settings;
  return { ...target, methods: new MethodIndex(model), validators: new ProtocolValidators(model) };
}
