// Case: succeeded-with-issues. Run by MockTestRunner from azure-mock.test.ts, in task-lib's default mocked mode.
const { runner } = require('./common.cjs');

runner({ ref: 'broken', successOn: 'success,failed' }).run();
