/** `compare --concurrency` default: implementations run at the same time (see docs/compare.md). */
export const DEFAULT_IMPLEMENTATIONS_AT_ONCE = 2;
