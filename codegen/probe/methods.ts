/** The protocol's methods as the probe needs them: by direction, and selected by --methods globs. */
import type { MethodSpec, ProtocolModel } from "../model/model.js";

export class MethodIndex {
  private readonly clientToServer = new Map<string, MethodSpec>();
  private readonly serverToClient = new Map<string, MethodSpec>();

  constructor(model: ProtocolModel) {
    for (const method of model.methods) {
      (method.direction === "clientToServer" ? this.clientToServer : this.serverToClient).set(method.method, method);
    }
  }

  /** What a client may send. */
  outgoing(method: string): MethodSpec | undefined {
    return this.clientToServer.get(method);
  }

  /** What a server may send. */
  incoming(method: string): MethodSpec | undefined {
    return this.serverToClient.get(method);
  }

  /** Every client → server method, in model order. */
  allOutgoing(): MethodSpec[] {
    return [...this.clientToServer.values()];
  }
}

/**
 * The client → server methods the globs select: `*` matches within one path segment, `**`
 * across segments, a leading `!` excludes. No positive glob means every method.
 */
export function selectMethods(methods: readonly MethodSpec[], globs: readonly string[]): MethodSpec[] {
  const include = globs.filter((glob) => !glob.startsWith("!")).map(globToRegExp);
  const exclude = globs.filter((glob) => glob.startsWith("!")).map((glob) => globToRegExp(glob.slice(1)));
  return methods.filter(
    (method) => (include.length === 0 || include.some((re) => re.test(method.method))) && !exclude.some((re) => re.test(method.method)),
  );
}

export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === "*" && glob[index + 1] === "*") {
      source += ".*";
      index++;
    } else if (char === "*") {
      source += "[^/]*";
    } else if (char === "?") {
      source += "[^/]";
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}
