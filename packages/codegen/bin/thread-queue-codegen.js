#!/usr/bin/env node
// The `thread-queue-codegen` command. Installed (from the registry or a tarball) it runs the
// compiled JavaScript in ../dist. In a clone of the toolkit's repository — recognised by the
// build config beside this folder, which is never packed — it runs the repository's own entry
// (the TypeScript sources through tsx), so development needs no build step and never runs a
// stale build.
import { existsSync } from "node:fs";

await import(existsSync(new URL("../tsconfig.build.json", import.meta.url)) ? "../../../bin/thread-queue-codegen.js" : "../dist/codegen/cli.js");
