#!/usr/bin/env node
// The codegen CLI from this repository's TypeScript sources (through tsx's loader), for the
// `thread-queue-codegen` bin of a clone; `npm run codegen` runs the same sources.
import { register } from "tsx/esm/api";

register();
await import("../codegen/cli.ts");
