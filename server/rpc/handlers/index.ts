import type { ClientNotificationHandlers, ClientRequestHandlers } from "../../../generated/server/handlers.js";
import type { ServerRuntime } from "../../runtime.js";
import type { RequestContext } from "../request-context.js";
import { answerErrors } from "./errors.js";
import { initializeHandler } from "./initialize.js";
import { threadQueueAddHandler } from "./thread-queue-add.js";
import { threadQueueDeleteHandler } from "./thread-queue-delete.js";
import { threadQueueListHandler } from "./thread-queue-list.js";
import { threadQueueReorderHandler } from "./thread-queue-reorder.js";
import { threadResumeHandler } from "./thread-resume.js";
import { threadStartHandler } from "./thread-start.js";
import { turnInterruptHandler } from "./turn-interrupt.js";
import { turnStartHandler } from "./turn-start.js";

/** The generated interfaces, filled in: a method missing here fails to compile. */
export function createHandlers(runtime: ServerRuntime): {
  requests: ClientRequestHandlers<RequestContext>;
  notifications: ClientNotificationHandlers<RequestContext>;
} {
  return {
    requests: answerErrors({
      initialize: initializeHandler(runtime),
      "thread/start": threadStartHandler(runtime),
      "thread/resume": threadResumeHandler(runtime),
      "turn/start": turnStartHandler(runtime),
      "turn/interrupt": turnInterruptHandler(runtime),
      "thread/queue/add": threadQueueAddHandler(runtime),
      "thread/queue/list": threadQueueListHandler(runtime),
      "thread/queue/delete": threadQueueDeleteHandler(runtime),
      "thread/queue/reorder": threadQueueReorderHandler(runtime),
    }),
    notifications: {
      // The handshake completes on the initialize response; the notification carries nothing.
      initialized: async () => undefined,
    },
  };
}
