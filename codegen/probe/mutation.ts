/**
 * Targeted mutations: one change that makes a valid params value invalid in a named way
 * (a required field removed, a wrong type, an integer outside its schemars format, an enum
 * value that does not exist, a property `additionalProperties: false` forbids).
 */
import { isJsonObject } from "../load/json-pointer.js";
import { jsonKindOf, pointerOf, type JsonKind, type JsonValue, type MutationSite, type ValuePath } from "./template.js";

/** Which site and which variant of it; both taken modulo what the value offers. */
export interface MutationChoice {
  readonly site: number;
  readonly variant: number;
}

export interface AppliedMutation {
  readonly params: JsonValue;
  /** "missing required threadId at /turnStartParams", for transcripts and reports. */
  readonly description: string;
  /** The part of the value that was replaced or removed. */
  readonly touched: ValuePath;
}

/** A value of each JSON kind, for "wrong type"; each is far from anything a schema would coerce. */
const WRONG_VALUES: readonly { readonly kind: JsonKind; readonly value: JsonValue }[] = [
  { kind: "string", value: "probe-wrong-type" },
  { kind: "integer", value: 7 },
  { kind: "boolean", value: true },
  { kind: "null", value: null },
  { kind: "array", value: [] },
  { kind: "object", value: {} },
  { kind: "number", value: 2.5 },
];

/**
 * Applies the chosen site's mutation, or the next site that still applies (a value from the
 * pool may have replaced the part of the tree a site pointed into); undefined when none does.
 */
export function applyMutation(params: JsonValue, sites: readonly MutationSite[], choice: MutationChoice): AppliedMutation | undefined {
  for (let offset = 0; offset < sites.length; offset++) {
    const site = sites[(choice.site + offset) % sites.length]!;
    const applied = applySite(params, site, choice.variant);
    if (applied !== undefined) return applied;
  }
  return undefined;
}

function applySite(params: JsonValue, site: MutationSite, variant: number): AppliedMutation | undefined {
  const where = site.path.length === 0 ? "params" : pointerOf(site.path);
  switch (site.kind) {
    case "missing-required":
      return editObject(params, site.path, (object) => {
        if (!Object.hasOwn(object, site.property)) return undefined;
        const { [site.property]: _removed, ...rest } = object;
        return { value: rest, description: `missing required ${JSON.stringify(site.property)} at ${where}`, touched: [...site.path, site.property] };
      });
    case "extra-property":
      return editObject(params, site.path, (object) => ({
        value: { ...object, [site.property]: 1 },
        description: `extra property ${JSON.stringify(site.property)} at ${where} (additionalProperties: false)`,
        touched: [...site.path, site.property],
      }));
    case "wrong-type": {
      // JSON-RPC only lets params be an object or an array; any other value there is an invalid
      // request (-32600), not invalid params, so at the root only the other structure is used.
      const candidates = WRONG_VALUES.filter(
        (entry) =>
          !site.allowed.includes(entry.kind) &&
          !(entry.kind === "integer" && site.allowed.includes("number")) &&
          (site.path.length > 0 || entry.kind === "array" || entry.kind === "object"),
      );
      const chosen = candidates[variant % candidates.length];
      if (chosen === undefined) return undefined;
      return replaceAt(params, site.path, chosen.value, `wrong type at ${where}: ${chosen.kind} where ${site.allowed.join(" or ")} is expected`);
    }
    case "out-of-range":
      return replaceAt(params, site.path, site.value, `out of range at ${where}: ${site.value} breaks ${site.rule}`);
    case "unknown-enum":
      return replaceAt(params, site.path, site.value, `unknown enum value at ${where}: ${JSON.stringify(site.value)}`);
  }
}

function editObject(
  params: JsonValue,
  path: ValuePath,
  edit: (object: { readonly [key: string]: JsonValue }) => { value: JsonValue; description: string; touched: ValuePath } | undefined,
): AppliedMutation | undefined {
  const target = valueAt(params, path);
  if (!isJsonObject(target)) return undefined;
  const edited = edit(target as { readonly [key: string]: JsonValue });
  if (edited === undefined) return undefined;
  return { params: replaced(params, path, edited.value), description: edited.description, touched: edited.touched };
}

function replaceAt(params: JsonValue, path: ValuePath, value: JsonValue, description: string): AppliedMutation | undefined {
  const current = valueAt(params, path);
  if (current === undefined || jsonKindOf(current) === jsonKindOf(value) && JSON.stringify(current) === JSON.stringify(value)) return undefined;
  return { params: replaced(params, path, value), description, touched: path };
}

function valueAt(root: JsonValue, path: ValuePath): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = (current as readonly JsonValue[])[segment];
    else if (isJsonObject(current) && typeof segment === "string" && Object.hasOwn(current, segment)) current = (current as Record<string, JsonValue>)[segment];
    else return undefined;
  }
  return current;
}

/** A copy of `root` with the value at `path` replaced; the original is shared, never changed. */
function replaced(root: JsonValue, path: ValuePath, value: JsonValue): JsonValue {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...(root as readonly JsonValue[])];
    copy[head as number] = replaced(copy[head as number]!, rest, value);
    return copy;
  }
  const object = root as Record<string, JsonValue>;
  return { ...object, [head as string]: replaced(object[head as string]!, rest, value) };
}
