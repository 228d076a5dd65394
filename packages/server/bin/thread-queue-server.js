#!/usr/bin/env node
// The `thread-queue-server` command. Installed (from the registry or a tarball) it runs the
// compiled JavaScript in ../dist: plain node, nothing written to stdout but protocol messages.
// In a clone of the toolkit's repository — recognised by the build config beside this folder,
// which is never packed — it runs the repository's own entry (the sources through tsx).
import { existsSync } from "node:fs";

await import(existsSync(new URL("../tsconfig.build.json", import.meta.url)) ? "../../../bin/thread-queue-server.js" : "../dist/server/main.js");
