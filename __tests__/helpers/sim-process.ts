/**
 * The GitLab simulator in a process of its own, for tools that block the test's event loop while
 * they run the product (MockTestRunner runs its task script with spawnSync). argv[2] is the
 * GitLabSimOptions as JSON; prints `url=<url>` once listening, and closes when stdin ends.
 */
import { startGitLabSim, type GitLabSimOptions } from '../../sim/gitlab.js';

const sim = await startGitLabSim(JSON.parse(process.argv[2] ?? '{}') as GitLabSimOptions);
process.stdout.write(`url=${sim.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
