/// <reference types="node" />
/**
 * Holds a stream corked until the current synchronous run ends, so that what is written
 * together — a line and its newline, the answers of one group commit, the notifications one
 * change produced — leaves in one system call: on a pipe or a socket each write is otherwise its
 * own, and waking the reader for each costs more than the message. The stream is uncorked on
 * process.nextTick, before any promise continuation or I/O, so nothing waits for a later turn
 * of the event loop (waiting for setImmediate measured ~10 % fewer pipelined adds over stdio).
 */

/** A stream that can buffer writes until told to flush them: a `Writable`, a `net.Socket`. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

export class TickCork {
  private readonly stream: Corkable;
  private corked = false;

  constructor(stream: Corkable) {
    this.stream = stream;
  }

  /** Call before each write: corks the stream once per synchronous run. */
  hold(): void {
    if (this.corked) return;
    this.corked = true;
    this.stream.cork();
    process.nextTick(() => {
      this.corked = false;
      this.stream.uncork();
    });
  }
}
