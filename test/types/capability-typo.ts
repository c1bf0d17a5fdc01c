/**
 * Checked by `tsc --noEmit` (npm test), never run: a misspelt capability in `requires` is a type
 * error. If `Capability` ever widens to `string`, the directive below is unused and tsc fails.
 */
import type { CaseSpec } from '../../harness/shared/case-spec.ts';

export const misspelt: CaseSpec = {
  id: 'maxTotalSockets/typo',
  title: 'a case with a typo',
  level: 'must',
  doc: { url: 'https://nodejs.org/api/http.html#new-agentoptions', quote: '' },
  expected: '',
  // @ts-expect-error 'maxTotalSocket' is not a Capability ('maxTotalSockets' is)
  requires: ['maxTotalSocket'],
};
