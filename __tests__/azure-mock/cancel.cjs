// Case: cancel. The agent cancels a task by signalling its process; here the task's own process
// receives SIGTERM while the remote pipeline still runs.
const { runner } = require('./common.cjs');

runner({ ref: 'slow' }).run();
setTimeout(() => process.kill(process.pid, 'SIGTERM'), 2500);
