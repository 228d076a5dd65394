/**
 * What `--db` names: a PostgreSQL URL (several instances may share it) or an SQLite file path
 * (anything else). Kept apart from the flag table so that main.ts and the tests read it alike.
 */
export type StoreTarget =
  | { readonly kind: "sqlite"; readonly path: string }
  | {
      readonly kind: "postgres";
      readonly connectionString: string;
      /** Schema holding the tables (created if missing); default: the connection's search_path. */
      readonly schema: string | undefined;
    };

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export function parseStoreTarget(db: string, schema: string | undefined): StoreTarget {
  return POSTGRES_URL.test(db) ? { kind: "postgres", connectionString: db, schema } : { kind: "sqlite", path: db };
}

/** For logs: a URL without its password (or an unparsable one, hidden whole). */
export function describeStoreTarget(target: StoreTarget): string {
  if (target.kind === "sqlite") return target.path;
  let shown: string;
  try {
    const url = new URL(target.connectionString);
    if (url.password !== "") url.password = "***";
    url.searchParams.forEach((_, key) => {
      if (/pass/i.test(key)) url.searchParams.set(key, "***");
    });
    shown = url.toString();
  } catch {
    shown = "postgres://(unparsable URL)";
  }
  return target.schema === undefined ? shown : `${shown} (schema ${target.schema})`;
}
