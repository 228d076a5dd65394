import { resolve } from "node:path";
import type { InitializeParams, InitializeResponse } from "../../../generated/types/index.js";
import type { ServerRuntime } from "../../runtime.js";
import type { RequestContext } from "../request-context.js";

const PLATFORM_OS: Readonly<Record<string, string>> = { darwin: "macos", win32: "windows" };

export function initializeHandler(runtime: ServerRuntime) {
  return async (params: InitializeParams, ctx: RequestContext): Promise<InitializeResponse> => {
    ctx.session.applyInitialize(params);
    return {
      codexHome: resolve(runtime.options.defaultCwd),
      platformFamily: process.platform === "win32" ? "windows" : "unix",
      platformOs: PLATFORM_OS[process.platform] ?? process.platform,
      userAgent: `thread-queue-server/${runtime.options.version}`,
    };
  };
}
