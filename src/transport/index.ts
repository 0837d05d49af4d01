/**
 * transport/ is the only HTTP client: requests and auth (http.ts), redirects and origin rules
 * (redirects.ts), retries and Retry-After (retries.ts), rate budgets (budget.ts), streamed
 * downloads (download.ts), JSON answers and their shapes (json.ts, shape.ts). It imports only
 * core/; it knows no remote's URLs and no host.
 */
export * from './http.js';
export * from './redirects.js';
export * from './retries.js';
export * from './budget.js';
export * from './download.js';
export * from './json.js';
export * from './shape.js';
export * from './types.js';
