// Case: success. Run by MockTestRunner from azure-mock.test.ts, in task-lib's default mocked mode.
const { runner } = require('./common.cjs');

runner({ ref: 'main' }).run();
