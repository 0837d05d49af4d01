/** The GitLab remote; it lives in remotes/gitlab/ (shapes, api, pipeline tree, test report). */
export { createGitLab } from './gitlab/remote.js';
