/**
 * The keyword rules in the order the walk runs them: `type` first, because a type that
 * changed into an unrelated one makes every later comparison noise.
 */
import { additionalPropertiesRule } from "./additional-properties.js";
import { annotationsRule } from "./annotations.js";
import { constraintsRule } from "./constraints.js";
import { defaultRule } from "./default.js";
import { enumRule } from "./enum.js";
import { fallbackRule } from "./fallback.js";
import { itemsRule } from "./items.js";
import { numericRangeRule } from "./numeric-range.js";
import { propertiesRule } from "./properties.js";
import type { KeywordRule } from "./rule.js";
import { typeRule } from "./type.js";

/** Keywords the walk itself handles: references, unions, single-member allOf. */
export const STRUCTURAL_KEYWORDS: readonly string[] = ["$ref", "anyOf", "oneOf", "definitions"];

const OWNED_RULES: readonly KeywordRule[] = [
  typeRule,
  enumRule,
  propertiesRule,
  additionalPropertiesRule,
  itemsRule,
  numericRangeRule,
  constraintsRule,
  defaultRule,
];

/** Documentation goes last and always runs, even after a rule said "stop". */
export const ANNOTATION_RULE: KeywordRule = annotationsRule;

const owned = new Set([
  ...STRUCTURAL_KEYWORDS,
  ...[...OWNED_RULES, annotationsRule].flatMap((rule) => rule.keywords),
]);

export const STRUCTURE_RULES: readonly KeywordRule[] = [...OWNED_RULES, fallbackRule(owned)];
