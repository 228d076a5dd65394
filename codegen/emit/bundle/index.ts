/**
 * The bundle emitter: `schema/protocol.schemas.json`, every type in one draft-07 document in
 * upstream's shape (definitions nested by namespace, refs `#/definitions/<id>`) plus the method
 * registry under `x-protocol`, in protocol.json's fields (its `diagrams` stay with the schema folder:
 * their DOT files are not part of the bundle). The loader reads it back as a schema
 * source of its own, so a consumer can take one file instead of the schema folder.
 */
import type { Emitter, JsonSchemaObject, MethodError, MethodSpec, ProtocolModel } from "../../model/model.js";
import { headerOf, headerText } from "../shared/header.js";
import { nestDefinitions } from "./definitions.js";

export const BUNDLE_PATH = "schema/protocol.schemas.json";
export const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
/** Where the registry lives in the bundle; the loader reads the same member. */
export const REGISTRY_MEMBER = "x-protocol";

export const emitBundle: Emitter = (model) => [{ path: BUNDLE_PATH, contents: `${JSON.stringify(bundleDocument(model), null, 2)}\n` }];

export function bundleDocument(model: ProtocolModel): JsonSchemaObject {
  return {
    $comment: headerText(headerOf(model)),
    $schema: DRAFT_07,
    definitions: nestDefinitions(model.types),
    [REGISTRY_MEMBER]: {
      ...(model.info ? { name: model.info.name, version: model.info.version } : {}),
      ...(model.requestErrors ? { requestErrors: model.requestErrors.map(errorAnswer) } : {}),
      requests: model.methods.filter((method) => method.kind === "request").map(registryEntry),
      notifications: model.methods.filter((method) => method.kind === "notification").map(registryEntry),
    },
  };
}

/** protocol.json's fields in protocol.json's order; notifications have no `result`. */
function registryEntry(method: MethodSpec): JsonSchemaObject {
  return {
    method: method.method,
    messageDirection: method.direction,
    params: method.params,
    ...(method.paramsOptional === true ? { paramsOptional: true } : {}),
    ...(method.kind === "request" ? { result: method.result } : {}),
    experimental: method.experimental,
    since: method.since,
    description: method.description,
    ...(method.errors ? { errors: method.errors.map(errorAnswer) } : {}),
  };
}

function errorAnswer(answer: MethodError): JsonSchemaObject {
  return { code: answer.code, message: answer.message, when: answer.when };
}
