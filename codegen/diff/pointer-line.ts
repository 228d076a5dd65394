/**
 * The line of a JSON pointer in a JSON text, for annotations that point at the changed
 * keyword rather than at the top of the file. When the pointer leads to something that no
 * longer exists (a removed property), the deepest existing parent's line is returned.
 */

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index += 1) if (text[index] === "\n") line += 1;
  return line;
}

function decodeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

class Scanner {
  constructor(
    private readonly text: string,
    public offset = 0,
  ) {}

  whitespace(): void {
    while (/\s/.test(this.text[this.offset] ?? "")) this.offset += 1;
  }

  peek(): string | undefined {
    this.whitespace();
    return this.text[this.offset];
  }

  string(): string {
    const start = this.offset;
    this.offset += 1;
    while (this.offset < this.text.length && this.text[this.offset] !== '"') {
      this.offset += this.text[this.offset] === "\\" ? 2 : 1;
    }
    this.offset += 1;
    return JSON.parse(this.text.slice(start, this.offset)) as string;
  }

  skipValue(): void {
    const first = this.peek();
    if (first === '"') {
      this.string();
      return;
    }
    if (first === "{" || first === "[") {
      const close = first === "{" ? "}" : "]";
      this.offset += 1;
      while (this.peek() !== close && this.offset < this.text.length) {
        if (first === "{") {
          this.string();
          this.peek();
          this.offset += 1;
        }
        this.skipValue();
        if (this.peek() === ",") this.offset += 1;
      }
      this.offset += 1;
      return;
    }
    while (this.offset < this.text.length && !/[\s,\]}]/.test(this.text[this.offset] ?? "")) this.offset += 1;
  }

  /** Offset of the value the tokens lead to, or of the deepest one that exists. */
  find(tokens: readonly string[]): number {
    this.whitespace();
    const here = this.offset;
    const [token, ...rest] = tokens;
    const open = this.text[here];
    if (token === undefined || (open !== "{" && open !== "[")) return here;
    this.offset += 1;
    for (let index = 0; this.peek() !== (open === "{" ? "}" : "]") && this.offset < this.text.length; index += 1) {
      let key = String(index);
      if (open === "{") {
        key = this.string();
        this.peek();
        this.offset += 1;
      }
      if (key === token) return this.find(rest);
      this.skipValue();
      if (this.peek() === ",") this.offset += 1;
    }
    return here;
  }
}

export function lineOfPointer(text: string, pointer: string): number {
  const tokens = pointer === "" ? [] : pointer.slice(1).split("/").map(decodeToken);
  try {
    return lineAt(text, new Scanner(text).find(tokens));
  } catch {
    return 1;
  }
}
