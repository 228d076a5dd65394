#!/usr/bin/env node
// Entry point for stdio clients to spawn: unlike `npm start`, it prints nothing of its own on
// stdout, which is the protocol channel. TypeScript sources run through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("../server/main.ts");
