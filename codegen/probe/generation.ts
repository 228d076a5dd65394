/**
 * The generated side of a run: one fast-check arbitrary per selected method (valid params,
 * or valid params plus a mutation), and the session arbitrary: a fixed number of calls per
 * session, which shrinks like a list (dropping calls) and then call by call.
 */
import fc from "fast-check";
import type { MethodSpec } from "../model/model.js";
import { ParamsArbitraries, UngeneratableSchemaError } from "./params-arbitrary.js";
import type { Step } from "./script.js";

export interface MethodPlan {
  readonly method: MethodSpec;
  /** Undefined when the params schema cannot be generated; the reason is reported. */
  readonly arbitrary: fc.Arbitrary<Step> | undefined;
  readonly problem?: string;
}

/** One in three calls is mutated into invalid params (methods without params are never). */
const INVALID_WEIGHT = 1;
const VALID_WEIGHT = 2;

export function planMethods(methods: readonly MethodSpec[], params: ParamsArbitraries): MethodPlan[] {
  return methods.map((method) => {
    const request = method.kind === "request";
    if (method.params === null) return { method, arbitrary: fc.constant<Step>({ method: method.method, request, params: undefined, mutate: undefined }) };
    try {
      const values = params.forType(method.params);
      const mutate = fc.oneof(
        { weight: VALID_WEIGHT, arbitrary: fc.constant(undefined) },
        { weight: INVALID_WEIGHT, arbitrary: fc.record({ site: fc.nat(), variant: fc.nat() }) },
      );
      const arbitrary = fc.record({ params: values, mutate }).map(({ params: generated, mutate: choice }): Step => ({
        method: method.method,
        request,
        params: generated,
        mutate: choice,
      }));
      return { method, arbitrary };
    } catch (error) {
      if (!(error instanceof UngeneratableSchemaError)) throw error;
      return { method, arbitrary: undefined, problem: error.message };
    }
  });
}

/**
 * Sessions of exactly `length` calls. fast-check's own arrays choose their length at random,
 * which makes the number of calls a run makes a matter of luck; here `--runs` × `--calls` is
 * the number of calls, and shrinking still goes down to a single call.
 *
 * `failedAt` tells the shrinker where a failing session stopped: the calls after that point
 * never ran, so the first candidate drops them all at once.
 */
export class SessionArbitrary extends fc.Arbitrary<readonly Step[]> {
  constructor(
    private readonly step: fc.Arbitrary<Step>,
    private readonly length: number,
    private readonly failedAt: WeakMap<readonly Step[], number>,
  ) {
    super();
  }

  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<readonly Step[]> {
    const parts: fc.Value<Step>[] = [];
    for (let index = 0; index < this.length; index++) parts.push(this.step.generate(random, biasFactor));
    return sessionValue(parts);
  }

  canShrinkWithoutContext(value: unknown): value is readonly Step[] {
    return false;
  }

  shrink(value: readonly Step[], context: unknown): fc.Stream<fc.Value<readonly Step[]>> {
    const parts = context as readonly fc.Value<Step>[] | undefined;
    if (parts === undefined) return fc.Stream.nil();
    return fc.stream(this.candidates(parts, this.failedAt.get(value)));
  }

  private *candidates(parts: readonly fc.Value<Step>[], failedAt: number | undefined): Generator<fc.Value<readonly Step[]>> {
    if (failedAt !== undefined && failedAt + 1 < parts.length) {
      yield sessionValue(parts.slice(0, Math.max(0, failedAt + 1)));
    }
    // Most faults need no history: the failing call alone.
    if (failedAt !== undefined && failedAt > 0 && failedAt < parts.length) yield sessionValue([parts[failedAt]!]);
    // Drop ever smaller runs of calls, keeping the last call (usually the one that failed).
    for (let size = Math.floor(parts.length / 2); size >= 1; size = Math.floor(size / 2)) {
      for (let start = 0; start + size < parts.length; start += size) {
        yield sessionValue([...parts.slice(0, start), ...parts.slice(start + size)]);
      }
    }
    if (parts.length > 0) yield sessionValue(parts.slice(0, -1));
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      for (const smaller of this.step.shrink(part.value, part.context)) {
        yield sessionValue([...parts.slice(0, index), smaller, ...parts.slice(index + 1)]);
      }
    }
  }
}

function sessionValue(parts: readonly fc.Value<Step>[]): fc.Value<readonly Step[]> {
  return new fc.Value(
    parts.map((part) => part.value),
    parts,
  );
}
