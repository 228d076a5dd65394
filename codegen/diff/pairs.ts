/**
 * The pair graph: every (old type, new type) pair the walk met at the same place, compared
 * once. Pairing by position rather than by id is what recognises a renamed type: the old
 * `$ref` and the new one sit at the same place, and if the two types differ only in
 * documentation (transitively) the change is a rename.
 */
import type { NamedType, ProtocolModel, TypeId } from "../model/model.js";
import { NEUTRAL_KINDS, type Location, type RawChange } from "./context.js";
import type { PathSegment } from "./path.js";
import { SchemaWalker, type TypeLookup } from "./walk.js";

export interface PairEdge {
  readonly target: PairRecord;
  readonly segments: readonly PathSegment[];
}

export interface PairRecord {
  readonly key: string;
  readonly base: NamedType;
  readonly head: NamedType;
  changes: readonly RawChange[];
  edges: readonly PairEdge[];
}

export function pairKey(base: TypeId, head: TypeId): string {
  return `${base}\u0000${head}`;
}

function index(model: ProtocolModel): TypeLookup {
  const byId = new Map(model.types.map((type) => [type.id, type]));
  return (id) => byId.get(id);
}

/** A type's title that only repeats its name says nothing; a rename must not report it. */
function withoutNameTitle(type: NamedType): NamedType["schema"] {
  if (type.schema.title !== type.name) return type.schema;
  const { title: _title, ...rest } = type.schema;
  return rest;
}

export class PairGraph {
  private readonly records = new Map<string, PairRecord>();
  private readonly pending: PairRecord[] = [];
  private readonly lookup: { base: TypeLookup; head: TypeLookup };
  private equivalence: Set<string> | undefined;

  constructor(base: ProtocolModel, head: ProtocolModel) {
    this.lookup = { base: index(base), head: index(head) };
  }

  type(side: "base" | "head", id: TypeId): NamedType | undefined {
    return this.lookup[side](id);
  }

  /** The record of a pair, queued for comparison; undefined when either id is unknown. */
  request(baseId: TypeId, headId: TypeId): PairRecord | undefined {
    const key = pairKey(baseId, headId);
    const known = this.records.get(key);
    if (known !== undefined) return known;
    const base = this.lookup.base(baseId);
    const head = this.lookup.head(headId);
    if (base === undefined || head === undefined) return undefined;
    const record: PairRecord = { key, base, head, changes: [], edges: [] };
    this.records.set(key, record);
    this.pending.push(record);
    this.equivalence = undefined;
    return record;
  }

  get(baseId: TypeId, headId: TypeId): PairRecord | undefined {
    return this.records.get(pairKey(baseId, headId));
  }

  /** Compares every queued pair, and the pairs those reach. */
  run(): void {
    for (let record = this.pending.shift(); record !== undefined; record = this.pending.shift()) {
      const walker = new SchemaWalker(this.lookup);
      const at: Location = {
        segments: [],
        base: { type: record.base.id, pointer: "" },
        head: { type: record.head.id, pointer: "" },
      };
      walker.compare(withoutNameTitle(record.base), withoutNameTitle(record.head), at);
      record.changes = walker.sink.changes;
      record.edges = walker.sink.references.flatMap((reference) => {
        const target = this.request(reference.base, reference.head);
        return target === undefined ? [] : [{ target, segments: reference.at.segments }];
      });
    }
  }

  /**
   * Whether the two types of a pair accept exactly the same messages. Computed as the
   * greatest fixpoint, so recursive types that match each other are equivalent.
   */
  equivalent(record: PairRecord): boolean {
    this.equivalence ??= this.computeEquivalence();
    return this.equivalence.has(record.key);
  }

  private computeEquivalence(): Set<string> {
    const equivalent = new Set<string>();
    for (const record of this.records.values()) {
      if (record.changes.every((change) => NEUTRAL_KINDS.has(change.kind))) equivalent.add(record.key);
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const record of this.records.values()) {
        if (!equivalent.has(record.key)) continue;
        if (record.edges.some((edge) => !equivalent.has(edge.target.key))) {
          equivalent.delete(record.key);
          changed = true;
        }
      }
    }
    return equivalent;
  }

  all(): readonly PairRecord[] {
    return [...this.records.values()];
  }
}
