/**
 * Plain code-unit string order. `localeCompare` depends on the machine's ICU data and
 * locale, which would make generated output differ between machines; this never does.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
