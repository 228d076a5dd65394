/**
 * The protocol emitter: protocol/methods.ts (the methods map everything typed derives from)
 * and protocol/validation.ts (how server and client run the generated validators).
 */
import type { Emitter } from "../../model/model.js";
import { methodsFileStatements } from "./methods.js";
import { headerOf } from "../shared/header.js";
import { printModule } from "./printing.js";
import { validationFileStatements } from "./validation.js";

export const emitProtocol: Emitter = (model) => [
  { path: "protocol/methods.ts", contents: printModule(headerOf(model), methodsFileStatements(model)) },
  { path: "protocol/validation.ts", contents: printModule(headerOf(model), validationFileStatements()) },
];
