/** The GitLab simulator; it lives in sim/gitlab/, split along GitLab's own seams. */
export * from './gitlab/index.js';
