import pg from "pg";
import type { QueueChange, TurnEvent } from "../queue-store.js";
import { StoreUnavailableError, toStoreFailure } from "./errors.js";
import { LISTENING } from "../tell-listener.js";
import { TURN_START_CHANNEL } from "./ops/forwarded-turn-starts.js";
import { QUEUE_CHANGED_CHANNEL } from "./ops/queue-version.js";
import { publishTurnEvents, TURN_EVENT_CHANNEL } from "./ops/turn-events.js";
import { parseTurnEventPayload } from "./turn-event-payload.js";

export interface PgChangeListenerSettings {
  connectionString: string;
  /** search_path, as the store's pool sets it; already checked to be a plain identifier. */
  schema: string | undefined;
  applicationName: string;
  connectionTimeoutMs: number;
  /** The store's own id: its notifications are not reported back to it. */
  origin: string;
  /** First reconnect delay; doubles per failed attempt up to `maxBackoffMs`. Default 100. */
  initialBackoffMs?: number;
  /** Default 5000. */
  maxBackoffMs?: number;
  /**
   * A query on the LISTEN connection this often: a link that died silently (no TCP reset) is
   * found within about twice this, instead of whenever the kernel's keepalive gives up. Default 5000.
   */
  heartbeatMs?: number;
  onChange(change: QueueChange): void;
  /** Clock for stored (oversized) turn events. */
  now: () => number;
  /** How long published turn events are gathered into one statement. Default PUBLISH_GATHER_MS. */
  publishGatherMs?: number;
  /** A lost or refused connection (it is retried); for logging. */
  onError?(error: Error): void;
}

/** Turn events published within this many milliseconds share one NOTIFY statement. */
export const PUBLISH_GATHER_MS = 10;

/**
 * The dedicated LISTEN connection of a PostgreSQL store (a pooled connection cannot LISTEN: it
 * is shared and recycled). Reconnects with capped exponential backoff and jitter, and reports
 * a `resync` each time LISTEN is (re-)established — notifications sent while it was down are
 * lost, so listeners must re-read. Notifications of other schemas and of this store itself are
 * dropped here.
 */
export class PgChangeListener {
  private closed = false;
  private current: { client: pg.Client; stop(): void } | undefined;
  private wakeSleeper: (() => void) | undefined;
  private running: Promise<void> | undefined;
  /** Turn events are reported in arrival order, also when one has to be read from its table first. */
  private turnEvents: Promise<void> = Promise.resolve();
  /** Events queued on `turnEvents` and not yet reported: while any are, later ones queue behind them. */
  private turnEventsWaiting = 0;
  /** The last query on the LISTEN connection (see `serialized`). */
  private queryTail: Promise<unknown> = Promise.resolve();
  /** Turn events to publish, in order; what comes while one statement is in flight goes in the next. */
  private outbox: Array<{ event: TurnEvent; resolve(): void; reject(error: unknown): void }> = [];
  private sending = false;
  private listeningNow = false;

  constructor(private readonly settings: PgChangeListenerSettings) {}

  /** Whether LISTEN is established right now (a `resync` has been reported for this connection). */
  get listening(): boolean {
    return this.listeningNow;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeSleeper?.();
    this.current?.stop();
    // Also interrupts a connect in progress, which would otherwise wait for its timeout.
    await this.current?.client.end().catch(() => undefined);
    await this.running;
  }

  private async loop(): Promise<void> {
    const initial = this.settings.initialBackoffMs ?? 100;
    const max = this.settings.maxBackoffMs ?? 5000;
    let backoff = initial;
    let first = true;
    while (!this.closed) {
      const listened = await this.listenOnce(first).catch((error: unknown) => {
        this.settings.onError?.(error instanceof Error ? error : new Error(String(error)));
        return false;
      });
      if (this.closed) break;
      if (listened) {
        first = false;
        backoff = initial;
      }
      // Full jitter: instances that lost the database together do not come back in lockstep.
      await this.sleep(backoff / 2 + Math.random() * (backoff / 2));
      backoff = Math.min(backoff * 2, max);
    }
  }

  /** One connection's life: true when LISTEN was established (then lost), false when it never was. */
  private async listenOnce(first: boolean): Promise<boolean> {
    const heartbeatMs = this.settings.heartbeatMs ?? 5000;
    const client = new pg.Client({
      connectionString: this.settings.connectionString,
      application_name: this.settings.applicationName,
      connectionTimeoutMillis: this.settings.connectionTimeoutMs,
      query_timeout: heartbeatMs,
      keepAlive: true,
      // Turn events are published on this connection (`publish`), each NOTIFY its own
      // transaction: without waiting for the WAL flush, its commit holds PostgreSQL's
      // notification lock only briefly (events are at most once; a crash may lose them anyway).
      options: [...(this.settings.schema === undefined ? [] : [`-c search_path=${this.settings.schema}`]), "-c synchronous_commit=off"].join(" "),
    });
    let stop!: () => void;
    const lost = new Promise<void>((resolve) => {
      stop = resolve;
      client.on("error", (error) => {
        this.settings.onError?.(error);
        resolve();
      });
      client.on("end", () => resolve());
    });
    this.current = { client, stop };
    this.queryTail = Promise.resolve();
    let established = false;
    try {
      await client.connect();
      const schema = (await client.query<{ schema: string | null }>("SELECT current_schema() AS schema")).rows[0]?.schema ?? null;
      client.on("notification", (message) => {
        if (message.channel === QUEUE_CHANGED_CHANNEL) this.handle(message.payload, schema);
        else if (message.channel === TURN_EVENT_CHANNEL) this.handleTurnEvents(client, message.payload, schema);
        else if (message.channel === TURN_START_CHANNEL) this.handleTurnStart(message.payload, schema);
      });
      // The channels are constant identifiers; LISTEN takes no bind parameters.
      await client.query(`LISTEN ${QUEUE_CHANGED_CHANNEL}; LISTEN ${TURN_EVENT_CHANNEL}; LISTEN ${TURN_START_CHANNEL}`);
      established = true;
      this.listeningNow = true;
      this.settings.onChange(first ? LISTENING : { type: "resync", reason: "reconnected to PostgreSQL" });
      await Promise.race([lost, this.heartbeat(client, heartbeatMs, lost)]);
    } finally {
      this.listeningNow = false;
      this.current = undefined;
      await client.end().catch(() => undefined);
    }
    return established;
  }

  private async heartbeat(client: pg.Client, everyMs: number, lost: Promise<void>): Promise<void> {
    let gone = false;
    void lost.then(() => (gone = true));
    while (!gone && !this.closed) {
      await this.sleep(everyMs);
      if (gone || this.closed) return;
      try {
        await this.serialized(() => client.query("SELECT 1"));
      } catch (error) {
        this.settings.onError?.(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
  }

  private handle(payload: string | undefined, schema: string | null): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload ?? "");
    } catch {
      return; // Not one of ours (someone else notifying on the channel).
    }
    if (!Array.isArray(parsed) || parsed.length !== 4) return;
    const [fromSchema, origin, threadId, version] = parsed as unknown[];
    if (fromSchema !== schema || origin === this.settings.origin) return;
    if (typeof threadId !== "string" || typeof version !== "number") return;
    this.settings.onChange({ type: "changed", threadId, version });
  }

  /**
   * Publishes a turn event on this connection, outside the store's batch transactions: the
   * NOTIFY of an event then never makes a batch wait on PostgreSQL's notification lock (commits
   * that notify take turns; a batch with only a dispatch's removal would otherwise notify too).
   * Events sent while one statement is in flight go together in the next, in order. Rejects
   * (the event is lost: at most once) while the connection is down.
   */
  async publish(event: TurnEvent): Promise<void> {
    const client = this.listeningClient();
    return new Promise((resolve, reject) => {
      this.outbox.push({ event, resolve, reject });
      if (this.sending) return;
      // A short gather: the events of the next moments go in the same statement and transaction,
      // so every listening backend is woken once for them, not once per event.
      this.sending = true;
      setTimeout(() => void this.sendOutbox(client), this.settings.publishGatherMs ?? PUBLISH_GATHER_MS);
    });
  }

  private async sendOutbox(client: pg.Client): Promise<void> {
    try {
      while (this.outbox.length > 0) {
        const batch = this.outbox.splice(0);
        try {
          await this.serialized(() => publishTurnEvents({ db: client, now: this.settings.now, origin: this.settings.origin }, batch.map((entry) => entry.event)));
          for (const entry of batch) entry.resolve();
        } catch (error) {
          const failure = toStoreFailure(error);
          for (const entry of batch) entry.reject(failure);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /**
   * A notification of turn events (turn-event-payload.ts). Events are reported as they arrive,
   * except behind one whose params must be read from its table first: those wait their turn.
   */
  private handleTurnEvents(client: pg.Client, payload: string | undefined, schema: string | null): void {
    const parsed = parseTurnEventPayload(payload ?? "");
    if (parsed === undefined || parsed.schema !== schema || parsed.origin === this.settings.origin) return;
    for (const entry of parsed.entries) {
      const { threadId, method } = entry;
      if ("paramsJson" in entry && this.turnEventsWaiting === 0) {
        this.settings.onChange({ type: "turnEvent", threadId, method, paramsJson: entry.paramsJson });
        continue;
      }
      this.turnEventsWaiting += 1;
      this.turnEvents = this.turnEvents.then(async () => {
        try {
          const paramsJson = "paramsJson" in entry ? entry.paramsJson : await this.readStoredTurnEvent(client, entry.storedSeq);
          if (paramsJson !== undefined) this.settings.onChange({ type: "turnEvent", threadId, method, paramsJson });
        } finally {
          this.turnEventsWaiting -= 1;
        }
      });
    }
  }

  /** Undefined when it is gone (pruned: lost, as an event missed during an outage is) or unreadable (reported). */
  private async readStoredTurnEvent(client: pg.Client, eventSeq: number): Promise<string | undefined> {
    try {
      const result = await this.serialized(() => client.query<{ params_json: string }>("SELECT params_json FROM thread_turn_events WHERE event_seq = $1", [eventSeq]));
      return result.rows[0]?.params_json;
    } catch (error) {
      this.settings.onError?.(error instanceof Error ? error : new Error(String(error)));
      return undefined;
    }
  }

  /** The connection to publish on; what to publish is lost (at most once) while there is none. */
  private listeningClient(): pg.Client {
    const client = this.current?.client;
    if (!this.listeningNow || client === undefined) throw new StoreUnavailableError(new Error("the LISTEN connection is not established"));
    return client;
  }

  /**
   * Queries on the LISTEN connection run one at a time: the heartbeat, publishing, reading a
   * stored event and announcing followers come from independent callers, and pg deprecates
   * queueing a query behind another on one client.
   */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queryTail.then(work);
    this.queryTail = result.catch(() => undefined);
    return result;
  }

  /**
   * `schema\nforwarded\n<holderId>`, `schema\nanswered\n<requestId>` (ops/forwarded-turn-starts.ts)
   * or `schema\nfollowing\n<validForMs>\n<threadId>` (`announceFollowing`; this store's own too:
   * a holder skips nothing on hearing itself, it only learns that someone follows).
   */
  private handleTurnStart(payload: string | undefined, schema: string | null): void {
    const fields = splitLines(payload ?? "", 3);
    if (fields === undefined || fields[0] !== schema) return;
    const [, kind, id = ""] = fields;
    if (kind === "forwarded") this.settings.onChange({ type: "turnStartForwarded", holderId: id });
    else if (kind === "answered") this.settings.onChange({ type: "turnStartAnswered", requestId: id });
    else if (kind === "asking") this.settings.onChange({ type: "followersAsked", threadId: id });
    else if (kind === "following") {
      const [validFor = "", threadId = ""] = splitLines(id, 2) ?? [];
      const validForMs = Number(validFor);
      if (threadId !== "" && Number.isSafeInteger(validForMs) && validForMs > 0) this.settings.onChange({ type: "following", threadId, validForMs });
    }
  }

  /** One NOTIFY per thread, in one statement and transaction (asynchronous commit, as events). */
  announceFollowing(threadIds: readonly string[], validForMs: number): Promise<void> {
    return this.notifyPerThread(`\nfollowing\n${validForMs}\n`, threadIds);
  }

  askFollowers(threadIds: readonly string[]): Promise<void> {
    return this.notifyPerThread("\nasking\n", threadIds);
  }

  private async notifyPerThread(prefix: string, threadIds: readonly string[]): Promise<void> {
    const client = this.listeningClient();
    try {
      await this.serialized(() => client.query({
        name: "thread_queue_notify_per_thread",
        text: "SELECT pg_notify($1, current_schema() || $2 || thread_id) FROM unnest($3::text[]) AS thread_id",
        values: [TURN_START_CHANNEL, prefix, [...threadIds]],
      }));
    } catch (error) {
      throw toStoreFailure(error);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** The first `count - 1` lines and the rest of the text; undefined when there are fewer lines. */
function splitLines(text: string, count: number): string[] | undefined {
  const fields: string[] = [];
  let from = 0;
  for (let i = 0; i < count - 1; i += 1) {
    const end = text.indexOf("\n", from);
    if (end === -1) return undefined;
    fields.push(text.slice(from, end));
    from = end + 1;
  }
  fields.push(text.slice(from));
  return fields;
}
