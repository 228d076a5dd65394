// The value of ./typescript.js is typescript's module.exports: the `ts` namespace, which this
// default export re-exports with its types (`ts.Statement`) as well as its values (`ts.factory`).
import * as ts from "typescript";

export default ts;
